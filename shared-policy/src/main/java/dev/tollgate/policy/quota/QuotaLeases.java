package dev.tollgate.policy.quota;

import dev.tollgate.policy.quota.CounterStore.Acquisition;
import dev.tollgate.policy.quota.CounterStore.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One warm instance's leases of quota units: a request takes a unit from the lease its instance
 * holds for the counter, and only when that is empty does the instance lease again from the
 * {@link CounterStore}, with one conditional write that can never pass the limit. So a quota is
 * never exceeded, however many instances lease at once, and a large quota costs a write per lease
 * instead of one per request.
 *
 * <p>Lease size: the first lease of a counter in an instance is 1 unit, which tells the count;
 * after that, {@code remaining / }{@value #LEASE_DIVISOR}, at least 1 and at most {@value #MAX_LEASE},
 * where {@code remaining} is the units no instance had leased when this one last leased. With
 * up to {@value #EXPECTED_INSTANCES} instances each holding a lease, they hold at most half of
 * what remained; below {@value #LEASE_DIVISOR} remaining units every lease is 1, which is
 * counting each request.
 *
 * <p>Stranded units: an instance holds at most its last lease unused, at most {@value #MAX_LEASE}
 * units and at most 1/{@value #LEASE_DIVISOR} of what remained when it leased. They are never
 * given back to the store: they die with their window, since a counter is one window
 * ({@link QuotaWindow#counter}) and a request of the next window finds another counter and another
 * lease. So a quota may admit fewer than its limit, by at most the units stranded in instances that
 * stopped asking; instances that keep asking use up every unit.
 *
 * <p>An instance that found every unit leased asks the store no more in that window, so its
 * refusals cost no write: leases never give units back to the store, and only a {@code lease: false}
 * quota of the same consumer and period (another plan's) could, which errs on the strict side. A
 * unit given back (a later quota of the plan refused the request) goes back into the lease, with
 * no write. Safe for concurrent requests: each counter's lease is taken under its own lock, and one
 * request of an instance leases while the others of that counter wait for its units.
 */
public final class QuotaLeases {

    static final long EXPECTED_INSTANCES = 32;
    static final long LEASE_DIVISOR = 2 * EXPECTED_INSTANCES;
    static final long MAX_LEASE = 100;
    /** How often ended windows' leases are dropped; each is dead once its window ends. */
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    private final CounterStore counters;
    private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();
    private volatile Instant nextSweep = Instant.MIN;

    public QuotaLeases(CounterStore counters) {
        this.counters = counters;
    }

    /**
     * Admits one use of {@code counter} from this instance's lease, leasing again when it is empty.
     *
     * @return whether the use was admitted, and as {@code used} the units admitted or leased by any
     *     instance as far as this one knows: the count at its last lease less what its lease still holds
     */
    public Acquisition tryAcquire(String counter, QuotaWindow window, Instant now) {
        Held lease = held.get(counter);
        if (lease == null) {
            sweep(now);
            lease = held.computeIfAbsent(counter, c -> new Held(window.end()));
        }
        return lease.take(counter, window.quota().limit(), window.expiresAt());
    }

    /** Puts back one use taken by {@link #tryAcquire}, for the next request of this instance. */
    public void release(String counter) {
        Held lease = held.get(counter);
        if (lease != null) {
            lease.putBack();
        }
    }

    /** The lease size after a lease that left {@code remaining} units unleased in the store. */
    static long nextSize(long remaining) {
        return Math.max(1, Math.min(MAX_LEASE, remaining / LEASE_DIVISOR));
    }

    /** Units of {@code counter} this instance holds unused: what it strands if it stops now. */
    public long unused(String counter) {
        Held lease = held.get(counter);
        return lease == null ? 0 : lease.left();
    }

    private void sweep(Instant now) {
        if (now.isBefore(nextSweep)) {
            return;
        }
        nextSweep = now.plus(SWEEP_EVERY);
        held.values().removeIf(lease -> !lease.end.isAfter(now));
    }

    private final class Held {

        private final Instant end;
        private long left;
        /** The store's count after this instance's last lease; -1 before the first. */
        private long leased = -1;

        Held(Instant end) {
            this.end = end;
        }

        synchronized Acquisition take(String counter, long limit, Instant expiresAt) {
            if (left == 0) {
                if (leased >= limit) {
                    return new Acquisition(false, leased);
                }
                long size = leased < 0 ? 1 : nextSize(limit - leased);
                Lease lease = counters.tryLease(counter, size, limit, expiresAt);
                leased = lease.used();
                left = lease.granted();
                if (left == 0) {
                    return new Acquisition(false, leased);
                }
            }
            left--;
            return new Acquisition(true, leased - left);
        }

        synchronized void putBack() {
            left++;
        }

        synchronized long left() {
            return left;
        }
    }
}
