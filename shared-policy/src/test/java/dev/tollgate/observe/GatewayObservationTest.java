package dev.tollgate.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.backend.HttpForwarder;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestBackend;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the gateway tells its observer about each request, for every outcome: the whole pipeline
 * with in-memory counters, a real HTTP backend, a fixed clock, and a ticker that moves 10 ms at
 * each reading (the pipeline reads it at the start and the end, the forwarder around each send).
 */
class GatewayObservationTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:10:00Z");
    private static final Duration STEP = Duration.ofMillis(10);

    private final TestBackend backend = new TestBackend();
    private final InMemoryCounterStore counters = new InMemoryCounterStore();
    private final MutableClock clock = new MutableClock(NOW);
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<RequestObservation> observed = new CopyOnWriteArrayList<>();
    private RequestObserver observer = observed::add;
    private Gateway gateway;

    @BeforeEach
    void setUp() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        GatewayConfig config = ConfigLoader.parse("""
                stages:
                  dev: {variables: {ordersBackend: "%s", refusedBackend: "http://127.0.0.1:%d"}}
                  prod: {variables: {ordersBackend: "http://127.0.0.1:1", refusedBackend: "http://127.0.0.1:1"}}
                plans:
                  tiny: {quota: {limit: 1, period: hour}}
                  fast: {rateLimit: {requests: 1, per: minute, burst: 1}}
                  open: {quota: {limit: 1000, period: hour}, failOpen: true}
                apiKeys:
                  - {id: k-tiny, value: tiny-secret-key, consumer: alice, stage: dev, plan: tiny}
                  - {id: k-fast, value: fast-secret-key, consumer: bob, stage: dev, plan: fast}
                  - {id: k-open, value: open-secret-key, consumer: carol, stage: dev, plan: open}
                  - {id: k-prod, value: prod-secret-key, consumer: dave, stage: prod, plan: open}
                routes:
                  - {path: "/orders/{id}", methods: [GET], backend: "${stageVariables.ordersBackend}"}
                  - path: /refused
                    methods: [GET]
                    backend: ${stageVariables.refusedBackend}
                    retry: {retries: 1, backoff: 10ms}
                    circuitBreaker: {failureThreshold: 2, openFor: 30s}
                """.formatted(backend.url(), closedPort), "observe.yaml");
        gateway = Gateway.builder()
                .config(config)
                .counters(counters)
                .keys(new ConfigKeyStore(config.apiKeys()))
                .forwarder(new HttpForwarder(wait -> { }, () -> 0.5))
                .clock(clock)
                .ticker(() -> ticks.getAndAdd(STEP.toNanos()))
                .observer(observation -> observer.observe(observation))
                .requestIds(() -> "id-" + ids.incrementAndGet())
                .build();
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void aServedRequest_isObserved_withItsRoute_consumer_latencies_andTheTraceIdTheBackendGot() {
        GatewayResponse response = gateway.handle(request("GET", "/orders/7", "tiny-secret-key", "dev", "q=secret"));

        assertThat(response.status()).isEqualTo(200);
        RequestObservation observation = only();
        assertThat(observation.time()).isEqualTo(NOW);
        assertThat(observation.requestId()).isEqualTo("id-1");
        assertThat(observation.stage()).isEqualTo("dev");
        assertThat(observation.method()).isEqualTo("GET");
        assertThat(observation.path()).isEqualTo("/orders/7");
        assertThat(observation.sourceIp()).isEqualTo("192.0.2.10");
        assertThat(observation.route()).contains("GET /orders/{id}");
        assertThat(observation.credential()).isEqualTo(CredentialKind.API_KEY);
        assertThat(observation.credentialId()).contains("k-tiny");
        assertThat(observation.consumer()).contains("alice");
        assertThat(observation.status()).isEqualTo(200);
        assertThat(observation.problem()).isEmpty();
        assertThat(observation.outcomes()).isEmpty();
        assertThat(observation.latency()).isEqualTo(STEP.multipliedBy(3));
        assertThat(observation.backendLatency()).contains(STEP);
        assertThat(observation.retries()).isZero();
        assertThat(observation.circuit()).isEmpty();
        assertThat(backend.received().get(0).header("traceparent")).isEqualTo("00-" + observation.traceId() + "-"
                + backend.received().get(0).header("traceparent").substring(36));
    }

    @Test
    void noRoute_isObserved_withoutARoute_orABackendTime() {
        gateway.handle(request("GET", "/nothing", "tiny-secret-key", "dev", ""));

        RequestObservation observation = only();
        assertThat(observation.status()).isEqualTo(404);
        assertThat(observation.route()).isEmpty();
        assertThat(observation.problem()).contains("urn:tollgate:problem:route-not-found");
        assertThat(observation.credential()).isEqualTo(CredentialKind.NONE);
        assertThat(observation.backendLatency()).isEmpty();
        assertThat(observation.outcomes()).isEmpty();
        assertThat(observation.latency()).isEqualTo(STEP);
    }

    @Test
    void missing_unknown_andOtherStagesKeys_areAuthFailures_withTheKindPresented() {
        gateway.handle(request("GET", "/orders/1", null, "dev", ""));
        gateway.handle(request("GET", "/orders/1", "not-a-known-key", "dev", ""));
        gateway.handle(request("GET", "/orders/1", "prod-secret-key", "dev", ""));

        assertThat(observed).extracting(RequestObservation::status).containsExactly(401, 401, 403);
        assertThat(observed).allMatch(o -> o.outcomes().equals(java.util.Set.of(Outcome.AUTH_FAILURE)));
        assertThat(observed).extracting(RequestObservation::credential)
                .containsExactly(CredentialKind.NONE, CredentialKind.API_KEY, CredentialKind.API_KEY);
        assertThat(observed).allMatch(o -> o.consumer().isEmpty() && o.credentialId().isEmpty());
        assertThat(observed).allMatch(o -> o.route().equals(Optional.of("GET /orders/{id}")));
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aUsedUpQuota_andAReachedRateLimit_areObserved() {
        gateway.handle(request("GET", "/orders/1", "tiny-secret-key", "dev", ""));
        gateway.handle(request("GET", "/orders/1", "tiny-secret-key", "dev", ""));
        gateway.handle(request("GET", "/orders/1", "fast-secret-key", "dev", ""));
        gateway.handle(request("GET", "/orders/1", "fast-secret-key", "dev", ""));

        assertThat(observed).extracting(RequestObservation::status).containsExactly(200, 429, 200, 429);
        assertThat(observed.get(1).outcomes()).containsExactly(Outcome.QUOTA_EXHAUSTED);
        assertThat(observed.get(1).problem()).contains("urn:tollgate:problem:quota-exceeded");
        assertThat(observed.get(1).consumer()).contains("alice");
        assertThat(observed.get(3).outcomes()).containsExactly(Outcome.RATE_LIMITED);
        assertThat(observed.get(3).problem()).contains("urn:tollgate:problem:rate-limited");
        assertThat(observed.get(3).backendLatency()).isEmpty();
    }

    @Test
    void aFailingCounterStore_isObserved_whetherThePlanServes_orRefuses() {
        counters.failing(true);

        gateway.handle(request("GET", "/orders/1", "open-secret-key", "dev", ""));
        gateway.handle(request("GET", "/orders/1", "tiny-secret-key", "dev", ""));

        assertThat(observed).extracting(RequestObservation::status).containsExactly(200, 503);
        assertThat(observed).allMatch(o -> o.outcomes().equals(java.util.Set.of(Outcome.COUNTER_STORE_ERROR)));
        assertThat(observed.get(1).problem()).contains("urn:tollgate:problem:counter-store-unavailable");
    }

    @Test
    void backendFailures_retries_andTheCircuit_areObserved() {
        gateway.handle(request("GET", "/refused", "open-secret-key", "dev", ""));
        gateway.handle(request("GET", "/refused", "open-secret-key", "dev", ""));
        clock.advance(Duration.ofSeconds(31));
        gateway.handle(request("GET", "/refused", "open-secret-key", "dev", ""));

        RequestObservation failed = observed.get(0);
        assertThat(failed.status()).isEqualTo(502);
        assertThat(failed.outcomes()).containsExactly(Outcome.BACKEND_ERROR);
        assertThat(failed.retries()).isEqualTo(1);
        assertThat(failed.backendLatency()).contains(STEP.multipliedBy(2));
        assertThat(failed.circuit()).contains("open");
        assertThat(failed.circuitChanges()).containsExactly("closed->open");

        RequestObservation refused = observed.get(1);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.outcomes()).containsExactly(Outcome.CIRCUIT_OPEN);
        assertThat(refused.problem()).contains("urn:tollgate:problem:circuit-open");
        assertThat(refused.backendLatency()).isEmpty();
        assertThat(refused.circuit()).contains("open");
        assertThat(refused.circuitChanges()).isEmpty();

        // The probe fails and opens the circuit again, so its retry is refused by the circuit.
        RequestObservation probe = observed.get(2);
        assertThat(probe.status()).isEqualTo(503);
        assertThat(probe.outcomes()).containsExactly(Outcome.CIRCUIT_OPEN);
        assertThat(probe.retries()).isZero();
        assertThat(probe.backendLatency()).contains(STEP);
        assertThat(probe.circuitChanges()).containsExactly("open->half-open", "half-open->open");
        assertThat(probe.circuit()).contains("open");
    }

    @Test
    void anAnswerTooLargeForThePlatform_isA502Problem_observedAsABackendError() {
        GatewayResponse response = gateway.handle(request("GET", "/orders/7", "open-secret-key", "dev", ""),
                answer -> answer.body().length > 5 ? Optional.of("The answer is too large for this test.") : Optional.empty());

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.bodyAsString()).contains("\"type\":\"urn:tollgate:problem:response-too-large\"")
                .contains("\"detail\":\"The answer is too large for this test.\"").contains("\"requestId\":\"id-1\"");
        RequestObservation observation = only();
        assertThat(observation.outcomes()).containsExactly(Outcome.BACKEND_ERROR, Outcome.RESPONSE_TOO_LARGE);
        assertThat(observation.backendLatency()).contains(STEP);
    }

    @Test
    void aFailingObserver_costsTheCallerNothing() {
        observer = observation -> {
            throw new IllegalStateException("the observer is broken");
        };

        GatewayResponse response = gateway.handle(request("GET", "/orders/7", "open-secret-key", "dev", ""));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().first("x-request-id")).contains("id-1");
    }

    private RequestObservation only() {
        assertThat(observed).hasSize(1);
        return observed.get(0);
    }

    private static GatewayRequest request(String method, String path, String key, String stage, String query) {
        Headers.Builder headers = Headers.builder();
        if (key != null) {
            headers.set("x-api-key", key);
        }
        return new GatewayRequest(method, path, query, headers.build(), null, "192.0.2.10", "https", stage, Map.of());
    }
}
