package dev.tollgate.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.observe.Ticker;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.problem.NoBackendTaskException;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.UnacceptingBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ecs://} backends through the gateway: each try goes where the {@link BackendResolver}
 * says, a task that cannot be connected to is reported back, a refused connection moves the
 * request to another task, and each task has its own circuit; finding the task spends from the
 * request's budget, not the backend's time. The resolver here is an in-memory fake over real HTTP
 * backends; the ECS one is tested in functions-aws.
 */
class EcsBackendForwardingTest {

    private static final String CONFIG = """
            stages:
              dev: {variables: {ordersBackend: "ecs://dev/orders:8080"}}
              prod: {variables: {ordersBackend: "%s"}}
            plans:
              p: {quota: {limit: 1000, period: day}}
            apiKeys:
              - {id: d, value: dev-secret-key, consumer: c, stage: dev, plan: p}
              - {id: p, value: prod-secret-key, consumer: c, stage: prod, plan: p}
            routes:
              - path: /orders
                methods: [GET, POST]
                backend: ${stageVariables.ordersBackend}
              - path: /guarded
                methods: [GET]
                backend: ${stageVariables.ordersBackend}
                circuitBreaker: {failureThreshold: 1, openFor: 30s}
              - path: /retried
                methods: [GET]
                backend: ${stageVariables.ordersBackend}
                retry: {retries: 1, statuses: [503], backoff: 1ms}
              - path: /connecting
                methods: [POST]
                backend: ${stageVariables.ordersBackend}
                connectTimeout: 300ms
            """;

    private final TestBackend taskA = new TestBackend();
    private final TestBackend taskB = new TestBackend();
    private final TestBackend nlb = new TestBackend();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    /** The budget's time: it moves only when a test moves it. */
    private final AtomicLong ticks = new AtomicLong();

    @AfterEach
    void tearDown() {
        taskA.close();
        taskB.close();
        nlb.close();
    }

    @Test
    void devReachesTheServicesTasks_inTurn_andProdItsFixedUrl() {
        RoundRobin tasks = new RoundRobin(URI.create(taskA.url()), URI.create(taskB.url()));
        Gateway gateway = gateway(tasks);

        for (int i = 0; i < 4; i++) {
            assertThat(gateway.handle(request("GET", "dev", "/orders", "a=1")).status()).isEqualTo(200);
        }
        assertThat(gateway.handle(request("GET", "prod", "/orders", "")).status()).isEqualTo(200);

        assertThat(taskA.received()).hasSize(2).allSatisfy(r -> assertThat(r.pathAndQuery()).isEqualTo("/orders?a=1"));
        assertThat(taskB.received()).hasSize(2);
        assertThat(nlb.received()).hasSize(1);
        assertThat(tasks.asked).containsOnly(new EcsService("dev", "orders", java.util.OptionalInt.of(8080)));
    }

    @Test
    void aRefusedConnection_isReported_andMovesEvenAPostToAnotherTask_once() {
        URI dead = deadEndpoint();
        RoundRobin tasks = new RoundRobin(dead, URI.create(taskA.url()));
        Gateway gateway = gateway(tasks);

        GatewayResponse response = gateway.handle(request("POST", "dev", "/orders", ""));

        assertThat(response.status()).isEqualTo(200);
        assertThat(taskA.received()).singleElement().satisfies(r -> assertThat(r.method()).isEqualTo("POST"));
        assertThat(tasks.failed).containsExactly(dead);
    }

    @Test
    void aConnectionNotAcceptedInTime_isReported_andMovesEvenAPostToAnotherTask() {
        try (UnacceptingBackend unaccepting = new UnacceptingBackend()) {
            URI silent = URI.create(unaccepting.url());
            RoundRobin tasks = new RoundRobin(silent, URI.create(taskA.url()));

            GatewayResponse response = gateway(tasks).handle(request("POST", "dev", "/connecting", ""));

            assertThat(response.status()).isEqualTo(200);
            assertThat(taskA.received()).singleElement().satisfies(r -> assertThat(r.method()).isEqualTo("POST"));
            assertThat(tasks.failed).containsExactly(silent);
        }
    }

    @Test
    void aRetry_goesToATaskTheRequestHasNotTried() {
        taskA.failFirst(1, 503);
        // This resolver's turn always starts at A; the retry avoids it, since the request tried it.
        BackendResolver alwaysFirst = new RoundRobin(URI.create(taskA.url()), URI.create(taskB.url())) {
            @Override
            public URI endpoint(EcsService service, Set<URI> avoid, Instant now, Duration within) {
                next.set(0);
                return super.endpoint(service, avoid, now, within);
            }
        };

        GatewayResponse response = gateway(alwaysFirst).handle(request("GET", "dev", "/retried", ""));

        assertThat(response.status()).isEqualTo(200);
        assertThat(taskA.received()).hasSize(1);
        assertThat(taskB.received()).hasSize(1);
    }

    @Test
    void whenEveryTaskRefuses_theAnswerIs502_afterOneMove() {
        URI dead1 = deadEndpoint();
        URI dead2 = deadEndpoint();
        RoundRobin tasks = new RoundRobin(dead1, dead2);

        GatewayResponse response = gateway(tasks).handle(request("POST", "dev", "/orders", ""));

        assertThat(response.status()).isEqualTo(502);
        assertThat(tasks.failed).containsExactly(dead1, dead2);
    }

    @Test
    void eachTaskHasItsOwnCircuit_andATaskWhoseCircuitIsOpen_isPassedOver() {
        taskA.failFirst(1, 500);
        RoundRobin tasks = new RoundRobin(URI.create(taskA.url()), URI.create(taskB.url()));
        Gateway gateway = gateway(tasks);

        assertThat(gateway.handle(request("GET", "dev", "/guarded", "")).status()).isEqualTo(500); // A's circuit opens
        assertThat(gateway.handle(request("GET", "dev", "/guarded", "")).status()).isEqualTo(200); // B
        assertThat(gateway.handle(request("GET", "dev", "/guarded", "")).status()).isEqualTo(200); // A is open: B

        assertThat(taskA.received()).hasSize(1);
        assertThat(taskB.received()).hasSize(2);
    }

    @Test
    void aTryThatFailsUnexpectedly_isRecordedAFailure_soAProbeNeverHoldsTheCircuitHalfOpen() {
        // The JDK client refuses this scheme once the breaker is acquired: a stand-in for any unexpected failure.
        Gateway gateway = gateway(new RoundRobin(URI.create("ftp://127.0.0.1:1")));

        assertThat(gateway.handle(request("GET", "dev", "/guarded", "")).status()).isEqualTo(500);
        assertThat(gateway.handle(request("GET", "dev", "/guarded", "")).status()).as("opened").isEqualTo(503);
        clock.advance(Duration.ofSeconds(31));
        assertThat(gateway.handle(request("GET", "dev", "/guarded", "")).status()).as("the probe").isEqualTo(500);
        assertThat(gateway.handle(request("GET", "dev", "/guarded", "")).status()).as("opened again").isEqualTo(503);
        clock.advance(Duration.ofSeconds(31));

        assertThat(gateway.handle(request("GET", "dev", "/guarded", "")).status()).as("a new probe, not 503").isEqualTo(500);
    }

    @Test
    void aServiceWithoutTasks_isTheResolversProblem_503() {
        BackendResolver none = new RoundRobin() {
            @Override
            public URI endpoint(EcsService service, Set<URI> avoid, Instant now, Duration within) {
                throw new NoBackendTaskException(1);
            }
        };

        GatewayResponse response = gateway(none).handle(request("GET", "dev", "/orders", ""));

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.bodyAsString()).contains("urn:tollgate:problem:no-backend-task",
                "No backend task can take the request now; try again shortly.");
        assertThat(response.headers().first("retry-after")).contains("1");
    }

    @Test
    void withoutAResolver_anEcsBackendIs502_andAUrlStillWorks() {
        GatewayConfig config = ConfigLoader.parse(CONFIG.formatted(nlb.url()), "ecs.yaml");
        Gateway gateway = Gateway.builder().config(config).counters(new InMemoryCounterStore())
                .keys(new ConfigKeyStore(config.apiKeys())).clock(clock).build();

        GatewayResponse dev = gateway.handle(request("GET", "dev", "/orders", ""));

        assertThat(dev.status()).isEqualTo(502);
        assertThat(dev.bodyAsString()).contains("\"detail\":\"The backend could not be reached.\"").doesNotContain("ecs:", "8080");
        assertThat(gateway.handle(request("GET", "prod", "/orders", "")).status()).isEqualTo(200);
    }

    @Test
    void findingTheTask_spendsTheRequestsBudget_soTheFirstTryHasOnlyWhatIsLeft() {
        CountDownLatch hung = new CountDownLatch(1);
        taskA.beforeAnswering(() -> await(hung)); // the try would outlast the 250 ms left, and the route's 29 s
        try {
            GatewayResponse response = budgeted(lookingUpFor(Duration.ofMillis(29_750), URI.create(taskA.url())), ticks::get,
                    observation -> { }).handle(request("GET", "dev", "/orders", ""));

            assertThat(response.status()).isEqualTo(504);
            assertThat(response.bodyAsString()).contains("The backend did not answer within 250 ms.");
        } finally {
            hung.countDown();
        }
    }

    @Test
    void aTaskFoundWithLessThanATryLeft_is503NoBackendTask_notATryOfNothing() {
        GatewayResponse response = budgeted(lookingUpFor(Duration.ofMillis(29_950), URI.create(taskA.url())), ticks::get,
                observation -> { }).handle(request("GET", "dev", "/orders", ""));

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.bodyAsString()).contains("urn:tollgate:problem:no-backend-task");
        assertThat(response.headers().first("retry-after")).contains("1");
        assertThat(taskA.received()).isEmpty();
    }

    @Test
    void theTimeFindingTheTask_isNotTheBackendsLatency() {
        List<RequestObservation> observations = new CopyOnWriteArrayList<>();
        // The ticker moves by the lookup's 2 s, and by 30 ms while the backend answers.
        taskA.beforeAnswering(() -> ticks.addAndGet(Duration.ofMillis(30).toNanos()));

        GatewayResponse response = budgeted(lookingUpFor(Duration.ofSeconds(2), URI.create(taskA.url())), ticks::get,
                observations::add).handle(request("GET", "dev", "/orders", ""));

        assertThat(response.status()).isEqualTo(200);
        assertThat(observations).singleElement().satisfies(observation -> {
            assertThat(observation.backendLatency()).contains(Duration.ofMillis(30));
            assertThat(observation.latency()).isEqualTo(Duration.ofMillis(2030));
        });
    }

    @Test
    void theResolver_mayWaitOnlyForWhatIsLeftOfTheBudget_lessTheLeastATryNeeds() {
        List<Duration> allowed = new CopyOnWriteArrayList<>();
        RoundRobin tasks = new RoundRobin(URI.create(taskA.url())) {
            @Override
            public URI endpoint(EcsService service, Set<URI> avoid, Instant now, Duration within) {
                allowed.add(within);
                return super.endpoint(service, avoid, now, within);
            }
        };
        GatewayConfig config = ConfigLoader.parse(CONFIG.formatted(nlb.url()), "ecs.yaml");
        ConfigKeyStore keys = new ConfigKeyStore(config.apiKeys());
        // Earlier policies, here a slow key lookup, spent 29.5 s of the request's 30.
        Gateway gateway = Gateway.builder().config(config).counters(new InMemoryCounterStore()).clock(clock).ticker(ticks::get)
                .keys(sha256 -> {
                    ticks.addAndGet(Duration.ofMillis(29_500).toNanos());
                    return keys.findBySha256(sha256);
                })
                .backends(tasks).build();

        assertThat(gateway.handle(request("GET", "dev", "/orders", "")).status()).isEqualTo(200);
        assertThat(allowed).containsExactly(Duration.ofMillis(400));
    }

    /** A resolver whose lookup takes {@code lookup} on the ticker, then answers these tasks in turn. */
    private RoundRobin lookingUpFor(Duration lookup, URI... tasks) {
        return new RoundRobin(tasks) {
            @Override
            public URI endpoint(EcsService service, Set<URI> avoid, Instant now, Duration within) {
                ticks.addAndGet(lookup.toNanos());
                return super.endpoint(service, avoid, now, within);
            }
        };
    }

    private Gateway budgeted(BackendResolver resolver, Ticker ticker, RequestObserver observer) {
        GatewayConfig config = ConfigLoader.parse(CONFIG.formatted(nlb.url()), "ecs.yaml");
        return Gateway.builder().config(config).counters(new InMemoryCounterStore())
                .keys(new ConfigKeyStore(config.apiKeys())).clock(clock).ticker(ticker).observer(observer).backends(resolver).build();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Gateway gateway(BackendResolver resolver) {
        GatewayConfig config = ConfigLoader.parse(CONFIG.formatted(nlb.url()), "ecs.yaml");
        return Gateway.builder().config(config).counters(new InMemoryCounterStore())
                .keys(new ConfigKeyStore(config.apiKeys())).clock(clock).backends(resolver).build();
    }

    private static GatewayRequest request(String method, String stage, String path, String query) {
        return new GatewayRequest(method, path, query, Headers.builder().set("x-api-key", stage + "-secret-key").build(),
                null, "192.0.2.1", "https", stage, Map.of());
    }

    /** A loopback port nothing listens on: connecting to it is refused. */
    private static URI deadEndpoint() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tasks in turn, passing over those the request has tried; records what it was told. */
    private static class RoundRobin implements BackendResolver {
        final List<URI> tasks;
        final AtomicInteger next = new AtomicInteger();
        final List<EcsService> asked = new CopyOnWriteArrayList<>();
        final List<URI> failed = new CopyOnWriteArrayList<>();

        RoundRobin(URI... tasks) {
            this.tasks = new ArrayList<>(List.of(tasks));
        }

        @Override
        public URI endpoint(EcsService service, Set<URI> avoid, Instant now, Duration within) {
            asked.add(service);
            int start = next.getAndIncrement();
            for (int i = 0; i < tasks.size(); i++) {
                URI task = tasks.get(Math.floorMod(start + i, tasks.size()));
                if (!avoid.contains(task)) {
                    return task;
                }
            }
            return tasks.get(Math.floorMod(start, tasks.size()));
        }

        @Override
        public void connectionFailed(EcsService service, URI endpoint, Instant now) {
            failed.add(endpoint);
        }

        @Override
        public long discoveryFailures() {
            return 0;
        }
    }
}
