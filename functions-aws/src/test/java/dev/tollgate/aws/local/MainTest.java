package dev.tollgate.aws.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    private static final String EXAMPLE = Path.of("..", "examples", "tollgate.yaml").toString();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void validate_acceptsTheExample() throws Exception {
        int status = run("validate", Path.of("..", "examples", "tollgate.yaml").toString());

        assertThat(status).isZero();
        assertThat(text(out)).contains("tollgate.yaml: valid");
    }

    @Test
    void validate_namesEveryProblem_andExitsNonZero() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                stages:
                  dev: {variables: {ordersBackend: "http://127.0.0.1:1"}}
                plans:
                  p: {quota: {limit: 0, period: day}}
                routes:
                  - path: /orders
                    methods: [GET]
                    backend: ${stageVariables.paymentsBackend}
                """);

        int status = run("validate", file.toString());

        assertThat(status).isEqualTo(1);
        assertThat(text(err).lines()).containsExactly(
                "bad.yaml:4: plans.p.quota.limit: 0 (expected: a whole number > 0)",
                "bad.yaml:8: routes[0].backend: ${stageVariables.paymentsBackend} (expected: a variable every stage"
                        + " defines; stage dev does not define paymentsBackend)",
                file + ": 2 problems");
    }

    @Test
    void unknownCommandsAndOptions_areUsageErrors() throws Exception {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(text(err)).contains("tollgate: unknown command frobnicate").contains("usage:");
        assertThat(run("local", "--port", "http")).isEqualTo(2);
        assertThat(text(err)).contains("--port http: expected a port from 0 to 65535");
        assertThat(run("local", "--stage-var", "novalue")).isEqualTo(2);
        assertThat(run("local", "--log", "xml")).isEqualTo(2);
        assertThat(text(err)).contains("--log xml: expected text, json or off");
        assertThat(run("local", "--config", dir.resolve("missing.yaml").toString())).isEqualTo(2);
        assertThat(text(err)).contains("missing.yaml: no such file");
    }

    @Test
    void token_printsADemoJwt_forTheStagesAudience() throws Exception {
        int status = run("token", "--stage", "prod", "--sub", "carol", "--scope", "reports:read", "--scope", "orders:read",
                "--claim", "tenant=acme", "--ttl", "30m", "--config", EXAMPLE);

        assertThat(status).isZero();
        JWTClaimsSet claims = SignedJWT.parse(text(out).strip()).getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(DemoIssuer.ISSUER);
        assertThat(claims.getAudience()).containsExactly("tollgate-prod");
        assertThat(claims.getSubject()).isEqualTo("carol");
        assertThat(claims.getStringClaim("scope")).isEqualTo("reports:read orders:read");
        assertThat(claims.getStringClaim("tenant")).isEqualTo("acme");
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                .isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void token_refusesWhatCannotWork() throws Exception {
        assertThat(run("token", "--config", EXAMPLE)).isEqualTo(2);
        assertThat(text(err)).contains("tollgate: token needs --stage STAGE");
        assertThat(run("token", "--stage", "qa", "--config", EXAMPLE)).isEqualTo(2);
        assertThat(text(err)).contains("--stage qa: " + EXAMPLE + " has no such stage (expected one of: dev, prod)");
        assertThat(run("token", "--stage", "dev", "--ttl", "2d", "--config", EXAMPLE)).isEqualTo(2);
        assertThat(text(err)).contains("--ttl 2d: expected a duration from 1s to 24h, such as 30m or 1h");
        Path noIssuer = dir.resolve("no-issuer.yaml");
        Files.writeString(noIssuer, """
                stages:
                  dev: {variables: {}}
                plans:
                  p: {quota: {limit: 1, period: day}}
                routes:
                  - {path: /a, methods: [GET], backend: "http://127.0.0.1:1"}
                """);
        assertThat(run("token", "--stage", "dev", "--config", noIssuer.toString())).isEqualTo(1);
        assertThat(text(err)).contains("tollgate: " + noIssuer + " trusts no local demo issuer (expected: an issuer under"
                + " jwt.issuers with issuer: urn:tollgate:local-demo)");
    }

    @Test
    void theServiceName_comesFromTheVariable() {
        assertThat(LocalRunner.serviceName("ordersBackend")).isEqualTo("orders");
        assertThat(LocalRunner.serviceName("billing")).isEqualTo("billing");
    }

    private int run(String... args) throws Exception {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
