package dev.tollgate.policy.ratelimit;

import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.quota.CounterStore.Admission;
import dev.tollgate.policy.quota.CounterStore.TokenLease;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One warm instance's leases of rate limit tokens: a request takes a token from the lease its
 * instance holds for the bucket, and only when that has none left for it does the instance lease
 * again from the {@link CounterStore}, k tokens with one conditional write
 * ({@link CounterStore#tryLeaseTokens}) that moves the bucket's GCRA theoretical arrival time (TAT)
 * on by k intervals, as k requests at once would, and is refused when they would not all conform.
 *
 * <p>Why no interval ever admits more than {@code burst + rate × elapsed}: the store hands out
 * emission slots, one interval apart, never the same one twice, each conforming when leased
 * ({@code slot <= leased at + tolerance}). A token is spent only at a time {@code now} with
 * {@code now <= slot <= now + tolerance}: a lease's slots that time has passed are skipped, never
 * spent late. So the requests admitted within {@code [a, b]}, over every instance, hold distinct
 * slots within {@code [a, b + tolerance]}, one interval apart: at most
 * {@code (b - a + tolerance) / interval + 1 = burst + (b - a) / interval}. Spending a token later
 * than its slot would break this: a bucket refilled meanwhile would admit its burst beside it.
 * Since a lease's slots run from {@code max(tat, now)} on, a lease taken from a full bucket holds
 * slots in the near future that pass one per interval; one taken under load holds slots that are
 * due at once.
 *
 * <p>Lease size: the first lease of a bucket in an instance is 1 token, which tells the TAT; after
 * that, {@code fitting / }{@value #LEASE_DIVISOR}, at least 1 and at most {@value #MAX_LEASE},
 * where {@code fitting} is the tokens the store would grant now as far as this instance knows
 * (from the TAT it last saw). Near empty, and on a burst under {@value #LEASE_DIVISOR} × 2, every
 * lease is 1 token, which is one write per request as without leases. With up to
 * {@value #EXPECTED_INSTANCES} instances each holding a lease, they hold at most half of what the
 * bucket held.
 *
 * <p>Idle tokens: an instance holds at most its last lease unused, at most {@value #MAX_LEASE}
 * tokens and 1/{@value #LEASE_DIVISOR} of what fitted when it leased; they pass with their slots,
 * within {@code burst} intervals, so a burst arriving at another instance meanwhile may find that
 * many fewer tokens. A request this instance refused (the TAT it saw lies beyond the tolerance, and
 * a TAT never goes back) is refused without a write until a token is due again. Safe for
 * concurrent requests: each bucket's lease is taken under its own lock.
 */
public final class RateLeases {

    static final long EXPECTED_INSTANCES = 4;
    static final long LEASE_DIVISOR = 2 * EXPECTED_INSTANCES;
    static final long MAX_LEASE = 100;
    /** How often buckets with nothing left to remember are dropped. */
    private static final long SWEEP_EVERY_MICROS = Duration.ofMinutes(1).toNanos() / 1000;
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final CounterStore counters;
    private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();
    private volatile long nextSweep = Long.MIN_VALUE;

    public RateLeases(CounterStore counters) {
        this.counters = counters;
    }

    /**
     * Admits one request against {@code bucket} from this instance's lease, leasing again when it
     * has no slot left for {@code nowMicros}.
     *
     * @return whether the request was admitted, and as the TAT the bucket's as far as this instance
     *     knows: the TAT it last saw less the slots its own lease still holds (so a status computed
     *     from it counts those as remaining), or the TAT that refused the request
     */
    public Admission tryAdmit(String bucket, RateLimitConfig limit, long nowMicros, Instant expiresAt) {
        Held lease = held.get(bucket);
        if (lease == null) {
            sweep(nowMicros);
            lease = held.computeIfAbsent(bucket, b -> new Held());
        }
        return lease.take(bucket, limit.intervalMicros(), limit.toleranceMicros(), nowMicros, expiresAt);
    }

    /** The lease size when {@code fitting} tokens would fit in the store now. */
    static long nextSize(long fitting) {
        return Math.max(1, Math.min(MAX_LEASE, fitting / LEASE_DIVISOR));
    }

    /** Tokens of {@code bucket} this instance holds that a request at {@code nowMicros} could still spend. */
    public long unused(String bucket, long nowMicros) {
        Held lease = held.get(bucket);
        return lease == null ? 0 : lease.spendable(nowMicros);
    }

    private void sweep(long nowMicros) {
        if (nowMicros < nextSweep) {
            return;
        }
        nextSweep = nowMicros + SWEEP_EVERY_MICROS;
        held.values().removeIf(lease -> lease.forgettable(nowMicros));
    }

    private final class Held {

        /** The interval of the slots held: a lease is only spent at the interval it was taken with. */
        private long interval = 1;
        /** The next slot not yet spent, and the end of the lease (the TAT it left): slots lie between, one interval apart. */
        private long next;
        private long end;
        /** The store's TAT as this instance last saw it; {@link #UNKNOWN} before the first lease. */
        private long known = UNKNOWN;

        synchronized Admission take(String bucket, long intervalMicros, long toleranceMicros, long now, Instant expiresAt) {
            if (intervalMicros != interval) {
                interval = intervalMicros;
                next = end; // slots of another interval: not spent at this one
            }
            long slot = firstSlotFrom(now);
            if (slot < end && slot <= now + toleranceMicros) {
                next = slot + interval;
                return new Admission(true, known - (end - next));
            }
            if (known != UNKNOWN && known > now + toleranceMicros) {
                return new Admission(false, known);
            }
            long size = known == UNKNOWN ? 1 : nextSize(TokenLease.fitting(known, now, interval, toleranceMicros));
            TokenLease lease = counters.tryLeaseTokens(bucket, size, now, interval, toleranceMicros, expiresAt);
            known = Math.max(known, lease.tatMicros());
            if (lease.granted() == 0) {
                return new Admission(false, lease.tatMicros());
            }
            end = lease.tatMicros();
            next = lease.firstSlot(interval) + interval; // the first slot, at or after now, is this request's
            return new Admission(true, known - (end - next));
        }

        /** The first slot not yet spent that a request at {@code now} may take: none before now. */
        private long firstSlotFrom(long now) {
            return next >= now ? next : next + (now - next + interval - 1) / interval * interval;
        }

        synchronized long spendable(long now) {
            return Math.max(0, end - firstSlotFrom(now)) / interval;
        }

        /** Nothing to remember: no slot left to spend, and the bucket full again as far as this instance knows. */
        synchronized boolean forgettable(long now) {
            return end <= now && known <= now;
        }
    }
}
