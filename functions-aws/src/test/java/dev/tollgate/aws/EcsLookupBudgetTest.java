package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.emulators.LocalEcsApi;
import dev.tollgate.emulators.LocalEcsApi.Binding;
import dev.tollgate.emulators.LocalEcsApi.Task;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Finding an {@code ecs://} service's task spends from the request's 30 s budget, counted from its
 * arrival, and is not the backend's time: through the gateway, with the function's ECS resolver and
 * the real SDK client against {@link LocalEcsApi}, and a task that is a real HTTP server. The budget's
 * time is a ticker the test moves, as earlier policies or a slow ECS API would, so it is exact; what the
 * gateway waits for (the lookup, the try) it waits in real time, for what the ticker says is left.
 */
class EcsLookupBudgetTest {

    private static final String CONFIG = TestGateways.keyedDev("ordersBackend", "ecs://dev/orders:8080") + """
            routes:
              - path: /orders
                methods: [GET]
                backend: ${stageVariables.ordersBackend}
            """;

    private final TestBackend task = new TestBackend();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T02:00:00Z"));
    /** The budget's ticker. */
    private final AtomicLong ticks = new AtomicLong();
    /** What the policies before forwarding take of the budget, in the key lookup. */
    private final AtomicLong earlier = new AtomicLong();
    private final List<RequestObservation> observations = new CopyOnWriteArrayList<>();
    private final CountDownLatch hung = new CountDownLatch(1);
    private LocalEcsApi api;
    private EcsClient ecs;

    @BeforeEach
    void start() throws Exception {
        api = LocalEcsApi.start(0);
        ecs = LocalEcsClients.of(api);
        api.putService("dev", "orders", List.of(Task.running("0123456789abcdef0123456789abcdef", "127.0.0.1",
                new Binding(8080, URI.create(task.url()).getPort()))));
    }

    @AfterEach
    void stop() {
        hung.countDown();
        ecs.close();
        api.close();
        task.close();
    }

    @Test
    void aRequestWithLittleOfItsBudgetLeft_waitsForTheLookupOnlyThat_andIs503WithinIt_whileTheLookupGoesOnForTheNext() {
        api.stopAnswering();
        Gateway gateway = gateway();
        earlier.set(Duration.ofMillis(29_500).toNanos()); // of the 30

        long start = System.nanoTime();
        GatewayResponse late = gateway.handle(request());
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertThat(late.status()).isEqualTo(503);
        assertThat(late.bodyAsString()).contains("urn:tollgate:problem:no-backend-task");
        assertThat(late.headers().first("retry-after")).contains("1");
        assertThat(waited).as("the 400 ms left for the lookup (the 30 s, less 29.5 s, less the 100 ms a try needs at least),"
                + " not the ECS client's call timeout").isBetween(Duration.ofMillis(400), AwsGateway.ECS_CALL_TIMEOUT.minusSeconds(1));
        assertThat(task.received()).isEmpty();

        api.answerAgain();
        earlier.set(0);
        GatewayResponse next = gateway.handle(request());

        assertThat(next.status()).isEqualTo(200);
        assertThat(task.received()).hasSize(1);
        assertThat(api.calls("ListTasks")).as("the lookup the first request left went on for it").isEqualTo(1);
    }

    @Test
    void aSlowEcsApi_leavesTheFirstTryOnlyWhatIsLeft_andIsNotTheBackendsLatency() {
        // ListTasks and DescribeTasks each take 14.75 s of the budget: 500 ms are left for the try, not the route's 29 s.
        api.beforeAnswering(() -> ticks.addAndGet(Duration.ofMillis(14_750).toNanos()));
        task.beforeAnswering(() -> await(hung));

        GatewayResponse response = gateway().handle(request());

        assertThat(response.status()).isEqualTo(504);
        assertThat(response.bodyAsString()).contains("The backend did not answer within 500 ms.");
        assertThat(observations).singleElement().satisfies(observation -> {
            assertThat(observation.latency()).isEqualTo(Duration.ofMillis(29_500));
            assertThat(observation.backendLatency()).as("the try's time only, on the ticker").contains(Duration.ZERO);
        });
    }

    /** A gateway whose policies before forwarding take {@link #earlier} of the budget, in the key lookup. */
    private Gateway gateway() {
        GatewayConfig config = ConfigLoader.parse(CONFIG, "budget.yaml");
        ConfigKeyStore keys = new ConfigKeyStore(config.apiKeys());
        return Gateway.builder().config(config).counters(new InMemoryCounterStore()).clock(clock)
                .ticker(ticks::get)
                .keys(sha256 -> {
                    ticks.addAndGet(earlier.get());
                    return keys.findBySha256(sha256);
                })
                .observer(observations::add)
                .backends(new EcsBackendResolver(ecs, clock))
                .build();
    }

    private static GatewayRequest request() {
        return new GatewayRequest("GET", "/orders", "", Headers.builder().set("x-api-key", "dev-secret-key").build(),
                null, "192.0.2.1", "https", "dev", Map.of());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
