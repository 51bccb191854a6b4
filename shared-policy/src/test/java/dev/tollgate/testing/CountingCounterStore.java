package dev.tollgate.testing;

import dev.tollgate.policy.quota.CounterStore;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A counter store that counts the writes it passes on to another: what leases save is a count, not a timing. */
public final class CountingCounterStore implements CounterStore {

    private final CounterStore store;
    private final AtomicLong writes = new AtomicLong();

    public CountingCounterStore(CounterStore store) {
        this.store = store;
    }

    /** Calls that write: leases of units or tokens (a single use or request is a lease of one) and give-backs. */
    public long writes() {
        return writes.get();
    }

    @Override
    public Lease tryLease(String counter, long units, long limit, Instant expiresAt) {
        writes.incrementAndGet();
        return store.tryLease(counter, units, limit, expiresAt);
    }

    @Override
    public void giveBack(String counter, long units) {
        writes.incrementAndGet();
        store.giveBack(counter, units);
    }

    @Override
    public long used(String counter) {
        return store.used(counter);
    }

    @Override
    public TokenLease tryLeaseTokens(String bucket, long tokens, long nowMicros, long intervalMicros, long toleranceMicros,
            Instant expiresAt) {
        writes.incrementAndGet();
        return store.tryLeaseTokens(bucket, tokens, nowMicros, intervalMicros, toleranceMicros, expiresAt);
    }

    @Override
    public long theoreticalArrival(String bucket) {
        return store.theoreticalArrival(bucket);
    }
}
