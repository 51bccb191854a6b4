package dev.tollgate.backend.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.testing.ConfigReading;
import dev.tollgate.testing.ConfigReading.Read;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CircuitBreakerConfigReaderTest {

    private static Read<Optional<CircuitBreakerConfig>> read(String yaml) {
        return ConfigReading.read(yaml,
                (in, root) -> CircuitBreakerConfigReader.read(in, root.path("circuitBreaker"), "circuitBreaker"));
    }

    @Test
    void theSettings_areRead_andDefaultsFillTheRest() {
        assertThat(read("circuitBreaker: {failureThreshold: 3, openFor: 2m}\n").value())
                .contains(new CircuitBreakerConfig(3, Duration.ofMinutes(2), CircuitBreakerConfig.DEFAULT_HALF_OPEN_PROBES));
        assertThat(read("circuitBreaker: {}\n").value()).contains(new CircuitBreakerConfig(
                CircuitBreakerConfig.DEFAULT_FAILURE_THRESHOLD, CircuitBreakerConfig.DEFAULT_OPEN_FOR,
                CircuitBreakerConfig.DEFAULT_HALF_OPEN_PROBES));
    }

    @Test
    void noSection_isNoBreaker() {
        assertThat(read("other: 1\n").value()).isEmpty();
    }

    @Test
    void eachField_isCheckedWithItsRange() {
        assertThat(read("circuitBreaker:\n  failureThreshold: 0\n  openFor: 11m\n  halfOpenProbes: 101\n  window: 1s\n")
                .problems()).containsExactly(
                "t.yaml:5: circuitBreaker.window: unknown field (expected one of: failureThreshold, halfOpenProbes, openFor)",
                "t.yaml:2: circuitBreaker.failureThreshold: 0 (expected: a whole number from 1 to 1000)",
                "t.yaml:4: circuitBreaker.halfOpenProbes: 101 (expected: a whole number from 1 to 100)",
                "t.yaml:3: circuitBreaker.openFor: 11m (expected: a duration from 1s to 10m, such as 30s)");
        assertThat(read("circuitBreaker: on\n").problems()).containsExactly(
                "t.yaml:1: circuitBreaker: true (expected: a map with failureThreshold, openFor, halfOpenProbes)");
    }

    @Test
    void theRecord_refusesFromCodeWhatTheReaderRefuses() {
        assertThatThrownBy(() -> new CircuitBreakerConfig(0, Duration.ofSeconds(30), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("failureThreshold: 0 (expected: a whole number from 1 to 1000)");
        assertThatThrownBy(() -> new CircuitBreakerConfig(5, Duration.ofMillis(500), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("openFor: 500ms (expected: a duration from 1s to 10m)");
        assertThatThrownBy(() -> new CircuitBreakerConfig(5, Duration.ofSeconds(30), 101))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("halfOpenProbes: 101 (expected: a whole number from 1 to 100)");
    }
}
