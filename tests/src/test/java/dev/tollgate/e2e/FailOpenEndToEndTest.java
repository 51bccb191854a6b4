package dev.tollgate.e2e;

import static dev.tollgate.e2e.ExampleEndToEndTest.assertProblem;
import static dev.tollgate.e2e.LocalTollgate.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.aws.AwsGateway;
import dev.tollgate.testing.TestBackend;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A plan's {@code failOpen} when the real counter store fails: once each caller has been counted,
 * the counters table is deleted from the runner's DynamoDB Local ({@code failopen.yaml}; this
 * class has a runner of its own). A plan that fails open is served uncounted, one that fails
 * closed is refused with 503, and so is a public route's rate limit, which has no plan.
 */
class FailOpenEndToEndTest {

    private static final Map<String, Caller> CALLERS = Map.of(
            "lenient", new Caller("/dev/orders", "x-api-key", "lenient-key"),
            "lenientQuota", new Caller("/dev/orders", "x-api-key", "lenient-quota-key"),
            "strict", new Caller("/dev/orders", "x-api-key", "strict-key"),
            "public", new Caller("/dev/status"));

    private static TestBackend backend;
    private static LocalTollgate tollgate;
    /** Each caller's answer while the store still worked: counted, with the RateLimit headers. */
    private static final Map<String, HttpResponse<String>> counted = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend();
        tollgate = LocalTollgate.start(Path.of("src", "test", "resources", "failopen.yaml"),
                Map.of("dev", Map.of("ordersBackend", backend.url())), false);
        CALLERS.keySet().forEach(caller -> counted.put(caller, call(caller)));
        try (DynamoDbClient dynamo = tollgate.dynamoDb()) {
            dynamo.deleteTable(delete -> delete.tableName(AwsGateway.DEFAULT_COUNTERS_TABLE));
            if (dynamo.listTables().tableNames().contains(AwsGateway.DEFAULT_COUNTERS_TABLE)) {
                throw new IllegalStateException("the counters table is still there");
            }
        }
    }

    @AfterAll
    static void stop() {
        tollgate.close();
        backend.close();
    }

    @Test
    void aPlanThatFailsOpen_withARateLimitAndAQuota_isServedUncounted_withoutRateLimitHeaders() {
        assertServedUncounted("lenient", "lenient-caller");
    }

    @Test
    void aPlanThatFailsOpen_withOnlyAQuota_isServedUncounted_withoutRateLimitHeaders() {
        assertServedUncounted("lenientQuota", "lenient-quota-caller");
    }

    @Test
    void aPlanThatFailsClosed_is503_andTheBackendIsNotCalled() {
        assertThat(counted.get("strict").statusCode()).isEqualTo(200);
        long before = receivedBy("strict-caller");

        HttpResponse<String> refused = call("strict");

        assertProblem(refused, 503, "The quota counter could not be updated.");
        assertThat(json(refused).path("type").asText()).isEqualTo("urn:tollgate:problem:counter-store-unavailable");
        assertThat(receivedBy("strict-caller")).isEqualTo(before);
    }

    @Test
    void aPublicRoutesRateLimit_hasNoPlanToFailOpen_andIs503() {
        assertThat(counted.get("public").statusCode()).isEqualTo(200);
        assertThat(counted.get("public").headers().firstValue("ratelimit-limit")).contains("100");
        long before = backend.received().stream().filter(r -> r.pathAndQuery().equals("/status")).count();

        HttpResponse<String> refused = call("public");

        assertProblem(refused, 503, "The rate limit bucket could not be updated.");
        assertThat(json(refused).path("type").asText()).isEqualTo("urn:tollgate:problem:counter-store-unavailable");
        assertThat(backend.received().stream().filter(r -> r.pathAndQuery().equals("/status")).count()).isEqualTo(before);
    }

    private static void assertServedUncounted(String caller, String consumer) {
        HttpResponse<String> before = counted.get(caller);
        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(before.headers().firstValue("ratelimit-limit")).isPresent();
        long reached = receivedBy(consumer);

        HttpResponse<String> served = call(caller);

        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().map().keySet()).noneMatch(name -> name.toLowerCase(Locale.ROOT).startsWith("ratelimit-"));
        assertThat(receivedBy(consumer)).isEqualTo(reached + 1);
    }

    private static HttpResponse<String> call(String caller) {
        Caller call = CALLERS.get(caller);
        return tollgate.get(call.path(), call.headers());
    }

    private static long receivedBy(String consumer) {
        return backend.received().stream().filter(r -> consumer.equals(r.header("x-tollgate-consumer"))).count();
    }

    /** A request of one caller: a path and the headers that name the caller, if any. */
    private record Caller(String path, String... headers) {
    }
}
