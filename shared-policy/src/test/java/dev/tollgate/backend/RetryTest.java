package dev.tollgate.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ConfigProblem;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retries: idempotent methods only, on connection failures, timeouts and chosen statuses, within the
 * request's budget; waits recorded, not slept, and the ticker moved by the time a backend takes.
 */
class RetryTest {

    private static final String CONFIG = TestGateways.keyedDev("up", "%s", "down", "%s") + """
            routes:
              - path: /orders
                methods: [GET, POST]
                backend: ${stageVariables.up}
                retry: {retries: 2, statuses: [503], backoff: 100ms, maxBackoff: 150ms}
              - path: /down
                methods: [GET, POST]
                backend: ${stageVariables.down}
                retry: {retries: 3}
              - path: /slow
                methods: [GET]
                backend: ${stageVariables.up}
                timeout: 10s
                retry: {retries: 1, statuses: [503]}
            """;

    private final TestBackend backend = new TestBackend();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final AtomicLong ticks = new AtomicLong();
    private final CountDownLatch hung = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        hung.countDown();
        backend.close();
    }

    @Test
    void aGet_isRetriedOnAChosenStatus_untilItSucceeds_withGrowingJitteredWaits() throws Exception {
        backend.failFirst(2, 503);

        GatewayResponse response = gateway().handle(request("GET", "/orders"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(backend.received()).hasSize(3);
        assertThat(waits).containsExactly(Duration.ofMillis(50), Duration.ofMillis(75));
    }

    @Test
    void aPost_isNeverRetried() throws Exception {
        backend.failFirst(2, 503);

        GatewayResponse response = gateway().handle(request("POST", "/orders"));

        assertThat(response.status()).isEqualTo(503);
        assertThat(backend.received()).hasSize(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void whenEveryTryFails_theLastAnswerStands() throws Exception {
        backend.failFirst(5, 503);

        GatewayResponse response = gateway().handle(request("GET", "/orders"));

        assertThat(response.status()).isEqualTo(503);
        assertThat(backend.received()).hasSize(3);
    }

    @Test
    void aRefusedConnection_isRetriedForAGet_thenIs502_butNotForAPost() throws Exception {
        Gateway gateway = gateway();

        assertThat(gateway.handle(request("GET", "/down")).status()).isEqualTo(502);
        assertThat(waits).hasSize(3);
        waits.clear();
        assertThat(gateway.handle(request("POST", "/down")).status()).isEqualTo(502);
        assertThat(waits).isEmpty();
    }

    @Test
    void aRetry_hasOnlyWhatIsLeftOfTheRequestsBudget_asItsTimeout() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        backend.failFirst(1, 503).beforeAnswering(() -> {
            if (tries.incrementAndGet() == 1) {
                ticks.addAndGet(Duration.ofMillis(29_750).toNanos()); // the first try takes 29.75 s of the 30
            } else {
                await(hung); // the second would take longer than its route's 10 s
            }
        });

        GatewayResponse response = gateway().handle(request("GET", "/slow"));

        assertThat(response.status()).isEqualTo(504);
        assertThat(response.bodyAsString()).contains("The backend did not answer within 250 ms.");
        assertThat(waits).containsExactly(Duration.ofMillis(25));
    }

    @Test
    void aRetryThatCouldNotStart_afterItsWait_withAMinimumOfTheBudgetLeft_isNotMade_andTheLastAnswerStands() throws Exception {
        // 30 s - 29.88 s leaves 120 ms: the wait (25 ms) would leave less than the 100 ms a try needs at least.
        backend.failFirst(1, 503).beforeAnswering(() -> ticks.addAndGet(Duration.ofMillis(29_880).toNanos()));

        GatewayResponse response = gateway().handle(request("GET", "/slow"));

        assertThat(response.status()).isEqualTo(503);
        assertThat(backend.received()).hasSize(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void badRetrySettings_areNamed() throws Exception {
        String text = config().replace("retry: {retries: 3}", "retry: {retries: 9, statuses: [404], backoff: 2s, maxBackoff: 1s}");

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().stream().map(ConfigProblem::toString))
                        .containsExactly(
                                "t.yaml:15: routes[1].retry.retries: 9 (expected: a whole number from 0 to 5)",
                                "t.yaml:15: routes[1].retry.statuses[0]: 404 (expected: 408, 429 or a 5xx status)",
                                "t.yaml:15: routes[1].retry.maxBackoff: 1s (expected: at least backoff, 2000ms)"));
    }

    private String config() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        return CONFIG.formatted(backend.url(), "http://127.0.0.1:" + closedPort);
    }

    private Gateway gateway() throws Exception {
        return TestGateways.builder(config()).forwarder(new HttpForwarder(waits::add, () -> 0.5)).ticker(ticks::get).build();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static GatewayRequest request(String method, String path) {
        return Requests.request(method, path).key("dev-secret-key").sourceIp("192.0.2.1").build();
    }
}
