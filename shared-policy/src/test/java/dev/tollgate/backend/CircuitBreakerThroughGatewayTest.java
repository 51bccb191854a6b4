package dev.tollgate.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A circuit that opens after failures, answers 503 without calling the backend, and recovers. */
class CircuitBreakerThroughGatewayTest {

    private final TestBackend backend = new TestBackend();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    /** Like the clock, the ticker moves only when a test moves it. */
    private final AtomicLong ticks = new AtomicLong();

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void aCircuit_opensAfterFailures_thenRecoversThroughAProbe() {
        Gateway gateway = gateway();
        backend.failFirst(2, 502);

        assertThat(gateway.handle(request()).status()).isEqualTo(502);
        assertThat(gateway.handle(request()).status()).isEqualTo(502);
        GatewayResponse open = gateway.handle(request());

        assertThat(open.status()).isEqualTo(503);
        assertThat(open.bodyAsString()).contains("urn:tollgate:problem:circuit-open");
        assertThat(open.headers().first("retry-after")).contains("30");
        assertThat(backend.received()).hasSize(2);

        clock.advance(Duration.ofSeconds(31));
        assertThat(gateway.handle(request()).status()).isEqualTo(200);
        assertThat(gateway.handle(request()).status()).isEqualTo(200);
        assertThat(backend.received()).hasSize(4);
    }

    @Test
    void aProbe_withAQueryAUriCannotHold_isForwardedEncoded_andClosesTheCircuit() {
        Gateway gateway = gateway();
        openTheCircuit(gateway);

        GatewayResponse probe = gateway.handle(request(Headers.builder(), "q={a}|b&s=x y&p=100%&e=%41"));

        assertThat(probe.status()).isEqualTo(200);
        assertThat(backend.received().get(2).pathAndQuery()).isEqualTo("/orders?q=%7Ba%7D%7Cb&s=x%20y&p=100%25&e=%41");
        assertThat(gateway.handle(request()).status()).isEqualTo(200);
    }

    @Test
    void aHeaderValueTheClientRefuses_is400_namingTheHeader_andTakesNoProbe() {
        Gateway gateway = gateway();
        openTheCircuit(gateway);

        GatewayResponse refused = gateway.handle(request(Headers.builder().set("x-price", "5 €"), ""));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.bodyAsString()).contains("urn:tollgate:problem:bad-request",
                "The header x-price cannot be forwarded: its value holds more than visible ASCII, spaces and tabs"
                        + " (a control character, or a character or byte from 0x80), which the gateway does not pass on changed.")
                .doesNotContain("5 €");
        assertThat(gateway.handle(request()).status()).as("the probe slot is free").isEqualTo(200);
        assertThat(backend.received()).hasSize(3);
    }

    @Test
    void theOpenPeriod_countsFromTheFailuresEnd_notFromTheRequestsStart() {
        Gateway gateway = gateway();
        Instant t0 = clock.instant();
        backend.failFirst(2, 502).beforeAnswering(() -> ticks.addAndGet(Duration.ofSeconds(25).toNanos())); // each try takes 25 s

        gateway.handle(request());
        clock.advance(Duration.ofSeconds(25));
        gateway.handle(request()); // fails at t0 + 50 s: open until t0 + 80 s
        clock.set(t0.plusSeconds(60));
        GatewayResponse open = gateway.handle(request());

        assertThat(open.status()).isEqualTo(503);
        assertThat(open.headers().first("retry-after")).contains("20");
        clock.set(t0.plusSeconds(80));
        assertThat(gateway.handle(request()).status()).isEqualTo(200);
    }

    @Test
    void badBreakerSettings_areNamed() {
        String text = """
                stages: {dev: {}}
                plans: {p: {quota: {limit: 1, period: day}}}
                routes:
                  - path: /orders
                    methods: [GET]
                    backend: http://127.0.0.1:1
                    circuitBreaker: {failureThreshold: 0, openFor: 500ms, halfOpenProbes: 1}
                """;

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(dev.tollgate.config.ConfigException.class, e -> assertThat(
                        e.problems().stream().map(Object::toString)).containsExactly(
                        "t.yaml:7: routes[0].circuitBreaker.failureThreshold: 0 (expected: a whole number from 1 to 1000)",
                        "t.yaml:7: routes[0].circuitBreaker.openFor: 500ms (expected: a duration from 1s to 10m, such as 30s)"));
    }

    private Gateway gateway() {
        GatewayConfig config = ConfigLoader.parse(TestGateways.keyedDev("b", backend.url()) + """
                routes:
                  - path: /orders
                    methods: [GET]
                    backend: ${stageVariables.b}
                    circuitBreaker: {failureThreshold: 2, openFor: 30s}
                """, "breaker.yaml");
        return Gateway.builder().config(config).counters(new InMemoryCounterStore())
                .keys(new ConfigKeyStore(config.apiKeys())).clock(clock).ticker(ticks::get).build();
    }

    /** Two failures open it; once {@code openFor} has passed, the next request is its probe. */
    private void openTheCircuit(Gateway gateway) {
        backend.failFirst(2, 502);
        gateway.handle(request());
        gateway.handle(request());
        assertThat(gateway.handle(request()).status()).isEqualTo(503);
        clock.advance(Duration.ofSeconds(31));
    }

    private static GatewayRequest request() {
        return request(Headers.builder(), "");
    }

    private static GatewayRequest request(Headers.Builder headers, String rawQuery) {
        return new GatewayRequest("GET", "/orders", rawQuery, headers.set("x-api-key", "dev-secret-key").build(),
                null, "192.0.2.1", "https", "dev", Map.of());
    }
}
