package dev.tollgate.policy.quota;

import java.time.Instant;

/**
 * Where quota counters and rate limit buckets live. Implementations must change them atomically
 * across every instance of the function (a conditional write, never read-then-write), so that a
 * limit is never exceeded, and turn their own failures into
 * {@link dev.tollgate.problem.CounterStoreException}.
 */
public interface CounterStore {

    /**
     * Counts one more use of {@code counter}, unless {@code limit} uses are counted already: a
     * {@linkplain #tryLease lease} of one unit, one conditional write.
     *
     * @param counter   the counter's key: one consumer's window
     * @param limit     the most uses the counter may reach
     * @param expiresAt when the store may forget the counter
     * @return whether the use was counted, and the count after it (or the count that refused it)
     */
    default Acquisition tryAcquire(String counter, long limit, Instant expiresAt) {
        Lease lease = tryLease(counter, 1, limit, expiresAt);
        return new Acquisition(lease.granted() == 1, lease.used());
    }

    /**
     * Counts up to {@code units} uses of {@code counter} at once, never past {@code limit}: grants
     * {@code min(units, limit - used)}, 0 when the limit is reached, in one atomic step. A whole
     * grant is one conditional write ({@code used + units <= limit}); when fewer units remain than
     * asked, the refused write tells (or a read finds) the count, and a second write leases what
     * remains: each implementation says what that costs.
     *
     * @param units     how many uses to count, at least 1
     * @param limit     the most uses the counter may reach, at least 1
     * @return the units granted, and the count after them (or the count that refused them)
     */
    Lease tryLease(String counter, long units, long limit, Instant expiresAt);

    /**
     * Gives back one use that {@link #tryAcquire} counted, when a later limit refused the same
     * request, so that a refused request uses nothing of any quota. Never goes below 0.
     */
    default void release(String counter) {
        giveBack(counter, 1);
    }

    /**
     * Gives back {@code units} uses counted before (a lease's unused units), in one atomic step;
     * never below 0, and nothing for a counter that is gone.
     */
    void giveBack(String counter, long units);

    /** The uses counted so far, 0 for a counter never written. */
    long used(String counter);

    /**
     * One request against a token bucket, by GCRA (the generic cell rate algorithm): the bucket is
     * one number, its theoretical arrival time (TAT). The request is admitted when
     * {@code max(tat, now) <= now + tolerance}, and then, in the same atomic step, the TAT becomes
     * {@code max(tat, now) + interval}; otherwise nothing changes. A bucket never written counts
     * as full. A {@linkplain #tryLeaseTokens lease} of one token, one conditional write (two when
     * the bucket was idle).
     *
     * @param bucket          the bucket's key
     * @param nowMicros       the request's time, in microseconds since the epoch
     * @param intervalMicros  microseconds per token (the emission interval)
     * @param toleranceMicros how far the TAT may run ahead of now: {@code (burst - 1) * interval}
     * @param expiresAt       when the store may forget the bucket: after its TAT, when it is full anyway
     * @return whether the request was admitted, and the TAT after it (or the TAT that refused it)
     */
    default Admission tryAdmit(String bucket, long nowMicros, long intervalMicros, long toleranceMicros, Instant expiresAt) {
        TokenLease lease = tryLeaseTokens(bucket, 1, nowMicros, intervalMicros, toleranceMicros, expiresAt);
        return new Admission(lease.granted() == 1, lease.tatMicros());
    }

    /**
     * Takes up to {@code tokens} tokens of a GCRA bucket at once, as that many requests at
     * {@code now} in a row would: grants the most, up to {@code tokens}, that all conform, that is
     * {@code max(tat, now) + (granted - 1) * interval <= now + tolerance}, and moves the TAT to
     * {@code max(tat, now) + granted * interval} in the same atomic step; 0 and no change when not
     * even one conforms. The tokens granted are the emission slots from {@code max(tat, now)} on,
     * one interval apart, ending at the TAT returned ({@link TokenLease#firstSlot}). A whole grant is
     * one conditional write (two when the bucket was idle); when fewer fit than asked, the refused
     * write tells (or a read finds) the TAT, and a second write takes what fits.
     *
     * @param tokens how many tokens to take, at least 1; never more than the burst is granted
     * @return the tokens granted, and the TAT after them (or the TAT that refused them)
     */
    TokenLease tryLeaseTokens(String bucket, long tokens, long nowMicros, long intervalMicros, long toleranceMicros,
            Instant expiresAt);

    /** A bucket's theoretical arrival time in microseconds since the epoch; 0 (long past: full) when never written. */
    long theoreticalArrival(String bucket);

    /**
     * @param granted whether the use was counted
     * @param used    the count after this use when granted; the count found when refused
     */
    record Acquisition(boolean granted, long used) {
    }

    /**
     * @param admitted  whether the request conformed and took a token
     * @param tatMicros the bucket's TAT after this request when admitted; the TAT found when refused
     */
    record Admission(boolean admitted, long tatMicros) {
    }

    /**
     * @param granted the uses counted, from 0 to the units asked
     * @param used    the count after them when some were granted; the count found when none were
     */
    record Lease(long granted, long used) {

        /** What a store asks for first: {@code units}, or the whole limit when that is smaller. */
        public static long firstAsk(long units, long limit) {
            if (units < 1 || limit < 1) {
                throw new IllegalArgumentException("a lease of " + units + " units under limit " + limit
                        + " (expected: both at least 1)");
            }
            return Math.min(units, limit);
        }
    }

    /**
     * @param granted   the tokens taken, from 0 to the tokens asked
     * @param tatMicros the bucket's TAT after them when some were granted; the TAT found when none were
     */
    record TokenLease(long granted, long tatMicros) {

        /**
         * The most tokens that conform at {@code now} in a bucket whose TAT is {@code tat}: 0 when
         * the TAT lies beyond the tolerance, the burst when the bucket is full.
         */
        public static long fitting(long tat, long nowMicros, long intervalMicros, long toleranceMicros) {
            long from = Math.max(tat, nowMicros);
            return from > nowMicros + toleranceMicros ? 0 : (nowMicros + toleranceMicros - from) / intervalMicros + 1;
        }

        /** What a store asks for first: {@code tokens}, or the burst when that is smaller. */
        public static long firstAsk(long tokens, long intervalMicros, long toleranceMicros) {
            if (tokens < 1 || intervalMicros < 1 || toleranceMicros < 0) {
                throw new IllegalArgumentException("a lease of " + tokens + " tokens at interval " + intervalMicros
                        + " and tolerance " + toleranceMicros + " (expected: tokens and interval at least 1, tolerance at least 0)");
            }
            return Math.min(tokens, toleranceMicros / intervalMicros + 1);
        }

        /** The first token's emission slot: the TAT before this lease, or now if that was past. */
        public long firstSlot(long intervalMicros) {
            return tatMicros - granted * intervalMicros;
        }
    }
}
