package dev.tollgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.quota.CounterStore.Admission;
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
 * What every {@link CounterStore} must do for rate limits and for giving quota uses back, run
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
}
