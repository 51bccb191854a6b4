package dev.tollgate.policy.quota;

import static dev.tollgate.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.CountingCounterStore;
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

    private static final String LARGE = """
            stages:
              dev: {variables: {ordersBackend: "%s"}}
            plans:
              leased: {quota: {limit: 10000, period: hour}}
              counted: {quota: {limit: 10000, period: hour, lease: false}}
            apiKeys:
              - {id: l, value: leased-key-1, consumer: dana, stage: dev, plan: leased}
              - {id: c, value: counted-key-1, consumer: erin, stage: dev, plan: counted}
            routes:
              - {path: /orders, methods: [GET], backend: "${stageVariables.ordersBackend}"}
            """;

    @Test
    void aLeasedQuota_writesOncePerLease_whileLeaseFalse_writesEveryRequest() {
        CountingCounterStore counting = new CountingCounterStore(counters);
        Gateway instance = TestGateways.builder(LARGE.formatted(backend.url())).counters(counting).clock(clock).build();

        for (int i = 0; i < 50; i++) {
            assertThat(instance.handle(orders("leased-key-1")).status()).isEqualTo(200);
        }
        assertThat(counting.writes()).as("a lease of 1, then one of 100").isEqualTo(2);
        for (int i = 0; i < 50; i++) {
            assertThat(instance.handle(orders("counted-key-1")).status()).isEqualTo(200);
        }
        assertThat(counting.writes()).isEqualTo(2 + 50);
    }

    /**
     * Under leases, RateLimit-Remaining is what neither this instance admitted nor any instance
     * had leased when this one last leased: it counts down by one per request in each instance, and
     * another instance's unused lease is not counted as remaining.
     */
    @Test
    void underLeases_remainingCountsWhatNoInstanceAdmittedOrHolds() {
        Gateway first = TestGateways.builder(LARGE.formatted(backend.url())).counters(counters).clock(clock).build();
        Gateway second = TestGateways.builder(LARGE.formatted(backend.url())).counters(counters).clock(clock).build();

        assertThat(first.handle(orders("leased-key-1")).headers().first("ratelimit-remaining")).contains("9999");
        assertThat(first.handle(orders("leased-key-1")).headers().first("ratelimit-remaining")).contains("9998");
        assertThat(first.handle(orders("leased-key-1")).headers().first("ratelimit-remaining")).contains("9997");
        // The first instance holds 98 of its lease of 100: the second leases 1 after 101 leased.
        assertThat(second.handle(orders("leased-key-1")).headers().first("ratelimit-remaining")).contains("9898");
        assertThat(first.handle(orders("leased-key-1")).headers().first("ratelimit-remaining")).contains("9996");
        // The usage endpoint reads the store afresh: 102 leased, less what each instance itself holds.
        assertThat(usedSeenBy(first)).isEqualTo(102 - 97);
        assertThat(usedSeenBy(second)).isEqualTo(102);
    }

    private static long usedSeenBy(Gateway instance) {
        GatewayResponse usage = instance.handle(Requests.get("/_tollgate/usage").key("leased-key-1").build());
        try {
            return new ObjectMapper().readTree(usage.body()).path("quota").path("used").asLong();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
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
