package dev.tollgate.backend.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.problem.CircuitOpenException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final Duration PROBE_DEADLINE = Duration.ofSeconds(35);

    private final List<CircuitBreaker.Transition> transitions = new ArrayList<>();
    private final CircuitBreaker breaker = new CircuitBreaker("http://orders:8080",
            new CircuitBreakerConfig(3, Duration.ofSeconds(30), 1), PROBE_DEADLINE, transitions::add);

    @Test
    void consecutiveFailures_openIt_andASuccessInBetween_resetsTheCount() {
        fail(T0);
        fail(T0);
        breaker.acquire(T0);
        breaker.record(true, T0);
        fail(T0);
        fail(T0);
        assertThat(breaker.state()).isEqualTo(new CircuitBreaker.Closed(2));

        fail(T0);

        assertThat(breaker.state()).isEqualTo(new CircuitBreaker.Open(T0.plusSeconds(30)));
        assertThat(transitions).hasSize(1);
    }

    @Test
    void whileOpen_triesAreRefused_withTheSecondsLeft() {
        openIt();

        assertThatThrownBy(() -> breaker.acquire(T0.plusSeconds(10)))
                .isInstanceOfSatisfying(CircuitOpenException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.headers().first("retry-after")).contains("20");
                });
    }

    @Test
    void afterOpenFor_oneProbeGoesThrough_andItsSuccessCloses() {
        openIt();
        Instant later = T0.plusSeconds(31);

        breaker.acquire(later);
        assertThat(breaker.state()).isEqualTo(new CircuitBreaker.HalfOpen(1, later));
        assertThatThrownBy(() -> breaker.acquire(later)).isInstanceOf(CircuitOpenException.class);
        breaker.record(true, later);

        assertThat(breaker.state()).isEqualTo(new CircuitBreaker.Closed(0));
        assertThat(transitions).extracting(t -> t.to().getClass().getSimpleName())
                .containsExactly("Open", "HalfOpen", "Closed");
    }

    @Test
    void aProbeThatNeverReports_givesItsSlotBack_afterTheProbeDeadline() {
        openIt();
        Instant later = T0.plusSeconds(31);
        breaker.acquire(later); // this probe is lost: it never reports

        assertThatThrownBy(() -> breaker.acquire(later.plus(PROBE_DEADLINE).minusMillis(1)))
                .isInstanceOf(CircuitOpenException.class);
        breaker.acquire(later.plus(PROBE_DEADLINE));
        breaker.record(true, later.plus(PROBE_DEADLINE));

        assertThat(breaker.state()).isEqualTo(new CircuitBreaker.Closed(0));
    }

    @Test
    void aFailedProbe_opensItAgain() {
        openIt();
        Instant later = T0.plusSeconds(31);

        breaker.acquire(later);
        breaker.record(false, later);

        assertThat(breaker.state()).isEqualTo(new CircuitBreaker.Open(later.plusSeconds(30)));
    }

    @Test
    void theCallThatChangesTheState_getsTheChange_theOthersNone() {
        fail(T0);
        fail(T0);
        breaker.acquire(T0);

        assertThat(breaker.record(false, T0)).hasValueSatisfying(change -> {
            assertThat(change.from().label()).isEqualTo("closed");
            assertThat(change.to().label()).isEqualTo("open");
        });
        assertThat(breaker.record(false, T0)).as("already open").isEmpty();
        assertThat(breaker.acquire(T0.plusSeconds(31))).map(change -> change.to().label()).contains("half-open");
        assertThat(breaker.record(true, T0.plusSeconds(31))).map(change -> change.to().label()).contains("closed");
        assertThat(breaker.acquire(T0.plusSeconds(32))).isEmpty();
        assertThat(breaker.record(false, T0.plusSeconds(32))).as("one failure leaves it closed").isEmpty();
        assertThat(transitions).hasSize(3);
    }

    private void openIt() {
        fail(T0);
        fail(T0);
        fail(T0);
    }

    private void fail(Instant at) {
        breaker.acquire(at);
        breaker.record(false, at);
    }
}
