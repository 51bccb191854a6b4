package dev.tollgate.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.testing.ConfigReading;
import dev.tollgate.testing.ConfigReading.Read;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryConfigReaderTest {

    private static Read<RetryConfig> read(String yaml) {
        return ConfigReading.read(yaml, (in, root) -> RetryConfigReader.read(in, root.path("retry"), "retry"));
    }

    @Test
    void theSettings_areRead() {
        assertThat(read("retry: {retries: 2, statuses: [503, 429], backoff: 20ms, maxBackoff: 2s}\n").value())
                .isEqualTo(new RetryConfig(2, Set.of(429, 503), Duration.ofMillis(20), Duration.ofSeconds(2)));
    }

    @Test
    void noSection_isNoRetry() {
        assertThat(read("other: 1\n").value()).isEqualTo(RetryConfig.NONE);
    }

    @Test
    void eachField_isCheckedWithItsRange() {
        assertThat(read("retry:\n  retries: 6\n  statuses: [404, 503, 600]\n  backoff: 0ms\n  maxBackoff: 11s\n  on: x\n")
                .problems()).containsExactly(
                "t.yaml:6: retry.on: unknown field (expected one of: backoff, maxBackoff, retries, statuses)",
                "t.yaml:2: retry.retries: 6 (expected: a whole number from 0 to 5)",
                "t.yaml:3: retry.statuses[0]: 404 (expected: 408, 429 or a 5xx status)",
                "t.yaml:3: retry.statuses[2]: 600 (expected: 408, 429 or a 5xx status)",
                "t.yaml:4: retry.backoff: 0ms (expected: a duration from 1ms to 10s, such as 50ms)",
                "t.yaml:5: retry.maxBackoff: 11s (expected: a duration from 1ms to 10s, such as 50ms)");
    }

    @Test
    void aMaxBackoffBelowTheBackoff_isRefused() {
        assertThat(read("retry: {retries: 1, backoff: 500ms, maxBackoff: 100ms}\n").problems()).containsExactly(
                "t.yaml:1: retry.maxBackoff: 100ms (expected: at least backoff, 500ms)");
        assertThat(read("retry: {retries: 1, backoff: 2s}\n").problems()).containsExactly(
                "t.yaml:1: retry.maxBackoff: 1000ms (expected: at least backoff, 2000ms)");
    }

    @Test
    void statusesThatAreNoList_areRefused() {
        assertThat(read("retry: {retries: 1, statuses: 503}\n").problems()).containsExactly(
                "t.yaml:1: retry.statuses: 503 (expected: a list of statuses such as [502, 503])");
    }

    @Test
    void theRecord_refusesFromCodeWhatTheReaderRefuses() {
        assertThatThrownBy(() -> new RetryConfig(6, Set.of(), RetryConfig.DEFAULT_BACKOFF, RetryConfig.DEFAULT_MAX_BACKOFF))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retries: 6 (expected: a whole number from 0 to 5)");
        assertThatThrownBy(() -> new RetryConfig(1, Set.of(404), RetryConfig.DEFAULT_BACKOFF, RetryConfig.DEFAULT_MAX_BACKOFF))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("statuses: [404] (expected: 408, 429 or a 5xx status)");
        assertThatThrownBy(() -> new RetryConfig(1, Set.of(), Duration.ZERO, RetryConfig.DEFAULT_MAX_BACKOFF))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backoff: 0s (expected: a duration from 1ms to 10s)");
        assertThatThrownBy(() -> new RetryConfig(1, Set.of(), Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBackoff: 1s (expected: at least backoff, 2s, and at most 10s)");
    }
}
