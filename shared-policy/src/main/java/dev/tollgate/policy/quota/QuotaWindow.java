package dev.tollgate.policy.quota;

import java.time.Duration;
import java.time.Instant;

/**
 * The window of a quota that holds a moment: one counter per stage, consumer and window.
 *
 * @param quota the quota
 * @param start when the window opened
 * @param end   when it closes and the quota resets
 */
public record QuotaWindow(QuotaConfig quota, Instant start, Instant end) {

    /** Counters outlive their window by a day, so a late reader still finds them; then TTL removes them. */
    private static final Duration RETENTION = Duration.ofDays(1);

    public static QuotaWindow at(QuotaConfig quota, Instant now) {
        return new QuotaWindow(quota, quota.period().windowStart(now), quota.period().windowEnd(now));
    }

    /**
     * {@code quota#STAGE#CONSUMER#PERIOD#WINDOW_START}, the window's start in epoch seconds; a
     * consumer (or stage) too long to read is hashed ({@link CounterKeys}).
     */
    public String counter(String stage, String consumer) {
        return "quota#" + CounterKeys.part(stage) + "#" + CounterKeys.part(consumer) + "#" + quota.period().configName()
                + "#" + start.getEpochSecond();
    }

    public Instant expiresAt() {
        return end.plus(RETENTION);
    }

    /** Whole seconds until the reset, rounded up, so a client that waits that long is never early. */
    public long secondsUntilReset(Instant now) {
        long millis = Duration.between(now, end).toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }
}
