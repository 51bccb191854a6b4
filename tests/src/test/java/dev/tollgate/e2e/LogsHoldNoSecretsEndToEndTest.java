package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.aws.EmfRequestLog;
import dev.tollgate.local.DemoIssuer;
import dev.tollgate.local.LocalRequestLog;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Everything a run through {@code ./tollgate local} writes, standard output, standard error and
 * every log record of Tollgate's loggers at any level, holds none of the credentials its callers
 * used: not the API key, not its SHA-256, not a token or a part of one, not a cookie, nor a
 * credential sent in the query string. Run with the Lambda function's JSON lines and with the
 * readable lines {@code ./tollgate local} prints.
 */
class LogsHoldNoSecretsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "demo-dev-key";
    private static final String UNKNOWN_KEY = "not-a-key-but-a-secret-all-the-same";
    private static final String COOKIE = "session=cookie-secret-5b1f";
    private static final String BASIC = "Basic dXNlcjpiYXNpYy1zZWNyZXQ=";

    @ParameterizedTest(name = "--log {0}")
    @ValueSource(strings = {"json", "text"})
    void noKeyTokenOrHash_isWrittenAnywhere(String format) throws Exception {
        DemoIssuer issuer = DemoIssuer.at(Path.of("."));
        OutputCapture capture = new OutputCapture();
        List<String> responseIds = new ArrayList<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        try (capture) {
            Consumer<String> out = line -> System.out.println(line);
            RequestObserver requestLog = format.equals("json") ? new EmfRequestLog(out) : new LocalRequestLog(out);
            try (LocalTollgate tollgate = LocalTollgate.example(requestLog)) {
                String token = issuer.token("tollgate-dev", "alice", List.of("reports:read"), Map.of(), Duration.ofMinutes(5),
                        tollgate.now());
                String expired = issuer.token("tollgate-dev", "alice", List.of(), Map.of(), Duration.ofMinutes(5),
                        tollgate.now().minus(Duration.ofHours(1)));
                String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
                secrets.put("the API key", KEY);
                secrets.put("the API key's SHA-256", ApiKeyHash.sha256Hex(KEY));
                secrets.put("an unknown key", UNKNOWN_KEY);
                secrets.put("the unknown key's SHA-256", ApiKeyHash.sha256Hex(UNKNOWN_KEY));
                secrets.put("the token", token);
                secrets.put("the token's claims", token.split("\\.")[1]);
                secrets.put("the token's signature", token.split("\\.")[2]);
                secrets.put("the expired token's signature", expired.split("\\.")[2]);
                secrets.put("the tampered token's signature", tampered.split("\\.")[2]);
                secrets.put("a cookie", "cookie-secret-5b1f");
                secrets.put("basic credentials", "dXNlcjpiYXNpYy1zZWNyZXQ=");
                secrets.put("a key in the query", "query-secret-7c2d");

                List<HttpResponse<String>> responses = List.of(
                        tollgate.get("/dev/orders/7?api_key=query-secret-7c2d", "x-api-key", KEY, "cookie", COOKIE),
                        tollgate.get("/dev/_tollgate/usage", "x-api-key", KEY),
                        tollgate.get("/prod/orders", "x-api-key", KEY),
                        tollgate.get("/dev/orders", "x-api-key", UNKNOWN_KEY),
                        tollgate.get("/dev/reports", "authorization", "Bearer " + token),
                        tollgate.get("/prod/orders", "authorization", "Bearer " + token),
                        tollgate.get("/dev/orders", "authorization", "Bearer " + expired),
                        tollgate.get("/dev/orders", "authorization", "Bearer " + tampered),
                        tollgate.get("/dev/orders", "authorization", BASIC),
                        tollgate.get("/dev/nothing?token=query-secret-7c2d", "x-api-key", KEY));
                assertThat(responses).extracting(HttpResponse::statusCode).containsExactly(200, 200, 403, 401, 200, 401, 401, 401,
                        401, 404);
                responses.forEach(response -> responseIds.add(response.headers().firstValue("x-request-id").orElseThrow()));
            }
        }

        String written = capture.text();
        // Not vacuous: every request was logged, by its id, so the secrets had their chance.
        for (String id : responseIds) {
            assertThat(written).as("the log of request %s", id).contains(id);
        }
        if (format.equals("json")) {
            List<JsonNode> lines = written.lines().filter(line -> line.startsWith("{\"_aws\"")).map(LogsHoldNoSecretsEndToEndTest::parse)
                    .toList();
            assertThat(lines).extracting(line -> line.path("requestId").asText()).containsExactlyElementsOf(responseIds);
            assertThat(lines.get(0).path("credentialId").asText()).isEqualTo("demo-dev");
            assertThat(lines.get(0).path("path").asText()).isEqualTo("/orders/7");
            assertThat(lines.get(4).path("consumer").asText()).isEqualTo("local-demo:alice");
        }
        secrets.forEach((what, secret) -> assertThat(written).as("%s in what the run wrote", what).doesNotContain(secret));
        assertThat(written.toLowerCase(java.util.Locale.ROOT)).doesNotContain("bearer ").doesNotContain("x-api-key:");
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
