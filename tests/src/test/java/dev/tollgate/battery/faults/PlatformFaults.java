package dev.tollgate.battery.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import dev.tollgate.Gateway;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.EcsBackendResolver;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.emulators.LocalEcsApi.Binding;
import dev.tollgate.emulators.LocalEcsApi.Task;
import dev.tollgate.emulators.LocalEcsApi;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.observe.Outcome;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.quota.QuotaConfig;
import dev.tollgate.policy.quota.QuotaPeriod;
import dev.tollgate.policy.quota.QuotaWindow;
import dev.tollgate.policy.ratelimit.RateLimitConfig;
import dev.tollgate.policy.ratelimit.RateLimitPolicy;
import dev.tollgate.problem.CounterStoreException;
import dev.tollgate.testing.FaultyProxy;
import dev.tollgate.testing.LeasedBuckets;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestIssuer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The counter store, and the key store, failing under a platform's gateway, its real store behind a {@link FaultyProxy}:
 * down (connections closed without an answer), slow (no answer within the store's timeout), throttling
 * (the service's own throttling answer, which its SDK parses), and a lease write that times out although
 * the store applied it. For each, on a plan that fails open and on one that fails closed: the answer
 * comes within the store's timeout and a margin; it follows the plan; the request's one log line, as the
 * platform prints it, names its request id and the counter store error, and the gateway counts it; and
 * once the fault clears, the counter read back from the store equals the requests admitted and counted.
 * The JWKS endpoint slow or down, at cold start and later, likewise.
 * The ECS API down or slow likewise.
 * The backend failing in each way, an oversized answer included, is answered in time and counted exactly too.
 * The stores down or slow at a cold start, while the function is built, likewise; and a leased rate limit
 * through a lost lease, throttling and an outage never admits beyond {@code burst + rate × elapsed}.
 * Each platform says how its gateway, store and throttling are made ({@link AwsFaultsTest},
 * {@link AzureFaultsTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PlatformFaults {

    /**
     * Beyond the store's own timeout, what an answer may take on this loaded machine: thread scheduling,
     * the SDK's last retry's back-off. The SDKs' defaults without a store timeout (AWS: a 30 s read timeout
     * and retries) are far beyond it.
     */
    static final Duration MARGIN = Duration.ofSeconds(3);
    static final String TABLE = "tollgate-counters";
    static final long LEASED_LIMIT = 1_000;
    static final Duration BACKEND_TIMEOUT = Duration.ofMillis(500);
    /** How long one JWKS answer may take (docs/policies.md: 3 s, headers and body). */
    static final Duration JWKS_TIMEOUT = Duration.ofSeconds(3);
    static final Duration REFRESH = Duration.ofSeconds(1);
    static final String ISSUER_ID = "urn:tollgate:battery";
    static final TestIssuer ISSUER = TestIssuer.rsa(ISSUER_ID, "k1");
    static final TestIssuer ROTATED = TestIssuer.rsa(ISSUER_ID, "k2");
    static final String TOKEN_CONSUMER_PREFIX = "battery-jwt:";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(30));
    private static final List<String> FAULTS = List.of("down", "slow", "throttled", "applied", "colddown", "coldslow");
    /** The plan {@code rated}: a leased rate limit (the default) of 50 a second in bursts of 100, and a quota counted per request. */
    static final RateLimitConfig RATED = new RateLimitConfig(50, RateLimitConfig.Per.SECOND, 100);
    static final long RATED_QUOTA = 100_000;
    /** The route {@code /huge}'s timeout: ample for moving 11 MB through a loaded machine. */
    static final Duration HUGE_TIMEOUT = Duration.ofSeconds(10);

    /** Stands still unless a test moves it (the JWKS refresh interval and max age). */
    final MutableClock clock = new MutableClock(NOW);
    private final List<RequestObservation> observed = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private TestBackend backend;
    /** In front of the backend of {@code /faulty}, whose timeout is {@link #BACKEND_TIMEOUT}. */
    private FaultyProxy backendProxy;
    /** The backend of {@code /huge}: an answer as large as a test sets. */
    private TestBackend huge;
    private GatewayConfig config;
    /** The issuer's JWKS endpoint, and a proxy in front of it. */
    private TestBackend jwks;
    private FaultyProxy jwksProxy;
    /** The ECS API of {@code ecs://battery/orders:8080}, whose one task is the backend, and a proxy in front of it. */
    private LocalEcsApi ecsApi;
    private FaultyProxy ecsProxy;
    private EcsBackendResolver ecsBackends;
    FaultyProxy proxy;
    private Gateway gateway;
    /** Which of the store's requests meet the proxy's fault. */
    private final AtomicReference<Predicate<HttpExchange>> faulting = new AtomicReference<>(exchange -> false);

    /** Starts the store (its tables or containers made) and returns its endpoint. */
    abstract String startStore() throws Exception;

    /** Connects the platform's clients to the store through the proxy at {@code endpoint}. */
    abstract void connect(String endpoint);

    /** The store's requests that write counters. */
    abstract Predicate<HttpExchange> counterWrites();

    /** The store's requests that look API keys up. */
    abstract Predicate<HttpExchange> keyLookups();

    /** The store's keys, not through the proxy: to create keys. */
    abstract KeyAdmin keyAdmin();

    /** The platform's gateway over the store, through the proxy, telling {@code requestLog} of each request. */
    abstract Gateway gateway(GatewayConfig config, RequestObserver requestLog, BackendResolver backends);

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

    /**
     * A gateway built as the function's init builds it, its store reached through {@link #proxy} whatever fault
     * the proxy holds meanwhile.
     */
    abstract ColdStart coldStart(GatewayConfig config, RequestObserver requestLog, BackendResolver backends);

    /** A GET of {@code path} with an API key through the platform's own adapter, which hands the gateway its response limit. */
    abstract Answered throughFunction(Gateway gateway, String path, String key) throws IOException;

    /** An answer's size, in bytes, beyond the largest the platform's gateway carries back. */
    abstract int oversized();

    /** A gateway built as at a function's init, and the store clients it holds. */
    record ColdStart(Gateway gateway, AutoCloseable clients) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            clients.close();
        }
    }

    /** An answer as the platform's adapter gives it: header names in lower case. */
    record Answered(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    @BeforeAll
    void start() throws Exception {
        backend = new TestBackend();
        backendProxy = new FaultyProxy(backend.url(), exchange -> true);
        jwks = new TestBackend().answer(200, "application/json", keySet(ISSUER));
        jwksProxy = new FaultyProxy(jwks.url(), exchange -> true);
        huge = new TestBackend();
        String store = startStore();
        proxy = new FaultyProxy(store, exchange -> faulting.get().test(exchange));
        connect(proxy.endpoint());
        ecsApi = LocalEcsApi.start(0);
        ecsApi.putService("battery", "orders", List.of(Task.running(String.format("%032x", 1), "127.0.0.1",
                new Binding(8080, URI.create(backend.url()).getPort()))));
        ecsProxy = new FaultyProxy(ecsApi.endpoint().toString(), exchange -> true);
        // Lookups run on the request's thread, so that a test needs no waiting for a background refresh.
        ecsBackends = new EcsBackendResolver(AwsGateway.ecs(Map.of(AwsGateway.ECS_ENDPOINT, ecsProxy.endpoint()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))), clock, Runnable::run);
        config = ConfigLoader.parse(config(backend.url(), backendProxy.endpoint(), jwksProxy.endpoint(), huge.url()), "faults.yaml");
        gateway = gateway(config, this::observe, ecsBackends);
    }

    private void observe(RequestObservation observation) {
        observed.add(observation);
        lines.add(logLine(observation));
    }

    @AfterAll
    void stop() throws Exception {
        if (huge != null) {
            huge.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        stopStore();
        backendProxy.close();
        backend.close();
        jwksProxy.close();
        jwks.close();
        ecsProxy.close();
        ecsApi.close();
    }

    @AfterEach
    void clearFault() {
        proxy.fault(null);
        backendProxy.fault(null);
        jwksProxy.fault(null);
        ecsProxy.fault(null);
    }

    /**
     * The ECS API down or slow: a service looked up before keeps its tasks serving, past the list's TTL
     * and its max age, each failed lookup counted; a service never looked up is 503 {@code no-backend-task}
     * within the ECS client's call timeout. Every request admitted is counted once.
     */
    @Test
    void ecsApiDownOrSlow_staleTasksKeepServing_anUnknownServiceIs503InTime() {
        String key = "ecs-closed-key";
        long admitted = 0;
        assertThat(gateway.handle(Requests.get("/ecs").key(key).build()).status()).isEqualTo(200);
        admitted++;
        long failures = gateway.backendDiscoveryFailures();
        for (FaultyProxy.Fault fault : List.of(new FaultyProxy.Drop(), new FaultyProxy.Hang())) {
            ecsProxy.fault(fault);
            clock.advance(EcsBackendResolver.TASK_LIST_MAX_AGE.plusSeconds(1));
            long started = System.nanoTime();
            GatewayResponse stale = gateway.handle(Requests.get("/ecs").key(key).build());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(stale.status()).as("%s: the tasks held", fault).isEqualTo(200);
            admitted++;
            assertThat(took).isLessThanOrEqualTo(AwsGateway.ECS_CALL_TIMEOUT.plus(MARGIN));
            assertThat(gateway.backendDiscoveryFailures()).isEqualTo(++failures);

            observed.clear();
            lines.clear();
            started = System.nanoTime();
            GatewayResponse unknown = gateway.handle(Requests.get("/ecs-new").key(key).build());
            took = Duration.ofNanos(System.nanoTime() - started);
            ecsProxy.fault(null);
            String requestId = unknown.headers().first(HeaderNames.REQUEST_ID).orElseThrow();
            assertThat(unknown.status()).as("%s: a service never looked up", fault).isEqualTo(503);
            assertThat(unknown.bodyAsString()).contains("urn:tollgate:problem:no-backend-task", requestId);
            assertThat(took).isLessThanOrEqualTo(AwsGateway.ECS_CALL_TIMEOUT.plus(MARGIN));
            assertThat(lines).singleElement().asString().doesNotContain("\n").contains(requestId, "no-backend-task");
            admitted++;
            clock.advance(EcsBackendResolver.RETRY_AFTER_FAILURE);
            failures = gateway.backendDiscoveryFailures();
        }
        assertThat(directCounters().used(counter("ecs-closed", 1_000))).as("the counter in the store").isEqualTo(admitted);
    }

    /**
     * The issuer's JWKS endpoint slow or down at cold start (no keys held: 503 within its fetch timeout),
     * then down later: the keys held keep verifying new tokens after their max age, a new {@code kid}
     * is refused as no held key verifies it (401, as docs/policies.md says), and once the endpoint is
     * back the new key verifies. Each failed fetch is counted and each answer logged with its request id.
     */
    @Test
    void jwksSlowOrDown_atColdStartAndLater_keysHeldKeepVerifying() {
        String alice = ISSUER.sign(ISSUER.claims("alice", "api", clock.instant()).build());
        long failures = gateway.jwksFailures();
        for (FaultyProxy.Fault fault : List.of(new FaultyProxy.Hang(), new FaultyProxy.Drop())) {
            jwksProxy.fault(fault);
            observed.clear();
            lines.clear();
            long started = System.nanoTime();
            GatewayResponse answer = gateway.handle(Requests.get("/tokens").bearer(alice).build());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            jwksProxy.fault(null);
            String requestId = answer.headers().first(HeaderNames.REQUEST_ID).orElseThrow();
            assertThat(answer.status()).as("cold start, %s", fault).isEqualTo(503);
            assertThat(answer.bodyAsString()).contains("urn:tollgate:problem:jwks-unavailable", requestId);
            assertThat(took).as("cold start, %s: within the fetch's timeout and a margin", fault)
                    .isLessThanOrEqualTo(JWKS_TIMEOUT.plus(MARGIN));
            assertThat(gateway.jwksFailures()).isEqualTo(++failures);
            assertThat(lines).singleElement().asString().doesNotContain("\n").contains(requestId, "jwks-unavailable");
            clock.advance(REFRESH.plusSeconds(1));
        }
        assertThat(gateway.handle(Requests.get("/tokens").bearer(alice).build()).status()).isEqualTo(200);
        String aliceCounter = counter(TOKEN_CONSUMER_PREFIX + "alice", 1_000);

        jwksProxy.fault(new FaultyProxy.Drop());
        clock.advance(Duration.ofMinutes(61));
        String bob = ISSUER.sign(ISSUER.claims("bob", "api", clock.instant()).build());
        assertThat(gateway.handle(Requests.get("/tokens").bearer(bob).build()).status())
                .as("keys past their max age, the endpoint down: the keys held").isEqualTo(200);
        assertThat(gateway.jwksFailures()).isEqualTo(++failures);
        clock.advance(REFRESH.plusSeconds(1));
        String carol = ROTATED.sign(ROTATED.claims("carol", "api", clock.instant()).build());
        GatewayResponse unknownKid = gateway.handle(Requests.get("/tokens").bearer(carol).build());
        assertThat(unknownKid.status()).as("a new kid while the endpoint is down").isEqualTo(401);
        assertThat(unknownKid.bodyAsString()).contains(unknownKid.headers().first(HeaderNames.REQUEST_ID).orElseThrow());
        assertThat(gateway.jwksFailures()).isEqualTo(++failures);

        jwks.answer(200, "application/json", keySet(ISSUER, ROTATED));
        jwksProxy.fault(null);
        clock.advance(REFRESH.plusSeconds(1));
        assertThat(gateway.handle(Requests.get("/tokens").bearer(carol).build()).status()).isEqualTo(200);
        assertThat(directCounters().used(aliceCounter)).isEqualTo(1);
        assertThat(directCounters().used(counter(TOKEN_CONSUMER_PREFIX + "carol", 1_000))).isEqualTo(1);
    }

    private static byte[] keySet(TestIssuer... issuers) {
        List<JWK> keys = new ArrayList<>();
        for (TestIssuer issuer : issuers) {
            keys.addAll(issuer.publicKeys().getKeys());
        }
        return new JWKSet(keys).toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The backend refusing (its connection closed before an answer), reset mid-answer, slower than the
     * route's timeout, or answering 500: the gateway's 502 or 504 problem within the route's timeout and
     * a margin, or the backend's own 500; observed as a backend error (not the backend's own 500), one
     * log line with the request id; and every request admitted counted once in the store.
     */
    @Test
    void backendFaults_areAnsweredInTime_logged_andCountedExactly() {
        String key = "backend-closed-key";
        String counter = counter("backend-closed", 1_000);
        long admitted = 0;
        record Case(String name, FaultyProxy.Fault fault, int status, String problem) {
        }
        List<Case> cases = List.of(
                new Case("refused", new FaultyProxy.Drop(), 502, "urn:tollgate:problem:"),
                new Case("reset mid-answer", new FaultyProxy.Truncate(), 502, "urn:tollgate:problem:"),
                new Case("slow", new FaultyProxy.Hang(), 504, "urn:tollgate:problem:"),
                new Case("5xx", new FaultyProxy.Answer(500, Map.of("content-type", "text/plain"), "backend broke"), 500, null));
        for (Case c : cases) {
            backendProxy.fault(c.fault());
            observed.clear();
            lines.clear();
            long started = System.nanoTime();
            GatewayResponse answer = gateway.handle(Requests.get("/faulty").key(key).build());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            backendProxy.fault(null);
            admitted++;

            String requestId = answer.headers().first(HeaderNames.REQUEST_ID).orElseThrow();
            assertThat(answer.status()).as(c.name()).isEqualTo(c.status());
            assertThat(took).as("%s: within the route's timeout and a margin", c.name())
                    .isLessThanOrEqualTo(BACKEND_TIMEOUT.plus(MARGIN));
            assertThat(observed).singleElement().satisfies(o -> {
                assertThat(o.requestId()).isEqualTo(requestId);
                assertThat(o.has(Outcome.BACKEND_ERROR)).as(c.name()).isEqualTo(c.problem() != null);
            });
            assertThat(lines).singleElement().asString().doesNotContain("\n").contains(requestId);
            if (c.problem() != null) {
                assertThat(answer.headers().first("content-type")).contains("application/problem+json");
                assertThat(answer.bodyAsString()).contains(c.problem(), requestId);
                assertThat(lines.get(0)).contains(Outcome.BACKEND_ERROR.label());
            } else {
                assertThat(answer.bodyAsString()).isEqualTo("backend broke");
            }
        }
        assertThat(gateway.handle(Requests.get("/faulty").key(key).build()).status()).isEqualTo(200);
        admitted++;
        assertThat(directCounters().used(counter)).as("the counter in the store").isEqualTo(admitted);
    }

    @BeforeEach
    void faultCounterWrites() {
        faulting.set(counterWrites());
    }

    /**
     * The key store down or slow: a key the instance looked up before keeps working from its cache (60 s),
     * a key it has not seen is 503 (the key could not be checked) within the store's timeout, logged and
     * counted; once the store is back, that key works.
     */
    @Test
    void keyStoreDownOrSlow_cachedKeysKeepWorking_unknownKeysAre503() {
        faulting.set(keyLookups());
        Map<String, FaultyProxy.Fault> faults = Map.of("down", new FaultyProxy.Drop(), "slow", new FaultyProxy.Hang());
        faults.forEach((fault, injected) -> {
            String cached = "battery-" + fault + "-cached-stored-key";
            String unknown = "battery-" + fault + "-unknown-stored-key";
            keyAdmin().create(ApiKeyHash.sha256Hex(cached), new ApiKey("stored-" + fault + "-cached", "key-" + fault + "-cached",
                    "dev", "closed"), NOW);
            keyAdmin().create(ApiKeyHash.sha256Hex(unknown), new ApiKey("stored-" + fault + "-unknown",
                    "key-" + fault + "-unknown", "dev", "closed"), NOW);
            assertThat(call(cached).status()).isEqualTo(200);
            long failures = gateway.keyStoreFailures();
            proxy.fault(injected);

            assertThat(call(cached).status()).as("%s: a cached key", fault).isEqualTo(200);
            observed.clear();
            lines.clear();
            long started = System.nanoTime();
            GatewayResponse answer = call(unknown);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            proxy.fault(null);
            String requestId = answer.headers().first(HeaderNames.REQUEST_ID).orElseThrow();
            assertThat(answer.status()).as("%s: a key not cached", fault).isEqualTo(503);
            assertThat(answer.bodyAsString()).contains("urn:tollgate:problem:key-store-unavailable", requestId);
            assertThat(took).as("%s: the answer within the store's timeout and a margin", fault)
                    .isLessThanOrEqualTo(storeTimeout().plus(MARGIN));
            assertThat(reached("key-" + fault + "-unknown")).isZero();
            assertThat(gateway.keyStoreFailures()).isEqualTo(failures + 1);
            assertThat(observed).singleElement().extracting(RequestObservation::requestId).isEqualTo(requestId);
            assertThat(lines).singleElement().asString().doesNotContain("\n").contains(requestId, "key-store-unavailable");
            assertThat(call(unknown).status()).as("%s: the key once the store is back", fault).isEqualTo(200);
        });
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

    /**
     * The store down (connections closed unanswered) or slow (no answer) while the function is built and
     * when its first requests arrive: init ends within the store's timeout and a margin (on Azure the
     * Cosmos DB client, which reads the account when built, connects in the background); each request is
     * answered within that bound per its plan (failOpen: 200 uncounted; failClosed: the 503 problem with
     * the request id), a key the instance never saw is 503 {@code key-store-unavailable} (not 401), each
     * logged and counted; once the store is back, counting resumes, and each counter in the store equals
     * the requests admitted since, none twice, none lost.
     */
    @Test
    void storeDownOrSlowAtColdStart_isAnsweredPerPlanInTime_thenCountsExactlyWhatIsAdmittedOnceBack() throws Exception {
        faulting.set(exchange -> true);
        for (Map.Entry<String, FaultyProxy.Fault> injected : List.of(Map.<String, FaultyProxy.Fault>entry("colddown",
                new FaultyProxy.Drop()), Map.<String, FaultyProxy.Fault>entry("coldslow", new FaultyProxy.Hang()))) {
            String fault = injected.getKey();
            String storedKey = "battery-" + fault + "-stored-key";
            String storedConsumer = "key-" + fault;
            keyAdmin().create(ApiKeyHash.sha256Hex(storedKey), new ApiKey("stored-" + fault, storedConsumer, "dev", "closed"), NOW);
            List<RequestObservation> seen = new CopyOnWriteArrayList<>();
            List<String> logged = new CopyOnWriteArrayList<>();
            proxy.fault(injected.getValue());

            long started = System.nanoTime();
            try (ColdStart cold = coldStart(config, observation -> {
                seen.add(observation);
                logged.add(logLine(observation));
            }, ecsBackends)) {
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("%s: init", fault)
                        .isLessThanOrEqualTo(storeTimeout().plus(MARGIN));
                Gateway built = cold.gateway();
                for (String plan : List.of("open", "closed", "stored key")) {
                    String key = plan.equals("stored key") ? storedKey : fault + "-" + plan + "-key";
                    String consumer = plan.equals("stored key") ? storedConsumer : fault + "-" + plan;
                    seen.clear();
                    logged.clear();
                    long counted = built.counterStoreFailures() + built.keyStoreFailures();
                    started = System.nanoTime();
                    GatewayResponse answer = built.handle(Requests.get("/orders").key(key).build());
                    Duration took = Duration.ofNanos(System.nanoTime() - started);

                    String requestId = answer.headers().first(HeaderNames.REQUEST_ID).orElseThrow();
                    assertThat(took).as("%s, %s: within the store's timeout and a margin", fault, plan)
                            .isLessThanOrEqualTo(storeTimeout().plus(MARGIN));
                    String problem = plan.equals("stored key") ? "key-store-unavailable" : "counter-store-unavailable";
                    if (plan.equals("open")) {
                        assertThat(answer.status()).as("%s, failOpen", fault).isEqualTo(200);
                        assertThat(answer.headers().names()).noneMatch(n -> n.toLowerCase(Locale.ROOT).startsWith("ratelimit-"));
                    } else {
                        assertThat(answer.status()).as("%s, %s", fault, plan).isEqualTo(503);
                        assertThat(answer.headers().first("content-type")).contains("application/problem+json");
                        assertThat(answer.bodyAsString()).contains("urn:tollgate:problem:" + problem, requestId);
                        assertThat(reached(consumer)).isZero();
                    }
                    assertThat(built.counterStoreFailures() + built.keyStoreFailures()).as("%s, %s: counted", fault, plan)
                            .isEqualTo(counted + 1);
                    assertThat(seen).singleElement().extracting(RequestObservation::requestId).isEqualTo(requestId);
                    assertThat(logged).singleElement().asString().doesNotContain("\n")
                            .contains(requestId, plan.equals("stored key") ? problem : Outcome.COUNTER_STORE_ERROR.label());
                }

                proxy.fault(null);
                for (String consumer : List.of(fault + "-open", fault + "-closed", storedConsumer)) {
                    String key = consumer.equals(storedConsumer) ? storedKey : consumer + "-key";
                    for (int i = 0; i < 3; i++) {
                        assertThat(built.handle(Requests.get("/orders").key(key).build()).status())
                                .as("%s, %s: once the store is back", fault, consumer).isEqualTo(200);
                    }
                    assertThat(directCounters().used(counter(consumer, 1_000))).as("%s, %s: the counter in the store", fault,
                            consumer).isEqualTo(3);
                }
            }
        }
    }

    /**
     * A leased rate limit ({@code rated}: 50 a second in bursts of 100, leased as by default, on a plan that
     * fails closed, with a quota counted per request) asked about twice as fast as its rate on a moved clock,
     * while its store applies a lease write whose answer is lost (the write times out), then throttles, then
     * is down, then works again: no interval of the run admitted more than {@code burst + rate × elapsed};
     * the lost lease's tokens, read back from the bucket, are at most one lease (a share of 1/8 of what
     * fitted, docs/policies.md), which the instance never spends; every request the store failed is the
     * 503 problem within the store's timeout and a margin, counted as a failure; and the quota counter
     * in the store equals the requests admitted.
     */
    @Test
    void aLeasedRateLimit_throughALostLeaseThrottlingAndAnOutage_neverAdmitsBeyondBurstPlusRateTimesElapsed() {
        long interval = RATED.intervalMicros();
        String bucket = RateLimitPolicy.bucket("dev", RateLimitPolicy.consumer("rated"));
        SplittableRandom random = new SplittableRandom(14);
        LeasedBuckets.Ticks ticks = LeasedBuckets.mixed(interval, RATED.burst());
        List<Long> admitted = new ArrayList<>();
        long start = RateLimitPolicy.micros(clock.instant());
        long failures = gateway.counterStoreFailures();
        int[] refusedByTheStore = {0};
        int[] asks = {0};
        Runnable ask = () -> {
            asks[0]++;
            clock.advance(Duration.ofNanos(1000 * ticks.next(random)));
            long now = RateLimitPolicy.micros(clock.instant());
            long started = System.nanoTime();
            GatewayResponse answer = gateway.handle(Requests.get("/orders").key("rated-key").build());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThanOrEqualTo(storeTimeout().plus(MARGIN));
            assertThat(answer.status()).isIn(200, 429, 503);
            if (answer.status() == 200) {
                admitted.add(now);
            } else if (answer.status() == 503) {
                refusedByTheStore[0]++;
                assertThat(answer.bodyAsString()).contains("urn:tollgate:problem:counter-store-unavailable",
                        answer.headers().first(HeaderNames.REQUEST_ID).orElseThrow());
            }
        };
        for (int i = 0; i < 100; i++) {
            ask.run();
        }

        faulting.set(rateBucketWrites());
        proxy.fault(new FaultyProxy.ApplyThenHang());
        int met = proxy.met();
        long lost = -1;
        for (int i = 0; i < 200 && lost < 0; i++) {
            long before = directCounters().theoreticalArrival(bucket);
            int refused = refusedByTheStore[0];
            ask.run();
            if (proxy.met() > met) {
                proxy.fault(null);
                assertThat(refusedByTheStore[0]).as("the request whose lease was lost").isEqualTo(refused + 1);
                long now = RateLimitPolicy.micros(clock.instant());
                lost = (directCounters().theoreticalArrival(bucket) - Math.max(before, now)) / interval;
            }
        }
        assertThat(lost).as("tokens of the lease applied but unanswered").isBetween(1L, Math.max(1, RATED.burst() / 8));

        faulting.set(counterWrites());
        for (FaultyProxy.Fault fault : List.of(throttling(), new FaultyProxy.Drop())) {
            proxy.fault(fault);
            int admittedBefore = admitted.size();
            int refusedBefore = refusedByTheStore[0];
            for (int i = 0; i < 5; i++) {
                ask.run();
            }
            proxy.fault(null);
            assertThat(admitted).as("%s: nothing admitted while the store fails (the plan fails closed)", fault)
                    .hasSize(admittedBefore);
            assertThat(refusedByTheStore[0]).as("%s: the quota's write fails each request the rate limit lets by", fault)
                    .isGreaterThan(refusedBefore);
        }
        for (int i = 0; i < 100; i++) {
            ask.run();
        }

        long[] times = admitted.stream().mapToLong(Long::longValue).toArray();
        LeasedBuckets run = new LeasedBuckets(times, asks[0], start, RateLimitPolicy.micros(clock.instant()), List.of());
        System.out.printf("faults %s: leased rate limit: %d asks, %d admitted (bound %d), overshoot %.2f, %d refused by the store,"
                + " lost lease %d tokens%n", getClass().getSimpleName(), asks[0], times.length,
                run.bound(interval, RATED.burst()), run.overshoot(interval, RATED.burst()), refusedByTheStore[0], lost);
        assertThat(run.overshoot(interval, RATED.burst())).as("beyond burst + rate × elapsed, in any interval").isLessThanOrEqualTo(0);
        assertThat((long) times.length).as("the bound binds: asked faster than the rate").isGreaterThan(RATED.burst());
        assertThat(gateway.counterStoreFailures()).isEqualTo(failures + refusedByTheStore[0]);
        assertThat(directCounters().used(counter("rated", RATED_QUOTA))).as("the quota counter in the store").isEqualTo(times.length);
    }

    /** The store's requests that write rate limit buckets: the bucket named in the path (Cosmos DB) or the body (DynamoDB). */
    private Predicate<HttpExchange> rateBucketWrites() {
        Predicate<HttpExchange> writes = counterWrites();
        return exchange -> writes.test(exchange) && !"GET".equals(exchange.getRequestMethod())
                && mentions(exchange, "rate#dev#", "rate|dev|");
    }

    /** Whether the request's path or body holds one of {@code texts}; the body is left for the proxy to forward. */
    private static boolean mentions(HttpExchange exchange, String... texts) {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        exchange.setStreams(new ByteArrayInputStream(body), null);
        String seen = exchange.getRequestURI().getPath() + new String(body, StandardCharsets.UTF_8);
        return Arrays.stream(texts).anyMatch(seen::contains);
    }

    /**
     * A backend's answer larger than the platform's gateway carries back (Lambda: 6 MB; Azure, which documents
     * no limit: the gateway's own 10 MB), through the platform's adapter: the 502 problem
     * {@code response-too-large} with the request id, within the route's timeout and a margin, observed once as a
     * backend error, one log line, and the request counted once in the store.
     */
    @Test
    void anOversizedBackendAnswer_isA502ProblemInTime_loggedAndCountedOnce() throws IOException {
        byte[] body = new byte[oversized()];
        Arrays.fill(body, (byte) 'a');
        body[0] = '"';
        body[body.length - 1] = '"';
        huge.answer(200, "application/json", body);
        observed.clear();
        lines.clear();

        long started = System.nanoTime();
        Answered answer = throughFunction(gateway, "/huge", "huge-closed-key");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        String requestId = answer.headers().get("x-request-id");
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.headers().get("content-type")).isEqualTo("application/problem+json");
        assertThat(answer.text()).contains("urn:tollgate:problem:response-too-large", requestId).hasSizeLessThan(2048);
        assertThat(took).isLessThanOrEqualTo(HUGE_TIMEOUT.plus(MARGIN));
        assertThat(observed).singleElement().satisfies(o -> {
            assertThat(o.requestId()).isEqualTo(requestId);
            assertThat(o.has(Outcome.BACKEND_ERROR)).isTrue();
            assertThat(o.has(Outcome.RESPONSE_TOO_LARGE)).isTrue();
        });
        assertThat(lines).singleElement().asString().doesNotContain("\n").contains(requestId, Outcome.BACKEND_ERROR.label());
        assertThat(huge.received()).hasSize(1);
        assertThat(directCounters().used(counter("huge-closed", 1_000))).as("the counter in the store").isEqualTo(1);
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
        return QuotaWindow.at(new QuotaConfig(limit, QuotaPeriod.DAY), clock.instant()).counter("dev", consumer);
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
    private static String config(String backend, String faultyBackend, String jwksEndpoint, String hugeBackend) {
        StringBuilder yaml = new StringBuilder("""
                stages:
                  dev: {}
                plans:
                  open: {quota: {limit: 1000, period: day, lease: false}, failOpen: true}
                  closed: {quota: {limit: 1000, period: day, lease: false}}
                  leased: {quota: {limit: %d, period: day}}
                  rated:
                    rateLimit: {requests: %d, per: second, burst: %d}
                    quota: {limit: %d, period: day, lease: false}
                apiKeys:
                """.formatted(LEASED_LIMIT, RATED.requests(), RATED.burst(), RATED_QUOTA));
        for (String fault : FAULTS) {
            for (String plan : List.of("open", "closed", "leased")) {
                yaml.append("  - {id: %s-%s, value: %s-%s-key, consumer: %s-%s, stage: dev, plan: %s}\n"
                        .formatted(fault, plan, fault, plan, fault, plan, plan));
            }
        }
        yaml.append("""
                  - {id: ecs-closed, value: ecs-closed-key, consumer: ecs-closed, stage: dev, plan: closed}
                  - {id: backend-closed, value: backend-closed-key, consumer: backend-closed, stage: dev, plan: closed}
                  - {id: huge-closed, value: huge-closed-key, consumer: huge-closed, stage: dev, plan: closed}
                  - {id: rated, value: rated-key, consumer: rated, stage: dev, plan: rated}
                routes:
                  - {path: /orders, methods: [GET], backend: "%s"}
                  - {path: /faulty, methods: [GET], backend: "%s", timeout: %dms}
                  - {path: /tokens, methods: [GET], backend: "%s", auth: {jwt: [battery-jwt]}}
                  - {path: /ecs, methods: [GET], backend: "ecs://battery/orders:8080"}
                  - {path: /ecs-new, methods: [GET], backend: "ecs://battery/new:8080"}
                  - {path: /huge, methods: [GET], backend: "%s", timeout: %ds}
                jwt:
                  issuers:
                    battery-jwt:
                      issuer: %s
                      jwksUri: %s/keys
                      audiences: [api]
                      plan: closed
                      jwksRefreshInterval: %ds
                """.formatted(backend, faultyBackend, BACKEND_TIMEOUT.toMillis(), backend, hugeBackend, HUGE_TIMEOUT.toSeconds(),
                ISSUER_ID, jwksEndpoint, REFRESH.toSeconds()));
        return yaml.toString();
    }
}
