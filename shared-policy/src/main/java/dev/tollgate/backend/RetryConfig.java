package dev.tollgate.backend;

import dev.tollgate.config.ConfigChecks;
import dev.tollgate.config.Durations;
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
    public static final Duration MIN_BACKOFF = Duration.ofMillis(1);
    public static final Duration MAX_MAX_BACKOFF = Duration.ofSeconds(10);
    /** Retrying is a route's choice: by default a failure is answered at once. */
    public static final RetryConfig NONE = new RetryConfig(0, Set.of(), DEFAULT_BACKOFF, DEFAULT_MAX_BACKOFF);
    /** RFC 9110 9.2.2: a repeat of these has the effect of one. */
    public static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");

    public RetryConfig {
        statuses = Set.copyOf(statuses);
        ConfigChecks.require(retries >= 0 && retries <= MAX_RETRIES, "retries", retries,
                "a whole number from 0 to " + MAX_RETRIES);
        ConfigChecks.require(statuses.stream().allMatch(RetryConfig::retriable), "statuses", statuses,
                "408, 429 or a 5xx status");
        ConfigChecks.require(backoff.compareTo(MIN_BACKOFF) >= 0 && backoff.compareTo(MAX_MAX_BACKOFF) <= 0, "backoff",
                Durations.show(backoff), "a duration from 1ms to " + Durations.show(MAX_MAX_BACKOFF));
        ConfigChecks.require(maxBackoff.compareTo(backoff) >= 0 && maxBackoff.compareTo(MAX_MAX_BACKOFF) <= 0, "maxBackoff",
                Durations.show(maxBackoff), "at least backoff, " + Durations.show(backoff) + ", and at most "
                        + Durations.show(MAX_MAX_BACKOFF));
    }

    /** The statuses a retry may answer: 408, 429 and any 5xx. */
    static boolean retriable(int status) {
        return status == 408 || status == 429 || status >= 500 && status <= 599;
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
