package dev.tollgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.quota.CounterStore.Admission;
import dev.tollgate.policy.quota.CounterStore.Lease;
import dev.tollgate.policy.quota.CounterStore.TokenLease;
import dev.tollgate.policy.quota.QuotaConfig;
import dev.tollgate.policy.quota.QuotaPeriod;
import dev.tollgate.policy.quota.QuotaWindow;
import dev.tollgate.policy.ratelimit.RateLimitConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CounterStore} must do for rate limits and leasing their tokens, for leasing quota
 * units and giving them back, and for several gateway instances leasing one quota
 * ({@link LeasedInstances}) or one rate limit ({@link LeasedBuckets}) at once, run
 * against each implementation by a subclass. Times are numbers handed in, never slept for; they
 * lie in the real present, with expiries in the future, so that a store with a TTL sweep keeps the
 * items.
 */
public abstract class CounterStoreContract {

    /** 10 requests per second: a token every 100 ms. */
    protected static final long INTERVAL = 100_000;
    protected static final long BURST = 10;
    protected static final long TOLERANCE = (BURST - 1) * INTERVAL;

    private final long start = Instant.now().truncatedTo(ChronoUnit.SECONDS).getEpochSecond() * 1_000_000;
    private final Instant expires = Instant.now().plus(Duration.ofDays(1));
    private final String bucket = "rate#test#" + UUID.randomUUID();

    protected abstract CounterStore store();

    private Admission admit(long at) {
        return store().tryAdmit(bucket, at, INTERVAL, TOLERANCE, expires);
    }

    @Test
    void anEmptyBucket_admitsTheBurstAtOnce_thenRefuses_reportingTheTat() {
        for (int i = 1; i <= BURST; i++) {
            assertThat(admit(start)).isEqualTo(new Admission(true, start + i * INTERVAL));
        }

        assertThat(admit(start)).isEqualTo(new Admission(false, start + BURST * INTERVAL));
        assertThat(store().theoreticalArrival(bucket)).isEqualTo(start + BURST * INTERVAL);
    }

    @Test
    void aToken_comesBackEachInterval_andNotBefore() {
        for (int i = 0; i < BURST; i++) {
            admit(start);
        }

        assertThat(admit(start + INTERVAL - 1).admitted()).isFalse();
        assertThat(admit(start + INTERVAL)).isEqualTo(new Admission(true, start + (BURST + 1) * INTERVAL));
        assertThat(admit(start + INTERVAL).admitted()).isFalse();
    }

    @Test
    void anIdleBucket_fillsUpToTheBurst_andNoFurther() {
        admit(start);
        long later = start + 1000 * INTERVAL;

        for (int i = 1; i <= BURST; i++) {
            assertThat(admit(later)).isEqualTo(new Admission(true, later + i * INTERVAL));
        }
        assertThat(admit(later).admitted()).isFalse();
    }

    @Test
    void anUnwrittenBucket_readsAsFull() {
        assertThat(store().theoreticalArrival("rate#never#" + UUID.randomUUID())).isZero();
    }

    /**
     * Callers meet at a barrier each step, all with the same time, and the time moves on between
     * steps: GCRA then admits exactly the burst plus one per whole interval elapsed, whatever the
     * interleaving within a step.
     */
    @Test
    void concurrentCallers_getExactlyTheBurstPlusTheElapsedTokens() throws Exception {
        int callers = 8;
        int triesPerStep = 4;
        int steps = 12;
        long step = 250_000;
        AtomicLong admitted = new AtomicLong();
        long[] now = {start};
        CyclicBarrier barrier = new CyclicBarrier(callers, () -> now[0] += step);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                done.add(pool.submit(() -> {
                    for (int s = 0; s < steps; s++) {
                        long at = now[0];
                        for (int t = 0; t < triesPerStep; t++) {
                            if (admit(at).admitted()) {
                                admitted.incrementAndGet();
                            }
                        }
                        barrier.await(60, TimeUnit.SECONDS);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        long elapsed = (steps - 1) * step;
        assertThat(admitted.get()).isEqualTo(BURST + elapsed / INTERVAL);
    }

    /**
     * Callers without any order: each takes the next time from a shared clock and may reach the
     * store after callers with later times. Exactness still bounds what passes by the burst plus
     * the tokens of the time elapsed.
     */
    @Test
    void concurrentCallers_withUnorderedTimes_neverExceedBurstPlusElapsedTokens() throws Exception {
        int callers = 8;
        int tries = 40;
        long tick = 13_000;
        AtomicLong clock = new AtomicLong(start);
        AtomicLong admitted = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                done.add(pool.submit(() -> {
                    for (int t = 0; t < tries; t++) {
                        if (admit(clock.getAndAdd(tick)).admitted()) {
                            admitted.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        long elapsed = clock.get() - tick - start;
        assertThat(admitted.get()).isBetween(BURST, BURST + elapsed / INTERVAL);
    }

    private TokenLease lease(long tokens, long at) {
        return store().tryLeaseTokens(bucket, tokens, at, INTERVAL, TOLERANCE, expires);
    }

    @Test
    void aTokenLease_takesWhatItAsks_whileAllConform_thenWhatFits_thenNothing() {
        assertThat(lease(4, start)).isEqualTo(new TokenLease(4, start + 4 * INTERVAL));
        assertThat(lease(10, start)).isEqualTo(new TokenLease(BURST - 4, start + BURST * INTERVAL));
        assertThat(lease(1, start)).isEqualTo(new TokenLease(0, start + BURST * INTERVAL));
        assertThat(lease(3, start + INTERVAL)).isEqualTo(new TokenLease(1, start + (BURST + 1) * INTERVAL));
        assertThat(admit(start + INTERVAL).admitted()).isFalse();
        assertThat(store().theoreticalArrival(bucket)).isEqualTo(start + (BURST + 1) * INTERVAL);
    }

    @Test
    void aTokenLease_ofAnIdleOrNewBucket_startsAtNow_andGrantsAtMostTheBurst() {
        assertThat(lease(3, start)).isEqualTo(new TokenLease(3, start + 3 * INTERVAL));
        long later = start + 1000 * INTERVAL;

        TokenLease lease = lease(50, later);

        assertThat(lease).isEqualTo(new TokenLease(BURST, later + BURST * INTERVAL));
        assertThat(lease.firstSlot(INTERVAL)).isEqualTo(later);
        assertThat(admit(later).admitted()).isFalse();
    }

    /** Callers lease tokens of several sizes at once, all with the same time: together they get exactly the burst. */
    @Test
    void concurrentTokenLeases_grantExactlyTheBurst_neverMore() throws Exception {
        AtomicLong granted = new AtomicLong();
        long ask = 3;
        LeasedInstances.inParallel(6, 1, Long.MAX_VALUE, instance -> {
            TokenLease lease = lease(1 + instance % ask, start);
            granted.addAndGet(lease.granted());
            return lease.granted() > 0;
        });

        assertThat(granted.get()).isEqualTo(BURST);
        assertThat(store().theoreticalArrival(bucket)).isEqualTo(start + BURST * INTERVAL);
    }

    /**
     * Four gateway instances of two threads each, leasing one bucket of 100 a second in bursts of
     * 100, on a controlled clock through bursts, lulls and streams at about twice the rate: no
     * interval of the run admitted more than {@code burst + rate × elapsed}, and the run admitted
     * over 90% of what that allows.
     */
    @Test
    void fourLeasingInstances_neverAdmitMoreThanBurstPlusRateTimesElapsed_inAnyInterval() throws Exception {
        RateLimitConfig limit = new RateLimitConfig(100, RateLimitConfig.Per.SECOND, 100);
        long interval = limit.intervalMicros();

        LeasedBuckets run = LeasedBuckets.run(store(), 4, 2, limit, "rate#test#" + UUID.randomUUID(), start, 250,
                LeasedBuckets.mixed(interval, limit.burst()), 11);

        assertThat(run.overshoot(interval, limit.burst())).isLessThanOrEqualTo(0);
        assertThat((long) run.admitted().length).isLessThanOrEqualTo(run.bound(interval, limit.burst()))
                .isGreaterThan(run.bound(interval, limit.burst()) * 9 / 10);
    }

    /**
     * A steady stream at half the rate of 1,000 a second in bursts of 1,000, over four instances:
     * the store sees at most one write per five requests (a count of calls, not a timing), and
     * nearly every request is admitted. (Not quite all: the clock moves on with the other
     * instances' requests while one instance's lease is in flight to the store, so on a slow store
     * a request may reach its lease with a time long past; bench/leases measures about 1%.)
     */
    @Test
    void aSteadyStreamBelowTheRate_costsAtMostOneWritePerFiveRequests() throws Exception {
        RateLimitConfig limit = new RateLimitConfig(1_000, RateLimitConfig.Per.SECOND, 1_000);
        CountingCounterStore counting = new CountingCounterStore(store());

        LeasedBuckets run = LeasedBuckets.run(counting, 4, 2, limit, "rate#test#" + UUID.randomUUID(), start, 250,
                LeasedBuckets.steady(2 * limit.intervalMicros()), 13);

        assertThat((double) run.admitted().length / run.asks()).isGreaterThanOrEqualTo(0.95);
        assertThat((double) counting.writes() / run.asks()).isLessThanOrEqualTo(0.2);
    }

    @Test
    void aUseGivenBack_isFreeAgain_andACounterNeverGoesBelowZero() {
        String counter = "quota#test#" + UUID.randomUUID();
        store().tryAcquire(counter, 2, expires);
        store().tryAcquire(counter, 2, expires);

        store().release(counter);

        assertThat(store().used(counter)).isEqualTo(1);
        assertThat(store().tryAcquire(counter, 2, expires).granted()).isTrue();
        store().release(counter);
        store().release(counter);
        store().release(counter);
        assertThat(store().used(counter)).isZero();
        store().release("quota#never#" + UUID.randomUUID());
    }

    @Test
    void aLease_grantsWhatItAsks_whileItFits_thenWhatRemains_thenNothing() {
        String counter = "quota#test#" + UUID.randomUUID();

        assertThat(store().tryLease(counter, 5, 10, expires)).isEqualTo(new Lease(5, 5));
        assertThat(store().tryLease(counter, 4, 10, expires)).isEqualTo(new Lease(4, 9));
        assertThat(store().tryLease(counter, 3, 10, expires)).isEqualTo(new Lease(1, 10));
        assertThat(store().tryLease(counter, 1, 10, expires)).isEqualTo(new Lease(0, 10));
        assertThat(store().tryLease(counter, 7, 10, expires).granted()).isZero();
        assertThat(store().used(counter)).isEqualTo(10);
    }

    @Test
    void aLeaseLargerThanTheLimit_grantsTheLimit() {
        String counter = "quota#test#" + UUID.randomUUID();

        assertThat(store().tryLease(counter, 100, 3, expires)).isEqualTo(new Lease(3, 3));
        assertThat(store().tryAcquire(counter, 3, expires).granted()).isFalse();
    }

    @Test
    void unitsGivenBack_areFreeAgain_andACounterNeverGoesBelowZero() {
        String counter = "quota#test#" + UUID.randomUUID();
        store().tryLease(counter, 8, 10, expires);

        store().giveBack(counter, 5);

        assertThat(store().used(counter)).isEqualTo(3);
        assertThat(store().tryLease(counter, 9, 10, expires)).isEqualTo(new Lease(7, 10));
        store().giveBack(counter, 4);
        assertThat(store().used(counter)).isEqualTo(6);
        store().giveBack(counter, 50);
        assertThat(store().used(counter)).isZero();
        store().giveBack("quota#never#" + UUID.randomUUID(), 3);
    }

    @Test
    void concurrentLeases_grantExactlyTheLimit_neverMore() throws Exception {
        String counter = "quota#test#" + UUID.randomUUID();
        long limit = 97;
        int callers = 6;
        AtomicLong granted = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                long units = 1 + c * 2;
                done.add(pool.submit(() -> {
                    Lease lease;
                    do {
                        lease = store().tryLease(counter, units, limit, expires);
                        granted.addAndGet(lease.granted());
                        assertThat(lease.used()).isLessThanOrEqualTo(limit);
                    } while (lease.granted() > 0);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(granted.get()).isEqualTo(limit);
        assertThat(store().used(counter)).isEqualTo(limit);
    }

    /**
     * Four gateway instances, two request threads each, lease one quota until each is refused:
     * they admit exactly the limit, whether it is smaller than one lease or many leases large, and
     * nothing is left stranded since every instance kept asking.
     */
    @Test
    void fourLeasingInstances_admitExactlyTheLimit_neverMore_andLeaveNothingStranded() throws Exception {
        Instant now = Instant.ofEpochSecond(start / 1_000_000);
        for (long limit : new long[] {1, 3, 64, 65, 200, 1_500}) {
            QuotaWindow window = QuotaWindow.at(new QuotaConfig(limit, QuotaPeriod.HOUR), now);
            String counter = window.counter("test", UUID.randomUUID().toString());

            LeasedInstances run = LeasedInstances.run(store(), 4, 2, window, counter, now, Long.MAX_VALUE);

            assertThat(run.admitted()).as("admitted under limit %d", limit).isEqualTo(limit);
            assertThat(store().used(counter)).as("counted under limit %d", limit).isEqualTo(limit);
            assertThat(run.unused(counter)).isZero();
        }
    }

    /**
     * A large quota at steady state: four instances serve 8,000 requests and the store sees at most
     * one write per 20 of them (a count of calls, not a timing).
     */
    @Test
    void aLargeLeasedQuota_costsAtMostOneWritePerTwentyRequests() throws Exception {
        Instant now = Instant.ofEpochSecond(start / 1_000_000);
        QuotaWindow window = QuotaWindow.at(new QuotaConfig(1_000_000, QuotaPeriod.DAY), now);
        String counter = window.counter("test", UUID.randomUUID().toString());
        CountingCounterStore counting = new CountingCounterStore(store());

        LeasedInstances run = LeasedInstances.run(counting, 4, 2, window, counter, now, 1_000);

        assertThat(run.admitted()).isEqualTo(8_000);
        assertThat((double) counting.writes() / run.admitted()).isLessThanOrEqualTo(0.05);
        assertThat(store().used(counter)).isEqualTo(run.admitted() + run.unused(counter));
    }
}
