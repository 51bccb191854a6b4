package dev.tollgate.policy.ratelimit;

import static dev.tollgate.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.policy.quota.CounterStoreFailures;
import dev.tollgate.policy.route.RouteMatch;
import dev.tollgate.problem.RateLimitedException;
import dev.tollgate.testing.CountingCounterStore;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rate limits through the whole pipeline, with in-memory counters and a clock that moves only when told. */
class RateLimitPolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant TEN_PAST_NOON = Instant.parse("2026-11-23T12:10:00Z");

    private final TestBackend backend = new TestBackend();
    private final InMemoryCounterStore counters = new InMemoryCounterStore();
    private final MutableClock clock = new MutableClock(TEN_PAST_NOON);
    private GatewayConfig config;
    private Gateway gateway;

    @BeforeEach
    void setUp() {
        config = ConfigLoader.parse("""
                stages:
                  dev: {variables: {ordersBackend: "%s"}}
                plans:
                  bursty:
                    rateLimit: {requests: 3, per: minute}
                  mixed:
                    rateLimit: {requests: 5, per: minute, burst: 5}
                    # The tight quota second: a request it refuses has already counted against the day.
                    quota:
                      - {limit: 100, period: day}
                      - {limit: 3, period: hour}
                  tight:
                    rateLimit: {requests: 2, per: second, burst: 2}
                    quota: {limit: 100, period: hour}
                  lenient:
                    rateLimit: {requests: 1, per: second}
                    failOpen: true
                apiKeys:
                  - {id: a, value: bursty-key, consumer: alice, stage: dev, plan: bursty}
                  - {id: b, value: mixed-key-1, consumer: bob, stage: dev, plan: mixed}
                  - {id: c, value: tight-key-1, consumer: carol, stage: dev, plan: tight}
                  - {id: d, value: lenient-key, consumer: dave, stage: dev, plan: lenient}
                  - {id: e, value: bursty-key-2, consumer: erin, stage: dev, plan: bursty}
                routes:
                  - path: /orders
                    methods: [GET, POST]
                    backend: ${stageVariables.ordersBackend}
                  - path: /search
                    methods: [GET]
                    backend: ${stageVariables.ordersBackend}
                    rateLimit: {requests: 1, per: second, burst: 1}
                """.formatted(backend.url()), "rate.yaml");
        gateway = Gateway.builder().config(config).counters(counters).keys(new ConfigKeyStore(config.apiKeys()))
                .clock(clock).build();
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void theBurst_passesAtOnce_thenA429_saysWhenATokenIsBack() throws IOException {
        for (int i = 1; i <= 3; i++) {
            GatewayResponse allowed = get("/orders", "bursty-key");
            assertThat(allowed.status()).isEqualTo(200);
            assertThat(allowed.headers().first("ratelimit-limit")).contains("3");
            assertThat(allowed.headers().first("ratelimit-remaining")).contains(Integer.toString(3 - i));
            // Full again when the TAT is reached: 20 s per token taken.
            assertThat(allowed.headers().first("ratelimit-reset")).contains(Integer.toString(20 * i));
        }

        GatewayResponse refused = get("/orders", "bursty-key");

        assertProblem(refused, 429, "urn:tollgate:problem:rate-limited", "The rate limit of plan bursty (3 requests per"
                + " minute with bursts of 3) is reached; a request passes again in 20 s.");
        assertThat(refused.headers().first("retry-after")).contains("20");
        assertThat(refused.headers().first("ratelimit-limit")).contains("3");
        assertThat(refused.headers().first("ratelimit-remaining")).contains("0");
        assertThat(refused.headers().first("ratelimit-reset")).contains("60");
        assertThat(backend.received()).hasSize(3);

        clock.advance(Duration.ofMillis(19_999));
        assertThat(get("/orders", "bursty-key").status()).isEqualTo(429);
        clock.advance(Duration.ofMillis(1));
        assertThat(get("/orders", "bursty-key").status()).isEqualTo(200);
        assertThat(get("/orders", "bursty-key").status()).isEqualTo(429);
    }

    private static final String LARGE = """
            stages:
              dev: {variables: {ordersBackend: "%s"}}
            plans:
              leased: {rateLimit: {requests: 1000, per: second}}
              counted: {rateLimit: {requests: 1000, per: second, lease: false}}
            apiKeys:
              - {id: l, value: leased-key-1, consumer: dana, stage: dev, plan: leased}
              - {id: c, value: counted-key-1, consumer: erin, stage: dev, plan: counted}
            routes:
              - {path: /orders, methods: [GET], backend: "${stageVariables.ordersBackend}"}
            """;

    @Test
    void aLeasedRateLimit_writesOncePerLease_whileLeaseFalse_writesEveryRequest() {
        CountingCounterStore counting = new CountingCounterStore(counters);
        Gateway instance = TestGateways.builder(LARGE.formatted(backend.url())).counters(counting).clock(clock).build();

        for (int i = 1; i <= 50; i++) {
            GatewayResponse allowed = get(instance, "leased-key-1");
            assertThat(allowed.status()).isEqualTo(200);
            assertThat(allowed.headers().first("ratelimit-remaining")).contains(Integer.toString(1000 - i));
        }
        assertThat(counting.writes()).as("a lease of 1, then one of 100").isEqualTo(2);
        for (int i = 1; i <= 50; i++) {
            GatewayResponse allowed = get(instance, "counted-key-1");
            assertThat(allowed.status()).isEqualTo(200);
            assertThat(allowed.headers().first("ratelimit-remaining")).contains(Integer.toString(1000 - i));
        }
        assertThat(counting.writes()).isEqualTo(2 + 50);
    }

    /**
     * Two instances on one bucket: what the first holds leased is not remaining to the second, and
     * once its slots have passed, the first leases afresh rather than spend them late.
     */
    @Test
    void leasedTokens_areHeldByTheirInstance_andPassWithTheirSlots() {
        CountingCounterStore counting = new CountingCounterStore(counters);
        Gateway first = TestGateways.builder(LARGE.formatted(backend.url())).counters(counting).clock(clock).build();
        Gateway second = TestGateways.builder(LARGE.formatted(backend.url())).counters(counting).clock(clock).build();
        get(first, "leased-key-1");
        get(first, "leased-key-1"); // a lease of 1, then one of 100: 99 held

        assertThat(get(second, "leased-key-1").headers().first("ratelimit-remaining")).contains("898");
        // The usage endpoint reads the store afresh, and counts what the answering instance itself holds.
        assertThat(rateRemainingSeenBy(first)).isEqualTo(898 + 99);
        assertThat(rateRemainingSeenBy(second)).isEqualTo(898);
        clock.advance(Duration.ofMillis(200)); // 200 tokens back, and every slot of the first's lease passed
        assertThat(get(first, "leased-key-1").headers().first("ratelimit-remaining")).contains("999");
        assertThat(counting.writes()).isEqualTo(4);
    }

    @Test
    void aRetryAfter_isAtLeastOneSecond_evenWhenTheTokenIsBackSooner() {
        get("/orders", "tight-key-1");
        get("/orders", "tight-key-1");
        clock.advance(Duration.ofMillis(400));

        GatewayResponse refused = get("/orders", "tight-key-1");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.headers().first("retry-after")).contains("1");
        clock.advance(Duration.ofMillis(100));
        assertThat(get("/orders", "tight-key-1").status()).isEqualTo(200);
    }

    @Test
    void aConsumerNameWithAHash_cannotNameAnotherConsumersRouteBucket() {
        String forged = RateLimitPolicy.bucket("dev", RateLimitPolicy.consumer("alice#route GET /orders"));
        String alicesRoute = RateLimitPolicy.bucket("dev", RateLimitPolicy.consumer("alice")) + "#route GET /orders";

        assertThat(forged).isNotEqualTo(alicesRoute).doesNotStartWith(alicesRoute);
    }

    @Test
    void eachConsumer_hasItsOwnBucket() {
        for (int i = 0; i < 3; i++) {
            get("/orders", "bursty-key");
        }

        assertThat(get("/orders", "bursty-key").status()).isEqualTo(429);
        assertThat(get("/orders", "bursty-key-2").status()).isEqualTo(200);
    }

    @Test
    void theRoutesLimit_followsThePlans_andNamesTheRoute() throws IOException {
        assertThat(get("/search", "mixed-key-1").status()).isEqualTo(200);

        GatewayResponse refused = get("/search", "mixed-key-1");

        assertProblem(refused, 429, "urn:tollgate:problem:rate-limited", "The rate limit of route GET /search (1 requests"
                + " per second with bursts of 1) is reached; a request passes again in 1 s.");
        // The plan's bucket gave a token to both requests; the route's refusal does not give it back.
        JsonNode usage = JSON.readTree(get("/_tollgate/usage", "mixed-key-1").body());
        assertThat(usage.path("rateLimit").path("remaining").asLong()).isEqualTo(3);
        assertThat(usage.path("quota").path("used").asLong()).isEqualTo(1);
        // Another consumer has its own bucket on the route.
        assertThat(get("/search", "tight-key-1").status()).isEqualTo(200);
    }

    @Test
    void theTightestLimit_decidesTheHeaders_leastRemainingFirst() {
        // mixed: 5 at once, 3 an hour and 100 a day: the hourly quota is tightest.
        GatewayResponse mixed = get("/orders", "mixed-key-1");
        assertThat(mixed.headers().first("ratelimit-limit")).contains("3");
        assertThat(mixed.headers().first("ratelimit-remaining")).contains("2");
        assertThat(mixed.headers().first("ratelimit-reset")).contains("3000");

        // tight: 2 at once against 100 an hour: the rate limit is tightest.
        GatewayResponse tight = get("/orders", "tight-key-1");
        assertThat(tight.headers().first("ratelimit-limit")).contains("2");
        assertThat(tight.headers().first("ratelimit-remaining")).contains("1");
        assertThat(tight.headers().first("ratelimit-reset")).contains("1");
    }

    @Test
    void aQuotaRefusal_givesBackWhatOtherQuotasCounted_soTheRefusedRequestUsesNoQuota() throws IOException {
        for (int i = 0; i < 3; i++) {
            assertThat(get("/orders", "mixed-key-1").status()).isEqualTo(200);
        }

        GatewayResponse refused = get("/orders", "mixed-key-1");

        assertProblem(refused, 429, "urn:tollgate:problem:quota-exceeded",
                "The 3 requests per hour of plan mixed are used up; the quota resets in 3000 s.");
        assertThat(refused.headers().first("retry-after")).contains("3000");
        assertThat(refused.headers().first("ratelimit-limit")).contains("3");
        assertThat(refused.headers().first("ratelimit-remaining")).contains("0");
        JsonNode usage = JSON.readTree(get("/_tollgate/usage", "mixed-key-1").body());
        assertThat(usage.path("quotas").get(0).path("period").asText()).isEqualTo("day");
        assertThat(usage.path("quotas").get(0).path("used").asLong()).as("the day's count of the refused request, given back")
                .isEqualTo(3);
        assertThat(usage.path("quotas").get(1).path("used").asLong()).isEqualTo(3);
    }

    @Test
    void aRateLimitRefusal_usesNoQuota() throws IOException {
        for (int i = 0; i < 3; i++) {
            get("/orders", "tight-key-1");
        }

        JsonNode usage = JSON.readTree(get("/_tollgate/usage", "tight-key-1").body());
        assertThat(usage.path("quota").path("used").asLong()).isEqualTo(2);
    }

    @Test
    void usage_listsEveryQuota_andThePlansRateLimit_keepingTheFirstQuotaAsQuota() throws IOException {
        get("/orders", "mixed-key-1");
        get("/orders", "mixed-key-1");

        JsonNode usage = JSON.readTree(get("/_tollgate/usage", "mixed-key-1").body());

        assertThat(usage.path("quota")).isEqualTo(usage.path("quotas").get(0));
        assertThat(usage.path("quotas")).hasSize(2);
        assertThat(usage.path("quotas").get(0).path("remaining").asLong()).isEqualTo(98);
        assertThat(usage.path("quotas").get(1).path("limit").asLong()).isEqualTo(3);
        JsonNode rateLimit = usage.path("rateLimit");
        assertThat(rateLimit.path("requests").asLong()).isEqualTo(5);
        assertThat(rateLimit.path("per").asText()).isEqualTo("minute");
        assertThat(rateLimit.path("burst").asLong()).isEqualTo(5);
        assertThat(rateLimit.path("remaining").asLong()).isEqualTo(3);
        assertThat(rateLimit.path("resetSeconds").asLong()).isEqualTo(24);
    }

    @Test
    void usage_ofAPlanWithOnlyARateLimit_hasNoQuota_andDoesNotCountItself() throws IOException {
        get("/orders", "bursty-key");
        get("/_tollgate/usage", "bursty-key");

        GatewayResponse response = get("/_tollgate/usage", "bursty-key");

        assertThat(response.status()).isEqualTo(200);
        JsonNode usage = JSON.readTree(response.body());
        assertThat(usage.has("quota")).isFalse();
        assertThat(usage.path("quotas")).isEmpty();
        assertThat(usage.path("rateLimit").path("remaining").asLong()).isEqualTo(2);
        assertThat(usage.path("rateLimit").path("resetSeconds").asLong()).isEqualTo(20);
    }

    @Test
    void aFailingStore_failsClosedForARateLimit_countedOnce() throws IOException {
        counters.failing(true);

        assertProblem(get("/orders", "bursty-key"), 503, "urn:tollgate:problem:counter-store-unavailable",
                "The quota counter could not be updated.");

        assertThat(gateway.counterStoreFailures()).isEqualTo(1);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aFailingStore_failsOpenWhenThePlanSaysSo_countedOncePerRequest() {
        counters.failing(true);

        GatewayResponse served = get("/orders", "lenient-key");
        // The route's own limit is not tried for a request the failing store already left uncounted.
        GatewayResponse servedOnLimitedRoute = get("/search", "lenient-key");

        assertThat(served.status()).isEqualTo(200);
        assertThat(served.headers().contains("ratelimit-remaining")).isFalse();
        assertThat(servedOnLimitedRoute.status()).isEqualTo(200);
        assertThat(gateway.counterStoreFailures()).isEqualTo(2);
        assertThat(backend.received()).hasSize(2);
    }

    @Test
    void withoutAnIdentity_theRoutesLimit_countsPerCallerAddress() {
        RateLimitPolicy policy = new RateLimitPolicy(counters, new RateLeases(counters), new CounterStoreFailures());
        RouteMatch search = new RouteMatch.Configured("GET /search", config.routes().get(1), Map.of());

        assertThat(anonymous(policy, search, "198.51.100.7").status()).isEqualTo(200);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> anonymous(policy, search, "198.51.100.7"))
                .isInstanceOf(RateLimitedException.class)
                .hasMessage("The rate limit of route GET /search (1 requests per second with bursts of 1) is reached;"
                        + " a request passes again in 1 s.");
        assertThat(anonymous(policy, search, "198.51.100.8").status()).isEqualTo(200);
    }

    private GatewayResponse anonymous(RateLimitPolicy policy, RouteMatch route, String sourceIp) {
        Exchange exchange = new Exchange(new GatewayRequest("GET", "/search", "", Headers.empty(), null, sourceIp, "https",
                "dev", Map.of()), clock.instant());
        exchange.route(route);
        return policy.apply(exchange, e -> GatewayResponse.json(200, "{}"));
    }

    private static long rateRemainingSeenBy(Gateway instance) {
        try {
            return JSON.readTree(instance.handle(Requests.get("/_tollgate/usage").key("leased-key-1").build()).body())
                    .path("rateLimit").path("remaining").asLong();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static GatewayResponse get(Gateway instance, String key) {
        return instance.handle(Requests.get("/orders").key(key).build());
    }

    private GatewayResponse get(String path, String key) {
        return gateway.handle(Requests.get(path).key(key).build());
    }
}
