package dev.tollgate.backend.breaker;

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
}
