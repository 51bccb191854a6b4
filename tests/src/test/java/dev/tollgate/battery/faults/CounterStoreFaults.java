package dev.tollgate.battery.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.observe.Outcome;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.quota.QuotaConfig;
import dev.tollgate.policy.quota.QuotaPeriod;
import dev.tollgate.policy.quota.QuotaWindow;
import dev.tollgate.problem.CounterStoreException;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestBackend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The counter store failing under a platform's gateway, its real store behind a {@link FaultyProxy}:
 * down (connections closed without an answer), slow (no answer within the store's timeout), throttling
 * (the service's own throttling answer, which its SDK parses), and a lease write that times out although
 * the store applied it. For each, on a plan that fails open and on one that fails closed: the answer
 * comes within the store's timeout and a margin; it follows the plan; the request's one log line, as the
 * platform prints it, names its request id and the counter store error, and the gateway counts it; and
 * once the fault clears, the counter read back from the store equals the requests admitted and counted.
 * Each platform says how its gateway, store and throttling are made ({@link DynamoDbCounterStoreFaultsTest},
 * {@link CosmosCounterStoreFaultsTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CounterStoreFaults {

    /**
     * Beyond the store's own timeout, what an answer may take on this loaded machine: thread scheduling,
     * the SDK's last retry's back-off. The SDKs' defaults without a store timeout (AWS: a 30 s read timeout
     * and retries) are far beyond it.
     */
    static final Duration MARGIN = Duration.ofSeconds(3);
    static final String TABLE = "tollgate-counters";
    static final long LEASED_LIMIT = 1_000;
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(30));
    private static final List<String> FAULTS = List.of("down", "slow", "throttled", "applied");

    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final List<RequestObservation> observed = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private TestBackend backend;
    FaultyProxy proxy;
    private Gateway gateway;

    /** Starts the store and the proxy in front of it, whose faults meet counter writes only. */
    abstract FaultyProxy startStore() throws Exception;

    /** The platform's gateway over the store, through the proxy, telling {@code requestLog} of each request. */
    abstract Gateway gateway(GatewayConfig config, RequestObserver requestLog);

    /** The counter store through the proxy, as the platform's gateway builds it. */
    abstract CounterStore proxiedCounters();

    /** The store itself, not through the proxy: to read counters back. */
    abstract CounterStore directCounters();

    /** The service's own throttling answer. */
    abstract FaultyProxy.Answer throttling();

    /** Whether {@code failure}'s cause is the SDK's parse of {@link #throttling()}. */
    abstract boolean isThrottling(Throwable cause);

    /** The store's timeout, retries included, as the product configures its client. */
    abstract Duration storeTimeout();

    /** The request's log line as the platform's request log writes it. */
    abstract String logLine(RequestObservation observation);

    abstract void stopStore() throws Exception;

    @BeforeAll
    void start() throws Exception {
        backend = new TestBackend();
        proxy = startStore();
        gateway = gateway(ConfigLoader.parse(config(backend.url()), "faults.yaml"), observation -> {
            observed.add(observation);
            lines.add(logLine(observation));
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        stopStore();
        backend.close();
    }

    @AfterEach
    void clearFault() {
        proxy.fault(null);
    }

    @Test
    void storeDown() {
        bothPlansMeet("down", new FaultyProxy.Drop());
    }

    @Test
    void storeSlowerThanItsTimeout() {
        bothPlansMeet("slow", new FaultyProxy.Hang());
    }

    @Test
    void storeThrottling() {
        bothPlansMeet("throttled", throttling());
    }

    @Test
    void throttling_reachesTheStoreAsTheServicesOwnError_parsedByItsSdk() {
        proxy.fault(throttling());
        String counter = "quota#battery#throttled-parse#day#" + NOW.getEpochSecond();

        Throwable failure = catchFailure(() -> proxiedCounters().tryAcquire(counter, 10, NOW.plus(Duration.ofDays(2))));

        assertThat(failure).isInstanceOf(CounterStoreException.class);
        assertThat(failure.getCause()).matches(this::isThrottling, "the SDK's throttling error");
    }

    /**
     * A lease write the store applied but whose answer never came: the request fails (closed: 503), the
     * units the store counted for it are lost to this window, and nothing is admitted beyond the limit.
     */
    @Test
    void aLeaseWriteThatTimesOutButWasApplied_causesNoOvershoot_onlyUnderAdmissionOfItsUnits() {
        String key = "applied-leased-key";
        String counter = counter("applied-leased", LEASED_LIMIT);
        assertThat(call(key).status()).isEqualTo(200);
        long before = directCounters().used(counter);

        proxy.fault(new FaultyProxy.ApplyThenHang());
        GatewayResponse failed = call(key);
        assertThat(failed.status()).isEqualTo(503);
        proxy.fault(null);
        long lost = directCounters().used(counter) - before;
        assertThat(lost).as("units the store counted for the lease whose answer was lost").isPositive();

        long admitted = 1;
        for (long asked = 0; asked < LEASED_LIMIT; asked++) {
            GatewayResponse answer = call(key);
            if (answer.status() != 200) {
                assertThat(answer.status()).isEqualTo(429);
                break;
            }
            admitted++;
        }
        assertThat(call(key).status()).isEqualTo(429);
        assertThat(directCounters().used(counter)).isEqualTo(LEASED_LIMIT);
        assertThat(admitted).isEqualTo(LEASED_LIMIT - lost);
    }

    private void bothPlansMeet(String fault, FaultyProxy.Fault injected) {
        for (String plan : List.of("open", "closed")) {
            String consumer = fault + "-" + plan;
            String key = consumer + "-key";
            String counter = counter(consumer, 1_000);
            for (int i = 0; i < 3; i++) {
                assertThat(call(key).status()).isEqualTo(200);
            }
            long failures = gateway.counterStoreFailures();
            long reached = reached(consumer);
            int met = proxy.met();
            observed.clear();
            lines.clear();
            proxy.fault(injected);

            long started = System.nanoTime();
            GatewayResponse answer = call(key);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            proxy.fault(null);
            assertThat(proxy.met()).as("the fault met the counter write").isGreaterThan(met);
            assertThat(took).as("%s, %s plan: the answer within the store's timeout and a margin", fault, plan)
                    .isLessThanOrEqualTo(storeTimeout().plus(MARGIN));
            String requestId = answer.headers().first(HeaderNames.REQUEST_ID).orElseThrow();
            if (plan.equals("open")) {
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.headers().names()).noneMatch(name -> name.toLowerCase(Locale.ROOT).startsWith("ratelimit-"));
                assertThat(reached(consumer)).isEqualTo(reached + 1);
            } else {
                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.headers().first("content-type")).contains("application/problem+json");
                assertThat(answer.bodyAsString()).contains("urn:tollgate:problem:counter-store-unavailable", requestId);
                assertThat(reached(consumer)).isEqualTo(reached);
            }
            assertThat(gateway.counterStoreFailures()).isEqualTo(failures + 1);
            assertThat(observed).singleElement().satisfies(o -> {
                assertThat(o.requestId()).isEqualTo(requestId);
                assertThat(o.has(Outcome.COUNTER_STORE_ERROR)).isTrue();
            });
            assertThat(lines).singleElement().asString().doesNotContain("\n")
                    .contains(requestId, Outcome.COUNTER_STORE_ERROR.label());

            for (int i = 0; i < 2; i++) {
                assertThat(call(key).status()).isEqualTo(200);
            }
            assertThat(directCounters().used(counter)).as("%s, %s plan: the counter in the store", fault, plan)
                    .isEqualTo(5);
        }
    }

    private GatewayResponse call(String key) {
        return gateway.handle(Requests.get("/orders").key(key).build());
    }

    private long reached(String consumer) {
        return backend.received().stream().filter(r -> consumer.equals(r.header("x-tollgate-consumer"))).count();
    }

    private String counter(String consumer, long limit) {
        return QuotaWindow.at(new QuotaConfig(limit, QuotaPeriod.DAY), NOW).counter("dev", consumer);
    }

    private static Throwable catchFailure(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("no failure");
    }

    /** Plans that fail open and closed ({@code lease: false}: a write per request), a leased one, a key each. */
    private static String config(String backend) {
        StringBuilder yaml = new StringBuilder("""
                stages:
                  dev: {}
                plans:
                  open: {quota: {limit: 1000, period: day, lease: false}, failOpen: true}
                  closed: {quota: {limit: 1000, period: day, lease: false}}
                  leased: {quota: {limit: %d, period: day}}
                apiKeys:
                """.formatted(LEASED_LIMIT));
        for (String fault : FAULTS) {
            for (String plan : List.of("open", "closed", "leased")) {
                yaml.append("  - {id: %s-%s, value: %s-%s-key, consumer: %s-%s, stage: dev, plan: %s}\n"
                        .formatted(fault, plan, fault, plan, fault, plan, plan));
            }
        }
        yaml.append("""
                routes:
                  - {path: /orders, methods: [GET], backend: "%s"}
                """.formatted(backend));
        return yaml.toString();
    }
}
