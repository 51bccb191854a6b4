package dev.tollgate.testing;

import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.problem.CounterStoreException;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** A counter store in memory, atomic per counter; it can be told to fail. */
public final class InMemoryCounterStore implements CounterStore {

    private final ConcurrentHashMap<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final AtomicBoolean failing = new AtomicBoolean();

    @Override
    public Acquisition tryAcquire(String counter, long limit, Instant expiresAt) {
        failIfTold();
        AtomicLong count = counters.computeIfAbsent(counter, c -> new AtomicLong());
        while (true) {
            long current = count.get();
            if (current >= limit) {
                return new Acquisition(false, current);
            }
            if (count.compareAndSet(current, current + 1)) {
                return new Acquisition(true, current + 1);
            }
        }
    }

    @Override
    public long used(String counter) {
        failIfTold();
        AtomicLong count = counters.get(counter);
        return count == null ? 0 : count.get();
    }

    public void failing(boolean fail) {
        failing.set(fail);
    }

    private void failIfTold() {
        if (failing.get()) {
            throw new CounterStoreException("The quota counter could not be updated.", new IllegalStateException("told to fail"));
        }
    }
}
