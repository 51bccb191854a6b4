package dev.tollgate.backend.breaker;

import dev.tollgate.config.ConfigChecks;
import dev.tollgate.config.Durations;
import java.time.Duration;

/**
 * When a backend endpoint's circuit opens and how it recovers.
 *
 * @param failureThreshold consecutive failed tries (connection failure, timeout or 5xx) that open it
 * @param openFor          how long it stays open before probes are let through
 * @param halfOpenProbes   how many probes may be under way at once while half open
 */
public record CircuitBreakerConfig(int failureThreshold, Duration openFor, int halfOpenProbes) {

    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    public static final Duration DEFAULT_OPEN_FOR = Duration.ofSeconds(30);
    public static final int DEFAULT_HALF_OPEN_PROBES = 1;
    public static final int MIN_FAILURE_THRESHOLD = 1;
    public static final int MAX_FAILURE_THRESHOLD = 1000;
    public static final int MIN_HALF_OPEN_PROBES = 1;
    public static final int MAX_HALF_OPEN_PROBES = 100;
    public static final Duration MIN_OPEN_FOR = Duration.ofSeconds(1);
    public static final Duration MAX_OPEN_FOR = Duration.ofMinutes(10);

    public CircuitBreakerConfig {
        ConfigChecks.require(failureThreshold >= MIN_FAILURE_THRESHOLD && failureThreshold <= MAX_FAILURE_THRESHOLD,
                "failureThreshold", failureThreshold,
                "a whole number from " + MIN_FAILURE_THRESHOLD + " to " + MAX_FAILURE_THRESHOLD);
        ConfigChecks.require(openFor.compareTo(MIN_OPEN_FOR) >= 0 && openFor.compareTo(MAX_OPEN_FOR) <= 0, "openFor",
                Durations.show(openFor), "a duration from " + Durations.show(MIN_OPEN_FOR) + " to " + Durations.show(MAX_OPEN_FOR));
        ConfigChecks.require(halfOpenProbes >= MIN_HALF_OPEN_PROBES && halfOpenProbes <= MAX_HALF_OPEN_PROBES,
                "halfOpenProbes", halfOpenProbes,
                "a whole number from " + MIN_HALF_OPEN_PROBES + " to " + MAX_HALF_OPEN_PROBES);
    }
}
