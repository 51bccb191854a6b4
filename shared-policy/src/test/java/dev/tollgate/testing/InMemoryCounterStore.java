package dev.tollgate.testing;

import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.problem.CounterStoreException;
import dev.tollgate.problem.CounterStoreRejectedException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A counter store in memory, atomic per counter and per bucket (compare-and-set); it can be told to
 * fail. Like DynamoDB, it refuses keys over 2,048 UTF-8 bytes as invalid.
 */
public final class InMemoryCounterStore implements CounterStore {

    /** DynamoDB's limit on a partition key. */
    private static final int MAX_KEY_BYTES = 2048;

    private final ConcurrentHashMap<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> buckets = new ConcurrentHashMap<>();
    private final AtomicBoolean failing = new AtomicBoolean();

    @Override
    public Lease tryLease(String counter, long units, long limit, Instant expiresAt) {
        long asked = Lease.firstAsk(units, limit);
        failIfTold(counter);
        AtomicLong count = counters.computeIfAbsent(counter, c -> new AtomicLong());
        while (true) {
            long current = count.get();
            long granted = Math.min(asked, limit - current);
            if (granted <= 0) {
                return new Lease(0, current);
            }
            if (count.compareAndSet(current, current + granted)) {
                return new Lease(granted, current + granted);
            }
        }
    }

    @Override
    public void giveBack(String counter, long units) {
        failIfTold(counter);
        AtomicLong count = counters.get(counter);
        if (count != null) {
            count.getAndUpdate(n -> Math.max(0, n - units));
        }
    }

    @Override
    public long used(String counter) {
        failIfTold(counter);
        AtomicLong count = counters.get(counter);
        return count == null ? 0 : count.get();
    }

    @Override
    public TokenLease tryLeaseTokens(String bucket, long tokens, long nowMicros, long intervalMicros, long toleranceMicros,
            Instant expiresAt) {
        long asked = TokenLease.firstAsk(tokens, intervalMicros, toleranceMicros);
        failIfTold(bucket);
        AtomicLong tat = buckets.computeIfAbsent(bucket, b -> new AtomicLong(Long.MIN_VALUE));
        while (true) {
            long current = tat.get();
            long granted = Math.min(asked, TokenLease.fitting(current, nowMicros, intervalMicros, toleranceMicros));
            if (granted == 0) {
                return new TokenLease(0, current);
            }
            long after = Math.max(current, nowMicros) + granted * intervalMicros;
            if (tat.compareAndSet(current, after)) {
                return new TokenLease(granted, after);
            }
        }
    }

    @Override
    public long theoreticalArrival(String bucket) {
        failIfTold(bucket);
        AtomicLong tat = buckets.get(bucket);
        return tat == null || tat.get() == Long.MIN_VALUE ? 0 : tat.get();
    }

    public void failing(boolean fail) {
        failing.set(fail);
    }

    private void failIfTold(String key) {
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new CounterStoreRejectedException("The quota counter could not be updated.",
                    new IllegalArgumentException("a key of more than " + MAX_KEY_BYTES + " bytes"));
        }
        if (failing.get()) {
            throw new CounterStoreException("The quota counter could not be updated.", new IllegalStateException("told to fail"));
        }
    }
}
