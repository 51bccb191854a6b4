package dev.tollgate.policy.quota;

import static dev.tollgate.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A plan's quota through the pipeline, with in-memory counters, a fixed clock and a real HTTP backend. */
class QuotaPolicyTest {

    private static final Instant TEN_PAST_NOON = Instant.parse("2026-11-23T12:10:00Z");
    private static final String CONFIG = """
            stages:
              dev:
                variables: {ordersBackend: "%s"}
              prod:
                variables: {ordersBackend: "http://127.0.0.1:1"}
            plans:
              tiny:
                quota: {limit: 3, period: hour}
            apiKeys:
              - {id: dev-key, value: dev-secret-key, consumer: alice, stage: dev, plan: tiny}
              - {id: prod-key, value: prod-secret-key, consumer: alice, stage: prod, plan: tiny}
            routes:
              - {path: /orders, methods: [GET], backend: "${stageVariables.ordersBackend}"}
            """;

    private final TestBackend backend = new TestBackend();
    private final InMemoryCounterStore counters = new InMemoryCounterStore();
    private final MutableClock clock = new MutableClock(TEN_PAST_NOON);
    private final Gateway gateway = TestGateways.builder(CONFIG.formatted(backend.url())).counters(counters).clock(clock).build();

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void eachRequestWithinTheQuota_passes_withRateLimitHeadersCountingDown() {
        for (int i = 1; i <= 3; i++) {
            GatewayResponse allowed = gateway.handle(orders("dev-secret-key"));

            assertThat(allowed.status()).isEqualTo(200);
            assertThat(allowed.headers().first("ratelimit-limit")).contains("3");
            assertThat(allowed.headers().first("ratelimit-remaining")).contains(Integer.toString(3 - i));
            assertThat(allowed.headers().first("ratelimit-reset")).contains("3000");
        }
    }

    @Test
    void theRequestPastTheQuota_is429WithRetryAfter_andReachesNoBackend() throws Exception {
        useUpTheQuota();

        GatewayResponse refused = gateway.handle(orders("dev-secret-key"));

        assertProblem(refused, 429, "urn:tollgate:problem:quota-exceeded",
                "The 3 requests per hour of plan tiny are used up; the quota resets in 3000 s.");
        assertThat(refused.headers().first("retry-after")).contains("3000");
        assertThat(refused.headers().first("ratelimit-remaining")).contains("0");
        assertThat(backend.received()).hasSize(3);
    }

    @Test
    void aUsedUpQuota_passesAgainInTheNextPeriod() {
        useUpTheQuota();
        assertThat(gateway.handle(orders("dev-secret-key")).status()).isEqualTo(429);

        clock.advance(Duration.ofMinutes(50));

        assertThat(gateway.handle(orders("dev-secret-key")).status()).isEqualTo(200);
    }

    @Test
    void theQuota_countsPerStage_soTheSameConsumerOnAnotherStageIsUntouched() {
        useUpTheQuota();
        assertThat(gateway.handle(orders("dev-secret-key")).status()).isEqualTo(429);

        // prod's backend refuses connections: the request got past the quota.
        assertThat(gateway.handle(Requests.get("/orders").key("prod-secret-key").stage("prod").build()).status()).isEqualTo(502);
    }

    @Test
    void aFailingCounterStore_failsClosed_with503_andReachesNoBackend() throws Exception {
        counters.failing(true);

        assertProblem(gateway.handle(orders("dev-secret-key")), 503,
                "urn:tollgate:problem:counter-store-unavailable", "The quota counter could not be updated.");
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aFailClosedPlan_countsTheCounterStoresFailure() {
        counters.failing(true);

        gateway.handle(orders("dev-secret-key"));

        assertThat(gateway.counterStoreFailures()).isEqualTo(1);
    }

    @Test
    void aFailOpenPlan_servesUncounted_whenTheCounterStoreFails_andCountsTheFailure() {
        Gateway lenient = TestGateways.builder("""
                stages:
                  dev: {variables: {ordersBackend: "%s"}}
                plans:
                  lenient: {quota: {limit: 1, period: day}, failOpen: true}
                apiKeys:
                  - {id: k, value: lenient-key-1, consumer: carol, stage: dev, plan: lenient}
                routes:
                  - {path: /orders, methods: [GET], backend: "${stageVariables.ordersBackend}"}
                """.formatted(backend.url())).counters(counters).clock(clock).build();
        counters.failing(true);

        GatewayResponse first = lenient.handle(orders("lenient-key-1"));
        GatewayResponse second = lenient.handle(orders("lenient-key-1"));

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(first.headers().contains("ratelimit-remaining")).isFalse();
        assertThat(lenient.counterStoreFailures()).isEqualTo(2);
        assertThat(gateway.counterStoreFailures()).isZero();
    }

    private void useUpTheQuota() {
        for (int i = 0; i < 3; i++) {
            assertThat(gateway.handle(orders("dev-secret-key")).status()).isEqualTo(200);
        }
    }

    private static GatewayRequest orders(String key) {
        return Requests.get("/orders").key(key).build();
    }
}
