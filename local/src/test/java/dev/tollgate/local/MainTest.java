package dev.tollgate.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.aws.DynamoDbKeyStore;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class MainTest {

    private static final String EXAMPLE = Path.of("..", "examples", "tollgate.yaml").toString();
    private static final Instant NOON = Instant.parse("2026-11-23T12:00:00Z");

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
    void validateDeployable_refusesTheExample_namingItsDemoKeysAndLoopbackAddresses_andAcceptsTheDeploymentFile()
            throws Exception {
        String deployment = Path.of("..", "deploy", "tollgate.yaml").toString();

        assertThat(run("validate", "--deployable", deployment)).isZero();
        assertThat(text(out)).isEqualTo(deployment + ": valid, and fit to deploy\n");
        assertThat(run("validate", "--deployable", EXAMPLE)).isEqualTo(1);
        assertThat(text(err).lines().map(line -> line.replaceFirst(":\\d+: ", ":N: "))).containsExactly(
                "tollgate.yaml:N: apiKeys[0].value: a key in plain text (expected: in a configuration to deploy, the key's"
                        + " SHA-256 as sha256, or the key in the stage's keys table only: ./tollgate keys create --aws)",
                "tollgate.yaml:N: apiKeys[1].value: a key in plain text (expected: in a configuration to deploy, the key's"
                        + " SHA-256 as sha256, or the key in the stage's keys table only: ./tollgate keys create --aws)",
                "tollgate.yaml:N: jwt.issuers.local-demo.jwksUri: http://127.0.0.1:8080/_local/demo-issuer/jwks.json"
                        + " (expected: your identity provider's JWK set, such as https://auth.example.com/.well-known/jwks.json;"
                        + " a loopback address serves only ./tollgate local)",
                "tollgate.yaml:N: stages.prod.variables.ordersBackend: http://127.0.0.1:9102 (expected: a backend the"
                        + " function reaches from its VPC, such as an internal NLB's URL or ecs://CLUSTER/SERVICE[:PORT];"
                        + " a loopback address serves only ./tollgate local)",
                EXAMPLE + ": 4 problems");
        assertThat(text(err)).doesNotContain("demo-dev-key", "demo-prod-key");
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
                "bad.yaml:4: plans.p.quota.limit: 0 (expected: a whole number from 1 to 9223372036854775807)",
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
    void token_takesItsTimesFromTheInjectedClock() throws Exception {
        int status = runAt(NOON, "token", "--stage", "dev", "--ttl", "30m", "--config", EXAMPLE);

        assertThat(status).isZero();
        JWTClaimsSet claims = SignedJWT.parse(text(out).strip()).getJWTClaimsSet();
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(NOON);
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(NOON.plus(Duration.ofMinutes(30)));
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
    void keys_argumentErrors_areUsageErrors_beforeAnyDynamoDbCall() throws Exception {
        assertUsageError("keys needs a command: create, list, revoke or rotate", "keys");
        assertUsageError("unknown keys command frob (expected: create, list, revoke or rotate)", "keys", "frob");
        assertUsageError("keys create needs --stage STAGE", "keys", "create", "--plan", "developer", "--consumer", "acme");
        assertUsageError("keys create needs --plan PLAN", "keys", "create", "--stage", "dev", "--consumer", "acme");
        assertUsageError("keys create needs --consumer NAME", "keys", "create", "--stage", "dev", "--plan", "developer");
        assertUsageError("--consumer local-demo:alice: expected a consumer name of letters, digits, ., - and _ (at most 128)",
                "keys", "create", "--stage", "dev", "--plan", "developer", "--consumer", "local-demo:alice");
        assertUsageError("--stage qa: " + EXAMPLE + " has no such stage (expected one of: dev, prod)",
                "keys", "create", "--stage", "qa", "--plan", "developer", "--consumer", "acme", "--config", EXAMPLE);
        assertUsageError("--plan gold: " + EXAMPLE + " has no such plan (expected one of: developer, trial)",
                "keys", "create", "--stage", "dev", "--plan", "gold", "--consumer", "acme", "--config", EXAMPLE);
        assertUsageError("--expires 2d3h: expected a duration such as 30d or 12h, a date such as 2026-12-31 (midnight UTC)"
                        + " or a time such as 2026-12-31T18:00:00Z",
                "keys", "create", "--stage", "dev", "--plan", "developer", "--consumer", "acme", "--config", EXAMPLE,
                "--expires", "2d3h");
        assertUsageError("--expires 2026-11-23: expected a time after now (2026-11-23T12:00:00Z) and within 3650 days",
                "keys", "create", "--stage", "dev", "--plan", "developer", "--consumer", "acme", "--config", EXAMPLE,
                "--expires", "2026-11-23");
        assertUsageError("--stage is given twice", "keys", "create", "--stage", "dev", "--stage", "prod");
        assertUsageError("keys list: unknown option --plan", "keys", "list", "--plan", "developer");
        assertUsageError("--platform gcp: expected aws or azure", "local", "--platform", "gcp");
        assertUsageError("keys list: unexpected key_1", "keys", "list", "key_1");
        assertUsageError("keys revoke needs one KEY_ID", "keys", "revoke");
        assertUsageError("keys rotate needs one KEY_ID, not [key_1, key_2]", "keys", "rotate", "key_1", "key_2");
        assertUsageError("--grace soon: expected a duration from 0s to 3650d, such as 0s, 30m or 7d",
                "keys", "rotate", "key_1", "--grace", "soon");
        assertUsageError("--region needs --aws (without --aws, keys go to DynamoDB Local)",
                "keys", "list", "--region", "eu-west-1");
        assertUsageError("--endpoint ftp://127.0.0.1: expected an http(s) URL, such as http://127.0.0.1:8000",
                "keys", "list", "--endpoint", "ftp://127.0.0.1");
        assertUsageError("--table needs a value", "keys", "list", "--table");
    }

    @Test
    void keys_refuseAnInvalidConfiguration_naming_itsProblems() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "stages: {}\n");

        int status = runAt(NOON, "keys", "create", "--stage", "dev", "--plan", "p", "--consumer", "acme", "--config", bad.toString());

        assertThat(status).isEqualTo(1);
        assertThat(text(err)).contains("bad.yaml:").contains("tollgate: the configuration " + bad + " is not valid; no key was made");
        assertThat(text(out)).isEmpty();
    }

    @Test
    void keys_sayWhenDynamoDbLocalCannotBeReached() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        int status = runAt(NOON, "keys", "list", "--endpoint", "http://127.0.0.1:" + closed);

        assertThat(status).isEqualTo(1);
        assertThat(text(err)).contains("tollgate: keys table tollgate-keys in DynamoDB Local at http://127.0.0.1:" + closed)
                .contains("tollgate: the keys could not be listed: DynamoDB Local at http://127.0.0.1:" + closed
                        + " cannot be reached (is ./tollgate local running?");
    }

    @Test
    void everyCommand_takesHelp_printingTheUsage_andExitingZero() throws Exception {
        List<List<String>> commands = List.of(List.of("local"), List.of("local", "--port", "9000"), List.of("validate"),
                List.of("token"), List.of("token", "--stage", "dev"), List.of("keys"), List.of("keys", "create"),
                List.of("keys", "rotate", "key_1"));

        for (List<String> command : commands) {
            for (String help : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(command);
                args.add(help);

                int status = runAt(NOON, args.toArray(String[]::new));

                assertThat(status).as(args.toString()).isZero();
                assertThat(text(out)).as(args.toString()).startsWith("usage:").contains("tollgate local [--platform aws|azure] [--port N]")
                        .contains("Every command takes -h or --help");
                assertThat(text(err)).as(args.toString()).isEmpty();
            }
        }
    }

    @Test
    void keys_help_printsTheUsage() throws Exception {
        assertThat(run("keys", "--help")).isZero();
        assertThat(text(out)).contains("tollgate keys rotate KEY_ID [--grace DURATION]");
    }

    @Test
    void keys_createListRotateRevoke_againstDynamoDbLocal_showingEachKeyOnce() throws Exception {
        LocalDynamoDb dynamoDb = LocalDynamoDb.start(0);
        try (var client = dynamoDb.client()) {
            client.createTable(DynamoDbKeyStore.tableDefinition("tollgate-keys"));
            String endpoint = dynamoDb.endpoint().toString();
            List<String> printed = new ArrayList<>();

            assertThat(runAt(NOON, "keys", "create", "--stage", "prod", "--plan", "trial", "--consumer", "acme",
                    "--expires", "30d", "--config", EXAMPLE, "--endpoint", endpoint)).isZero();
            String key = text(out).strip();
            assertThat(key).matches("tg_[A-Za-z0-9_-]{43}");
            String id = idIn(text(err));
            assertThat(text(err)).contains("tollgate: keys table tollgate-keys in DynamoDB Local at " + endpoint,
                    "tollgate: created key " + id + " for consumer acme on stage prod, plan trial, expires 2026-12-23T12:00:00Z.",
                    "the key above is shown this once");
            printed.add(text(err));

            assertThat(runAt(NOON.plusSeconds(60), "keys", "rotate", id, "--grace", "2h", "--endpoint", endpoint)).isZero();
            String rotated = text(out).strip();
            assertThat(rotated).matches("tg_[A-Za-z0-9_-]{43}").isNotEqualTo(key);
            String newId = idIn(text(err));
            assertThat(text(err)).contains("tollgate: key " + newId + " replaces " + id + " for consumer acme on stage prod,"
                    + " plan trial, expires 2026-12-23T12:00:00Z.",
                    "tollgate: " + id + " keeps working until 2026-11-23T14:01:00Z (grace 2h;");
            printed.add(text(err));
            assertThat(runAt(NOON.plusSeconds(90), "keys", "rotate", id, "--endpoint", endpoint)).isEqualTo(1);
            assertThat(text(out)).isEmpty();
            assertThat(text(err)).contains("tollgate: key " + id + " was rotated already: key " + newId + " replaces it and "
                    + id + " stops working at 2026-11-23T14:01:00Z (expected: a key not yet replaced; rotate " + newId + " instead)");
            printed.add(text(err));

            assertThat(runAt(NOON.plusSeconds(120), "keys", "revoke", newId, "--endpoint", endpoint)).isZero();
            assertThat(text(out)).contains("revoked key " + newId + " (consumer acme, stage prod)").contains("within 60 s");
            printed.add(text(out) + text(err));
            assertThat(runAt(NOON.plusSeconds(180), "keys", "revoke", newId, "--endpoint", endpoint)).isZero();
            assertThat(text(out)).contains("key " + newId + " was revoked already, at 2026-11-23T12:02:00Z");
            printed.add(text(out) + text(err));

            assertThat(runAt(NOON.plus(Duration.ofHours(3)), "keys", "list", "--endpoint", endpoint)).isZero();
            assertThat(text(out).lines()).containsExactly(
                    "ID                    CONSUMER  STAGE  PLAN   STATUS   CREATED               EXPIRES               REPLACED BY",
                    id + "  acme      prod   trial  expired  2026-11-23T12:00:00Z  2026-11-23T14:01:00Z  " + newId,
                    newId + "  acme      prod   trial  revoked  2026-11-23T12:01:00Z  2026-12-23T12:00:00Z  -");
            assertThat(text(err)).contains("tollgate: 2 keys in table tollgate-keys (the configuration file's apiKeys are not listed)");
            printed.add(text(out) + text(err));
            assertThat(runAt(NOON, "keys", "list", "--stage", "dev", "--endpoint", endpoint)).isZero();
            assertThat(text(out).lines()).hasSize(1);

            assertThat(runAt(NOON, "keys", "rotate", newId, "--endpoint", endpoint)).isEqualTo(1);
            assertThat(text(err)).contains("tollgate: key " + newId + " is revoked (expected: an active key; create a new one instead)");
            assertThat(runAt(NOON, "keys", "revoke", "key_nobody", "--endpoint", endpoint)).isEqualTo(1);
            assertThat(text(err)).contains("tollgate: no key key_nobody in table tollgate-keys");
            assertThat(runAt(NOON, "keys", "revoke", "demo-dev", "--config", EXAMPLE, "--endpoint", endpoint)).isEqualTo(1);
            assertThat(text(err)).contains("tollgate: no key demo-dev in table tollgate-keys (demo-dev is a key of " + EXAMPLE
                    + ": change it there)");
            assertThat(runAt(NOON, "keys", "list", "--table", "other", "--endpoint", endpoint)).isEqualTo(1);
            assertThat(text(err)).contains("tollgate: the keys could not be listed: table other does not exist in DynamoDB"
                    + " Local at " + endpoint + " (./tollgate local creates tollgate-keys)");
            printed.add(text(out) + text(err));

            for (String secret : List.of(key, rotated, ApiKeyHash.sha256Hex(key), ApiKeyHash.sha256Hex(rotated))) {
                assertThat(printed).noneMatch(output -> output.contains(secret));
            }
        } finally {
            dynamoDb.close();
        }
    }

    @Test
    void keys_withAws_takeCredentialsAndRegionFromTheUsualSettings_orRegionFromTheFlag() throws Exception {
        LocalDynamoDb dynamoDb = LocalDynamoDb.start(0, false);
        // The default credentials chain reads these system properties, as it reads AWS_ACCESS_KEY_ID.
        Map<String, String> settings = Map.of("aws.accessKeyId", "fromSettings", "aws.secretAccessKey", "secret",
                "aws.region", "eu-west-1");
        settings.forEach(System::setProperty);
        // Without -sharedDb, DynamoDB Local keeps apart the tables of each access key and region, as AWS keeps accounts and regions.
        try (DynamoDbClient account = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(dynamoDb.endpoint())
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("fromSettings", "secret")))
                .build()) {
            account.createTable(DynamoDbKeyStore.tableDefinition("tollgate-keys"));
            String endpoint = dynamoDb.endpoint().toString();

            assertThat(runAt(NOON, "keys", "list", "--aws", "--endpoint", endpoint)).as(text(err)).isZero();
            assertThat(text(err)).contains("tollgate: keys table tollgate-keys in AWS region eu-west-1 through " + endpoint);

            assertThat(runAt(NOON, "keys", "list", "--aws", "--region", "ap-south-1", "--endpoint", endpoint)).isEqualTo(1);
            assertThat(text(err)).contains("tollgate: the keys could not be listed: table tollgate-keys does not exist in AWS"
                    + " region ap-south-1 through " + endpoint);
            assertThat(runAt(NOON, "keys", "list", "--endpoint", endpoint)).isEqualTo(1); // without --aws: DynamoDB Local's own
            assertThat(text(err)).contains("table tollgate-keys does not exist in DynamoDB Local at " + endpoint);
        } finally {
            settings.keySet().forEach(System::clearProperty);
            dynamoDb.close();
        }
    }

    @Test
    void theServiceName_comesFromTheVariable() {
        assertThat(LocalRunner.serviceName("ordersBackend")).isEqualTo("orders");
        assertThat(LocalRunner.serviceName("billing")).isEqualTo("billing");
    }

    private int run(String... args) throws Exception {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** Runs with fresh output, at {@code now}. */
    private int runAt(Instant now, String... args) throws Exception {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Clock.fixed(now, ZoneOffset.UTC));
    }

    private void assertUsageError(String message, String... args) throws Exception {
        assertThat(runAt(NOON, args)).as(String.join(" ", args)).isEqualTo(2);
        assertThat(text(err)).startsWith("tollgate: " + message + "\n").contains("usage:");
        assertThat(text(out)).isEmpty();
    }

    private static String idIn(String text) {
        Matcher matcher = Pattern.compile("key (key_[0-9a-f]{16})").matcher(text);
        assertThat(matcher.find()).as(text).isTrue();
        return matcher.group(1);
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
