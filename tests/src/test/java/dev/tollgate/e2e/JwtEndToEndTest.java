package dev.tollgate.e2e;

import static dev.tollgate.e2e.ExampleEndToEndTest.assertProblem;
import static dev.tollgate.e2e.LocalTollgate.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.local.DemoIssuer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JWT routes of the shipped example through real HTTP: tokens of the local demo issuer, whose keys
 * the runner serves and the handler fetches over HTTP like any issuer's.
 */
class JwtEndToEndTest {

    private static LocalTollgate tollgate;
    private static DemoIssuer issuer;

    @BeforeAll
    static void start() throws Exception {
        tollgate = LocalTollgate.example();
        issuer = DemoIssuer.at(Path.of("."));
    }

    @AfterAll
    static void stop() {
        tollgate.close();
    }

    @Test
    void theRunner_servesTheDemoIssuersPublicKeys() {
        HttpResponse<String> jwks = tollgate.get(DemoIssuer.JWKS_PATH);

        assertThat(jwks.statusCode()).isEqualTo(200);
        JsonNode key = json(jwks).path("keys").get(0);
        assertThat(key.path("kty").asText()).isEqualTo("RSA");
        assertThat(key.has("d")).as("no private part").isFalse();
    }

    @Test
    void aDevToken_reachesTheDevBackend_whichLearnsWhoCalls() {
        HttpResponse<String> response = tollgate.get("/dev/orders", "authorization", "Bearer " + token("dev", "alice", List.of()),
                "x-tollgate-consumer", "someone-else");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode identity = json(response).path("identity");
        assertThat(identity.path("consumer").asText()).isEqualTo("local-demo:alice");
        assertThat(identity.path("subject").asText()).isEqualTo("alice");
        assertThat(identity.path("plan").asText()).isEqualTo("developer");
        assertThat(response.headers().firstValue("ratelimit-limit")).contains("10000");
    }

    @Test
    void aToken_isRejected_forEachReason_with401AndAChallenge() {
        String good = token("dev", "alice", List.of());
        String dot = good.substring(0, good.lastIndexOf('.') + 1);
        String signature = good.substring(dot.length());
        Map<String, String> rejected = Map.of(
                token("prod", "alice", List.of()), "The token is not meant for this stage (its aud: tollgate-prod; expected: tollgate-dev).",
                issuer.token("tollgate-dev", "alice", List.of(), Map.of(), Duration.ofMinutes(5), tollgate.now().minus(Duration.ofHours(1))),
                "The token expired at " + tollgate.now().minus(Duration.ofMinutes(55)) + ".",
                dot + (signature.charAt(0) == 'A' ? 'B' : 'A') + signature.substring(1), "The token's signature is not valid.",
                "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.", "Unsigned tokens (alg none) are never accepted.");

        rejected.forEach((token, reason) -> {
            HttpResponse<String> response = tollgate.get("/dev/orders", "authorization", "Bearer " + token);
            assertProblem(response, 401, reason);
            assertThat(response.headers().firstValue("www-authenticate")).hasValueSatisfying(challenge -> assertThat(challenge)
                    .startsWith("Bearer realm=\"tollgate\", error=\"invalid_token\", error_description=\"" + reason + "\""));
        });
    }

    @Test
    void aScopedRoute_is403WithoutTheScope_and200WithIt_andTakesNoApiKey() {
        HttpResponse<String> withoutScope = tollgate.get("/dev/reports", "authorization", "Bearer " + token("dev", "bob", List.of()));
        assertProblem(withoutScope, 403, "The token lacks the scope reports:read that this route needs.");
        assertThat(withoutScope.headers().firstValue("www-authenticate"))
                .contains("Bearer realm=\"tollgate\", error=\"insufficient_scope\", scope=\"reports:read\"");

        HttpResponse<String> withScope = tollgate.get("/dev/reports", "authorization",
                "Bearer " + token("dev", "bob", List.of("orders:read", "reports:read")));
        assertThat(withScope.statusCode()).isEqualTo(200);
        assertThat(json(withScope).path("identity").path("scopes").asText()).isEqualTo("orders:read reports:read");

        assertProblem(tollgate.get("/dev/reports", "x-api-key", "demo-dev-key"), 401,
                "This route needs a bearer token; send it as Authorization: Bearer TOKEN.");
    }

    @Test
    void aPublicRoute_needsNoCredentials_andIsNotCounted() {
        HttpResponse<String> response = tollgate.get("/dev/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("ratelimit-limit")).isEmpty();
        assertThat(json(response).has("identity")).isFalse();
    }

    @Test
    void aRejectedToken_fromABrowser_carriesCorsHeaders() {
        HttpResponse<String> response = tollgate.get("/dev/orders", "authorization", "Bearer not-a-token",
                "origin", "http://localhost:3000");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("access-control-allow-origin")).contains("http://localhost:3000");
    }

    private static String token(String stage, String subject, List<String> scopes) {
        return issuer.token("tollgate-" + stage, subject, scopes, Map.of(), Duration.ofMinutes(10), tollgate.now());
    }
}
