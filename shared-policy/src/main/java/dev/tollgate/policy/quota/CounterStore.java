package dev.tollgate.policy.quota;

import java.time.Instant;

/**
 * Where quota counters live. Implementations must count atomically across every instance of the
 * function (a conditional write, never read-then-write), so that a limit is never exceeded, and
 * turn their own failures into {@link dev.tollgate.problem.CounterStoreException}.
 */
public interface CounterStore {

    /**
     * Counts one more use of {@code counter}, unless {@code limit} uses are counted already.
     *
     * @param counter   the counter's key: one consumer's window
     * @param limit     the most uses the counter may reach
     * @param expiresAt when the store may forget the counter
     * @return whether the use was counted, and the count after it (or the count that refused it)
     */
    Acquisition tryAcquire(String counter, long limit, Instant expiresAt);

    /** The uses counted so far, 0 for a counter never written. */
    long used(String counter);

    /**
     * @param granted whether the use was counted
     * @param used    the count after this use when granted; the count found when refused
     */
    record Acquisition(boolean granted, long used) {
    }
}
