package dev.tollgate;

import static dev.tollgate.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole pipeline with in-memory stores, a fixed clock and a real HTTP backend. */
class GatewayTest {

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
    void answersGiven_takeTheForwardersPlace_afterEveryPolicy() {
        GatewayConfig config = ConfigLoader.parse(TestGateways.oneRoute().replace("limit: 10", "limit: 1")
                + "apiKeys:\n  - {id: k, value: free-key, consumer: c, stage: dev, plan: free}\n", "test.yaml");
        AtomicInteger answered = new AtomicInteger();
        Gateway inProcess = Gateway.builder().config(config).counters(counters).keys(new ConfigKeyStore(config.apiKeys()))
                .answers((exchange, match) -> {
                    answered.incrementAndGet();
                    return GatewayResponse.json(200, "{\"route\":\"" + match.route().path() + "\"}");
                })
                .build();
        GatewayRequest keyed = request("GET", "/orders", "free-key").build("dev");

        GatewayResponse first = inProcess.handle(keyed);

        assertThat(first.status()).isEqualTo(200);
        assertThat(new String(first.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"route\":\"/orders\"}");
        assertThat(first.headers().first("x-request-id")).isPresent();
        assertThat(inProcess.handle(keyed).status()).isEqualTo(429);
        assertThat(inProcess.handle(request("GET", "/orders", null).build("dev")).status()).isEqualTo(401);
        assertThat(answered).hasValue(1);
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
    void anUnknownKey_is401() throws Exception {
        assertProblem(gateway.handle(request("GET", "/orders", "not-a-key-at-all").build("dev")), 401,
                "urn:tollgate:problem:unauthenticated", "The API key is not valid.");
    }

    @Test
    void aKeyOfAnotherStage_is403() throws Exception {
        assertProblem(gateway.handle(request("GET", "/orders", "prod-secret-key").build("dev")), 403,
                "urn:tollgate:problem:forbidden", "The API key is not valid on stage dev.");
    }

    @Test
    void theCallersRequestId_isKept_andForwarded() {
        GatewayResponse kept = gateway.handle(request("GET", "/orders", "dev-secret-key")
                .build("dev", "", Headers.builder().set("x-request-id", "caller-42")));

        assertThat(kept.headers().first("x-request-id")).contains("caller-42");
        assertThat(backend.received().get(0).header("x-request-id")).isEqualTo("caller-42");
    }

    @Test
    void anInsaneRequestId_isReplacedByTheGateways() {
        GatewayResponse replaced = gateway.handle(request("GET", "/orders", "dev-secret-key")
                .build("dev", "", Headers.builder().set("x-request-id", "bad id\r\ninjected: 1")));

        assertThat(replaced.headers().first("x-request-id")).contains("id-1");
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
