package dev.tollgate.backend;

import java.time.Duration;
import java.util.Set;

/**
 * When a route retries a request, and how long it waits between tries. Only idempotent methods
 * are ever retried, and only after a connection failure, a timeout or one of {@code statuses}.
 * Waits grow exponentially from {@code backoff} up to {@code maxBackoff}, with full jitter.
 *
 * @param retries    tries after the first, 0 for none
 * @param statuses   backend statuses that are worth another try
 * @param backoff    the first wait's upper bound
 * @param maxBackoff the largest wait's upper bound
 */
public record RetryConfig(int retries, Set<Integer> statuses, Duration backoff, Duration maxBackoff) {

    public static final int MAX_RETRIES = 5;
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(50);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(1);
    /** Retrying is a route's choice: by default a failure is answered at once. */
    public static final RetryConfig NONE = new RetryConfig(0, Set.of(), DEFAULT_BACKOFF, DEFAULT_MAX_BACKOFF);
    public static final Duration MAX_MAX_BACKOFF = Duration.ofSeconds(10);
    /** RFC 9110 9.2.2: a repeat of these has the effect of one. */
    public static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");

    public RetryConfig {
        statuses = Set.copyOf(statuses);
    }

    boolean retries(String method) {
        return retries > 0 && IDEMPOTENT_METHODS.contains(method);
    }

    /** The upper bound of the wait before try {@code retry} (1 for the first retry). */
    Duration backoffBound(int retry) {
        long millis = backoff.toMillis() << Math.min(retry - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
