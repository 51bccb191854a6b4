package dev.tollgate.policy.ratelimit;

import dev.tollgate.config.ConfigChecks;
import java.util.Locale;

/**
 * A rate limit: {@code requests} per {@code per} on average, with bursts of up to {@code burst}
 * requests at once. A token bucket that holds {@code burst} tokens and gains one every
 * {@link #intervalMicros()}; counted with GCRA, which needs only one number per bucket.
 *
 * @param requests requests per {@code per}, 1 to {@value #MAX_REQUESTS}
 * @param per      the unit of time the rate is given in
 * @param burst    the most requests allowed at once, from {@code requests} to {@value #MAX_BURST}
 * @param lease    whether each instance leases tokens in batches ({@link RateLeases}) rather than
 *                 take each request's token in the store
 */
public record RateLimitConfig(long requests, Per per, long burst, boolean lease) {

    public static final long MIN_REQUESTS = 1;
    public static final long MAX_REQUESTS = 100_000;
    public static final long MAX_BURST = 1_000_000;
    /**
     * Leasing by default: it never admits more than {@code burst + rate × elapsed}, it is taking
     * each request's token in the store near an empty bucket and on a burst under
     * {@value RateLeases#LEASE_DIVISOR} × 2, and it saves writes while the bucket holds plenty.
     */
    public static final boolean DEFAULT_LEASE = true;

    public RateLimitConfig(long requests, Per per, long burst) {
        this(requests, per, burst, DEFAULT_LEASE);
    }

    public RateLimitConfig {
        ConfigChecks.require(requests >= MIN_REQUESTS && requests <= MAX_REQUESTS, "requests", requests,
                "a whole number from " + MIN_REQUESTS + " to " + MAX_REQUESTS);
        ConfigChecks.require(per != null, "per", per, "one of second, minute");
        ConfigChecks.require(burst >= requests && burst <= MAX_BURST, "burst", burst,
                "at least requests, " + requests + ", and at most " + MAX_BURST);
    }

    /** The unit of time a rate is given in. */
    public enum Per {
        SECOND(1_000_000L), MINUTE(60_000_000L);

        private final long micros;

        Per(long micros) {
            this.micros = micros;
        }

        public long micros() {
            return micros;
        }

        /** The name as written in configuration. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * GCRA's emission interval: microseconds per token. Rounded up, so that rounding can only make
     * the limit slightly stricter (at most 1 µs per token), never let one request more through.
     */
    public long intervalMicros() {
        return (per.micros() + requests - 1) / requests;
    }

    /**
     * GCRA's burst tolerance: how far ahead of now the bucket's theoretical arrival time may be
     * before a request is refused; {@code burst - 1} intervals, so that {@code burst} requests
     * pass at once into an empty bucket.
     */
    public long toleranceMicros() {
        return (burst - 1) * intervalMicros();
    }

    /** {@code 10 requests per second with bursts of 20}, for messages. */
    public String describe() {
        return requests + " requests per " + per.configName() + " with bursts of " + burst;
    }
}
