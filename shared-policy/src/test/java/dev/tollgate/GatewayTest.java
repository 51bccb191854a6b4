package dev.tollgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.backend.HttpForwarder;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.PlatformLimits;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole pipeline with in-memory stores, a fixed clock and a real HTTP backend. */
class GatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant TEN_PAST_NOON = Instant.parse("2026-11-23T12:10:00Z");

    private final TestBackend backend = new TestBackend();
    private final InMemoryCounterStore counters = new InMemoryCounterStore();
    private final MutableClock clock = new MutableClock(TEN_PAST_NOON);
    private final AtomicInteger ids = new AtomicInteger();
    private Gateway gateway;

    @BeforeEach
    void setUp() {
        GatewayConfig config = ConfigLoader.parse("""
                stages:
                  dev:
                    variables:
                      ordersBackend: %s
                  prod:
                    variables:
                      ordersBackend: http://127.0.0.1:1
                plans:
                  tiny:
                    quota: {limit: 3, period: hour}
                apiKeys:
                  - {id: dev-key, value: dev-secret-key, consumer: alice, stage: dev, plan: tiny}
                  - {id: prod-key, value: prod-secret-key, consumer: bob, stage: prod, plan: tiny}
                routes:
                  - path: /orders
                    methods: [GET, POST]
                    backend: ${stageVariables.ordersBackend}
                  - path: /orders/{id}
                    methods: [GET]
                    backend: ${stageVariables.ordersBackend}
                  - path: /uploads
                    methods: [POST]
                    backend: ${stageVariables.ordersBackend}
                    maxBodySize: 1KB
                """.formatted(backend.url()), "test.yaml");
        gateway = Gateway.builder()
                .config(config)
                .counters(counters)
                .keys(new ConfigKeyStore(config.apiKeys()))
                .clock(clock)
                .requestIds(() -> "id-" + ids.incrementAndGet())
                .build();
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void thePlatformsLimits_goToTheForwarderGiven_notBesideIt() {
        Gateway.Builder both = TestGateways.builder(TestGateways.oneRoute())
                .forwarder(new HttpForwarder())
                .platform(PlatformLimits.DEFAULT);

        assertThatThrownBy(both::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("give the platform's limits to the forwarder, not beside it");
    }

    @Test
    void aKnownKey_reachesTheBackend_withForwardingHeaders_andWithoutTheKey() {
        GatewayResponse response = gateway.handle(request("GET", "/orders/7", "dev-secret-key")
                .build("dev", "q=1", Headers.builder().set("host", "api.example.com").set("x-forwarded-for", "10.1.1.1")));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().first("x-backend")).contains("test");
        assertThat(response.headers().contains("connection")).isFalse();
        TestBackend.Received received = backend.received().get(0);
        assertThat(received.pathAndQuery()).isEqualTo("/orders/7?q=1");
        assertThat(received.header("x-request-id")).isEqualTo("id-1");
        assertThat(received.header("x-forwarded-for")).isEqualTo("10.1.1.1, 192.0.2.10");
        assertThat(received.header("x-forwarded-proto")).isEqualTo("https");
        assertThat(received.header("x-forwarded-host")).isEqualTo("api.example.com");
        assertThat(received.header("x-api-key")).isNull();
    }

    @Test
    void noKey_isA401Problem_withTheRequestId() throws Exception {
        GatewayResponse response = gateway.handle(request("GET", "/orders", null).build("dev"));

        assertProblem(response, 401, "urn:tollgate:problem:unauthenticated",
                "This route needs an API key; send it in the x-api-key header.");
        assertThat(response.headers().first("x-request-id")).contains("id-1");
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void anUnknownKey_is401_andAKeyOfAnotherStage_is403() throws Exception {
        assertProblem(gateway.handle(request("GET", "/orders", "not-a-key-at-all").build("dev")), 401,
                "urn:tollgate:problem:unauthenticated", "The API key is not valid.");
        assertProblem(gateway.handle(request("GET", "/orders", "prod-secret-key").build("dev")), 403,
                "urn:tollgate:problem:forbidden", "The API key is not valid on stage dev.");
    }

    @Test
    void unknownPaths_are404_andOtherMethods_are405WithAllow() throws Exception {
        assertProblem(gateway.handle(request("GET", "/nothing", "dev-secret-key").build("dev")), 404,
                "urn:tollgate:problem:route-not-found", "No route matches GET /nothing on stage dev.");
        GatewayResponse notAllowed = gateway.handle(request("DELETE", "/orders", "dev-secret-key").build("dev"));
        assertProblem(notAllowed, 405, "urn:tollgate:problem:method-not-allowed",
                "Method DELETE is not allowed here; allowed: GET, POST.");
        assertThat(notAllowed.headers().first("allow")).contains("GET, POST");
    }

    @Test
    void aPathWithADotSegmentOrAnEncodedSlash_is400_beforeRouting_andReachesNoBackend() throws Exception {
        for (String path : List.of("/orders/..%2Fadmin%2Fusers", "/orders/..", "/orders/%2e%2e", "/nothing/../orders")) {
            assertProblem(gateway.handle(request("GET", path, "dev-secret-key").build("dev")), 400,
                    "urn:tollgate:problem:bad-request", "The path segment " + path.split("/")[2] + " is refused: a segment"
                            + " may not be . or .., encoded or not, nor hold an encoded / or \\ (%2F, %5C).");
        }
        assertThat(backend.received()).isEmpty();

        assertThat(gateway.handle(request("GET", "/orders/report.pdf", "dev-secret-key").build("dev")).status()).isEqualTo(200);
        assertThat(backend.received()).singleElement()
                .satisfies(r -> assertThat(r.pathAndQuery()).isEqualTo("/orders/report.pdf"));
    }

    @Test
    void theCallersRequestId_isKept_andAnInsaneOne_isReplaced() {
        GatewayResponse kept = gateway.handle(request("GET", "/orders", "dev-secret-key")
                .build("dev", "", Headers.builder().set("x-request-id", "caller-42")));
        GatewayResponse replaced = gateway.handle(request("GET", "/orders", "dev-secret-key")
                .build("dev", "", Headers.builder().set("x-request-id", "bad id\r\ninjected: 1")));

        assertThat(kept.headers().first("x-request-id")).contains("caller-42");
        assertThat(backend.received().get(0).header("x-request-id")).isEqualTo("caller-42");
        assertThat(replaced.headers().first("x-request-id")).contains("id-1");
    }

    @Test
    void quota_allowsExactlyTheLimit_thenAnswers429WithRetryAfter_andResetsNextPeriod() throws Exception {
        for (int i = 1; i <= 3; i++) {
            GatewayResponse allowed = gateway.handle(request("GET", "/orders", "dev-secret-key").build("dev"));
            assertThat(allowed.status()).isEqualTo(200);
            assertThat(allowed.headers().first("ratelimit-limit")).contains("3");
            assertThat(allowed.headers().first("ratelimit-remaining")).contains(Integer.toString(3 - i));
            assertThat(allowed.headers().first("ratelimit-reset")).contains("3000");
        }

        GatewayResponse refused = gateway.handle(request("GET", "/orders", "dev-secret-key").build("dev"));

        assertProblem(refused, 429, "urn:tollgate:problem:quota-exceeded",
                "The 3 requests per hour of plan tiny are used up; the quota resets in 3000 s.");
        assertThat(refused.headers().first("retry-after")).contains("3000");
        assertThat(refused.headers().first("ratelimit-remaining")).contains("0");
        assertThat(backend.received()).hasSize(3);

        clock.advance(Duration.ofMinutes(50));
        assertThat(gateway.handle(request("GET", "/orders", "dev-secret-key").build("dev")).status()).isEqualTo(200);
    }

    @Test
    void quota_countsPerStage_soAnotherStagesConsumerIsUntouched() {
        for (int i = 0; i < 3; i++) {
            gateway.handle(request("GET", "/orders", "dev-secret-key").build("dev"));
        }
        assertThat(gateway.handle(request("GET", "/orders", "dev-secret-key").build("dev")).status()).isEqualTo(429);
        // prod's backend refuses connections: the request got past the quota.
        assertThat(gateway.handle(request("GET", "/orders", "prod-secret-key").build("prod")).status()).isEqualTo(502);
    }

    @Test
    void usage_reportsThePlanAndWhatIsLeft_withoutCountingItself() throws Exception {
        gateway.handle(request("GET", "/orders", "dev-secret-key").build("dev"));

        GatewayResponse usage = gateway.handle(request("GET", "/_tollgate/usage", "dev-secret-key").build("dev"));
        gateway.handle(request("GET", "/_tollgate/usage", "dev-secret-key").build("dev"));

        assertThat(usage.status()).isEqualTo(200);
        JsonNode body = JSON.readTree(usage.body());
        assertThat(body.path("plan").asText()).isEqualTo("tiny");
        assertThat(body.path("consumer").asText()).isEqualTo("alice");
        assertThat(body.path("quota").path("limit").asLong()).isEqualTo(3);
        assertThat(body.path("quota").path("remaining").asLong()).isEqualTo(2);
        assertThat(body.path("quota").path("resetsAt").asText()).isEqualTo("2026-11-23T13:00:00Z");
        assertThat(body.path("quota").path("resetSeconds").asLong()).isEqualTo(3000);
        assertThat(JSON.readTree(gateway.handle(request("GET", "/_tollgate/usage", "dev-secret-key").build("dev")).body())
                .path("quota").path("used").asLong()).isEqualTo(1);
    }

    @Test
    void usage_needsAKey() throws Exception {
        assertProblem(gateway.handle(request("GET", "/_tollgate/usage", null).build("dev")), 401,
                "urn:tollgate:problem:unauthenticated", "This route needs an API key; send it in the x-api-key header.");
    }

    @Test
    void aFailingCounterStore_failsClosed_with503() throws Exception {
        counters.failing(true);

        assertProblem(gateway.handle(request("GET", "/orders", "dev-secret-key").build("dev")), 503,
                "urn:tollgate:problem:counter-store-unavailable", "The quota counter could not be updated.");
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aFailOpenPlan_servesUncounted_whenTheCounterStoreFails_andTheFailureIsCounted() {
        GatewayConfig config = ConfigLoader.parse("""
                stages:
                  dev: {variables: {ordersBackend: "%s"}}
                plans:
                  lenient: {quota: {limit: 1, period: day}, failOpen: true}
                apiKeys:
                  - {id: k, value: lenient-key-1, consumer: carol, stage: dev, plan: lenient}
                routes:
                  - {path: /orders, methods: [GET], backend: "${stageVariables.ordersBackend}"}
                """.formatted(backend.url()), "fail-open.yaml");
        Gateway lenient = Gateway.builder().config(config).counters(counters)
                .keys(new ConfigKeyStore(config.apiKeys())).clock(clock).build();
        counters.failing(true);

        GatewayResponse first = lenient.handle(request("GET", "/orders", "lenient-key-1").build("dev"));
        GatewayResponse second = lenient.handle(request("GET", "/orders", "lenient-key-1").build("dev"));

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(first.headers().contains("ratelimit-remaining")).isFalse();
        assertThat(lenient.counterStoreFailures()).isEqualTo(2);
        assertThat(gateway.counterStoreFailures()).isZero();
    }

    @Test
    void aFailClosedPlan_countsTheFailureToo() {
        counters.failing(true);

        gateway.handle(request("GET", "/orders", "dev-secret-key").build("dev"));

        assertThat(gateway.counterStoreFailures()).isEqualTo(1);
    }

    @Test
    void aBodyOverTheRoutesLimit_is413_beforeAuthenticationOrCounting() throws Exception {
        GatewayResponse atLimit = gateway.handle(new GatewayRequest("POST", "/uploads", "",
                Headers.builder().set("x-api-key", "dev-secret-key").build(), new byte[1024], "192.0.2.10", "https", "dev", Map.of()));
        GatewayResponse over = gateway.handle(new GatewayRequest("POST", "/uploads", "",
                Headers.empty(), new byte[1025], "192.0.2.10", "https", "dev", Map.of()));

        assertThat(atLimit.status()).isEqualTo(200);
        assertProblem(over, 413, "urn:tollgate:problem:payload-too-large",
                "The request body is 1025 bytes; this route takes at most 1024 bytes.");
        assertThat(backend.received()).hasSize(1);
    }

    @Test
    void anUnconfiguredStage_is404() throws Exception {
        assertProblem(gateway.handle(request("GET", "/orders", "dev-secret-key").build("staging")), 404,
                "urn:tollgate:problem:route-not-found", "Stage staging is not configured.");
    }

    @Test
    void stageVariablesFromThePlatform_winOverTheFile() {
        try (TestBackend other = new TestBackend()) {
            GatewayResponse response = gateway.handle(new GatewayRequest("GET", "/orders", "",
                    Headers.builder().set("x-api-key", "dev-secret-key").build(), null, "192.0.2.10", "https", "dev",
                    Map.of("ordersBackend", other.url())));

            assertThat(response.status()).isEqualTo(200);
            assertThat(other.received()).hasSize(1);
            assertThat(backend.received()).isEmpty();
        }
    }

    @Test
    void aPostBody_passesThroughUntouched() {
        byte[] body = new byte[] {0, 1, 2, (byte) 0xff};
        gateway.handle(new GatewayRequest("POST", "/orders", "",
                Headers.builder().set("x-api-key", "dev-secret-key").set("content-type", "application/octet-stream").build(),
                body, "192.0.2.10", "https", "dev", Map.of()));

        assertThat(backend.received().get(0).body()).containsExactly(body);
        assertThat(backend.received().get(0).header("content-type")).isEqualTo("application/octet-stream");
    }

    static void assertProblem(GatewayResponse response, int status, String type, String detail) throws Exception {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.headers().first("content-type")).contains("application/problem+json");
        JsonNode problem = JSON.readTree(new String(response.body(), StandardCharsets.UTF_8));
        assertThat(problem.path("type").asText()).isEqualTo(type);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("detail").asText()).isEqualTo(detail);
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("requestId").asText()).isEqualTo(response.headers().first("x-request-id").orElseThrow());
    }

    private static RequestBuilder request(String method, String path, String key) {
        return new RequestBuilder(method, path, key);
    }

    private record RequestBuilder(String method, String path, String key) {
        GatewayRequest build(String stage) {
            return build(stage, "", Headers.builder());
        }

        GatewayRequest build(String stage, String query, Headers.Builder headers) {
            if (key != null) {
                headers.set("x-api-key", key);
            }
            return new GatewayRequest(method, path, query, headers.build(), null, "192.0.2.10", "https", stage, Map.of());
        }
    }
}
