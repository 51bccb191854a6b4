package dev.tollgate.e2e;

import static dev.tollgate.e2e.LocalTollgate.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.local.DemoIssuer;
import dev.tollgate.local.LocalRunner;
import dev.tollgate.observe.RequestObserver;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./tollgate local --platform azure} beside {@code ./tollgate local}: the README's curl lines,
 * against the shipped example (dev's orders on ECS, prod's on a fixed URL), get the same answers from
 * the Azure function behind the local Functions host as from the Lambda handler behind API Gateway.
 * Every test sends the same requests to both runners, so that their counters stay alike.
 */
class AzureLocalEndToEndTest {

    private static LocalTollgate aws;
    private static LocalTollgate azure;
    private static DemoIssuer issuer;

    @BeforeAll
    static void start() throws Exception {
        aws = start(LocalRunner.Platform.AWS);
        azure = start(LocalRunner.Platform.AZURE);
        issuer = DemoIssuer.at(Path.of("."));
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.close();
        }
        if (azure != null) {
            azure.close();
        }
    }

    private static LocalTollgate start(LocalRunner.Platform platform) throws Exception {
        Clock clock = Clock.fixed(LocalTollgate.midHour(), ZoneOffset.UTC);
        return LocalTollgate.of(LocalRunner.start(new LocalRunner.Options(LocalTollgate.EXAMPLE, 0, 0,
                Map.of("prod", Map.of("ordersBackend", "http://127.0.0.1:0")), true, AwsGateway.DEFAULT_COUNTERS_TABLE,
                clock, RequestObserver.NONE, false, platform)), clock.instant());
    }

    @Test
    void theReadmesCurlLines_getTheSameAnswers_fromBothPlatforms() {
        String token = issuer.token("tollgate-dev", "alice", List.of(), Map.of(), Duration.ofMinutes(10), azure.now());
        String[][] lines = {
                {"/dev/orders", "x-api-key", "demo-dev-key"},
                {"/prod/orders/42", "x-api-key", "demo-prod-key"},
                {"/dev/orders"},
                {"/dev/orders", "x-api-key", "demo-prod-key"},
                {"/prod/_tollgate/usage", "x-api-key", "demo-prod-key"},
                {"/dev/health"},
                {"/dev/orders", "authorization", "Bearer " + token},
                {"/prod/orders", "authorization", "Bearer " + token},
                {"/dev/reports", "authorization", "Bearer " + token},
                {"/nowhere/orders"},
        };
        int[] expected = {200, 200, 401, 403, 200, 200, 200, 401, 403, 404};
        for (int i = 0; i < lines.length; i++) {
            String path = lines[i][0];
            String[] headers = java.util.Arrays.copyOfRange(lines[i], 1, lines[i].length);
            HttpResponse<String> fromAws = aws.get(path, headers);
            HttpResponse<String> fromAzure = azure.get(path, headers);

            assertThat(fromAzure.statusCode()).as(path).isEqualTo(expected[i]).isEqualTo(fromAws.statusCode());
            if (expected[i] == 404) {
                continue;
            }
            assertThat(fromAzure.headers().firstValue("content-type")).as(path).isEqualTo(fromAws.headers().firstValue("content-type"));
            assertThat(headerNames(fromAzure)).as(path).isEqualTo(headerNames(fromAws));
            assertThat(comparable(json(fromAzure))).as(path).isEqualTo(comparable(json(fromAws)));
        }
    }

    @Test
    void devRequests_spreadOverTheSameEcsTasks_andProdsFixedUrlHasNone() {
        assertThat(tasks(azure)).hasSize(LocalRunner.TASKS_PER_SERVICE).isEqualTo(tasks(aws));
        assertThat(json(azure.get("/prod/orders", "x-api-key", "demo-prod-key")).has("task")).isFalse();
        assertThat(json(aws.get("/prod/orders", "x-api-key", "demo-prod-key")).has("task")).isFalse();
    }

    @Test
    void aBinaryBody_reachesTheBackend_andItsEchoComesBack_byteForByte() {
        byte[] sent = new byte[40_000];
        new Random(7).nextBytes(sent);

        HttpResponse<byte[]> response = azure.sendBytes(HttpRequest.newBuilder(azure.uri("/prod/orders"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(sent)), "x-api-key", "demo-prod-key",
                "content-type", "application/octet-stream");
        // The same request on AWS, so that both runners' counters stay alike whatever order the tests run in.
        assertThat(aws.sendBytes(HttpRequest.newBuilder(aws.uri("/prod/orders"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(sent)), "x-api-key", "demo-prod-key",
                "content-type", "application/octet-stream").statusCode()).isEqualTo(201);

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode echo = readJson(response.body());
        assertThat(echo.path("receivedBytes").asInt()).isEqualTo(sent.length);
        assertThat(echo.path("receivedSha256").asText()).isEqualTo(sha256(sent));
    }

    private static JsonNode readJson(byte[] body) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theBanner_namesTheFunctionsHost_atTheSameUrls() {
        String banner = azure.runner().banner();

        assertThat(banner).contains("Azure Functions host    http://127.0.0.1:" + azure.runner().port() + "/{stage}/...")
                .contains("stage dev  http://127.0.0.1:" + azure.runner().port() + "/dev")
                .contains("demo-dev-key  stage dev, plan developer");
    }

    private static Set<String> tasks(LocalTollgate tollgate) {
        Set<String> tasks = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            tasks.add(json(tollgate.get("/dev/orders", "x-api-key", "demo-dev-key")).path("task").asText());
        }
        return tasks;
    }

    private static Set<String> headerNames(HttpResponse<String> response) {
        return response.headers().map().keySet().stream().map(String::toLowerCase)
                .filter(name -> !name.equals("date") && !name.equals("server"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The answer without what differs between any two requests: ids, the task that answered, times. */
    private static JsonNode comparable(JsonNode body) {
        JsonNode copy = body.deepCopy();
        if (copy.isObject()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove(List.of("requestId", "task", "instance", "headers",
                    "remaining", "reset", "sourceIp", "receivedAt"));
            JsonNode forwarded = copy.path("forwarded");
            if (forwarded.isObject()) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) forwarded).remove("host");
            }
            JsonNode trace = copy.path("trace");
            if (trace.isObject()) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) trace).remove("traceparent");
            }
        }
        return copy;
    }
}
