package dev.tollgate.testing;

import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.ratelimit.RateLeases;
import dev.tollgate.policy.ratelimit.RateLimitConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Several gateway instances, each with its own {@link RateLeases} over one shared store (or, for a
 * limit with {@code lease: false}, each request straight to the store), and several request threads in each, all asking one rate limit bucket, each request at a time taken from one
 * controlled clock that the requests themselves move on: the clock never reads the wall, so a run is
 * about the algorithm, not about the machine's speed. Requests reach the leases in any order, so an
 * instance may see an earlier time after a later one.
 *
 * @param admitted each admitted request's time, in microseconds, in no order
 * @param asks     requests asked over every instance, admitted or refused
 * @param start    the clock when the run began
 * @param end      the clock when the run ended
 * @param leases   each instance's leases, as the run left them
 */
public record LeasedBuckets(long[] admitted, long asks, long start, long end, List<RateLeases> leases) {

    /** How far the clock moves on before a request: the microseconds, from a thread's own random source. */
    @FunctionalInterface
    public interface Ticks {
        long next(SplittableRandom random);
    }

    /**
     * Bursts, lulls and streams about the rate, about twice the rate on average, so that the bound
     * binds: three requests in five do not move the clock (a burst), the others move it by up to two
     * intervals, and about one in {@code 4 × burst} by up to {@code burst} intervals (a lull: the
     * bucket refills while some instance may still hold a lease).
     */
    public static Ticks mixed(long intervalMicros, long burst) {
        return random -> {
            if (random.nextLong(4 * burst) == 0) {
                return random.nextLong(burst * intervalMicros + 1);
            }
            return random.nextInt(5) < 3 ? 0 : random.nextLong(2 * intervalMicros + 1);
        };
    }

    /** Every request moves the clock on by {@code micros}: a steady stream. */
    public static Ticks steady(long micros) {
        return random -> micros;
    }

    /**
     * Runs {@code threadsEach} threads for each of {@code instances}, started together; each asks
     * {@code asksPerThread} times (every instance keeps asking, refused or not).
     */
    public static LeasedBuckets run(CounterStore store, int instances, int threadsEach, RateLimitConfig limit,
            String bucket, long startMicros, long asksPerThread, Ticks ticks, long seed) throws Exception {
        List<RateLeases> leases = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            leases.add(new RateLeases(store));
        }
        AtomicLong clock = new AtomicLong(startMicros);
        AtomicLong asks = new AtomicLong();
        ConcurrentLinkedQueue<Long> admittedTimes = new ConcurrentLinkedQueue<>();
        SplittableRandom seeds = new SplittableRandom(seed);
        List<SplittableRandom> randoms = new ArrayList<>();
        for (int t = 0; t < instances * threadsEach; t++) {
            randoms.add(seeds.split());
        }
        AtomicLong thread = new AtomicLong();
        ThreadLocal<SplittableRandom> random = ThreadLocal.withInitial(() -> randoms.get((int) thread.getAndIncrement()));
        // Expiries far ahead and in the real present, so that a store with a TTL sweep keeps the bucket.
        Instant expiresAt = Instant.now().plusSeconds(86_400);
        LeasedInstances.inParallel(instances, threadsEach, asksPerThread, instance -> {
            long now = clock.addAndGet(ticks.next(random.get()));
            asks.incrementAndGet();
            boolean admitted = limit.lease() ? leases.get(instance).tryAdmit(bucket, limit, now, expiresAt).admitted()
                    : store.tryAdmit(bucket, now, limit.intervalMicros(), limit.toleranceMicros(), expiresAt).admitted();
            if (admitted) {
                admittedTimes.add(now);
            }
            return true; // keep asking, refused or not
        });
        long[] times = admittedTimes.stream().mapToLong(Long::longValue).toArray();
        return new LeasedBuckets(times, asks.get(), startMicros, clock.get(), List.copyOf(leases));
    }

    /**
     * The most that any interval {@code [a, b]} of the run admitted beyond
     * {@code burst + (b - a) / interval}, in requests: 0 or less when the bound held over every
     * interval. For the admitted times sorted, {@code t_i <= ... <= t_j} is {@code j - i + 1}
     * requests; the worst {@code i} for each {@code j} is a running maximum, so this is one pass.
     */
    public double overshoot(long intervalMicros, long burst) {
        long[] sorted = admitted.clone();
        Arrays.sort(sorted);
        double worst = Double.NEGATIVE_INFINITY;
        long best = Long.MIN_VALUE; // max over i <= j of (t_i - i * interval)
        for (int j = 0; j < sorted.length; j++) {
            best = Math.max(best, sorted[j] - j * intervalMicros);
            // (j - i + 1) - burst - (t_j - t_i) / interval, at the worst i, times the interval
            long excess = (j + 1 - burst) * intervalMicros - sorted[j] + best;
            worst = Math.max(worst, (double) excess / intervalMicros);
        }
        return worst;
    }

    /** The most a GCRA bucket admits over the whole run: {@code burst + (end - start) / interval}. */
    public long bound(long intervalMicros, long burst) {
        return burst + (end - start) / intervalMicros;
    }

    /** Tokens the instances hold that a request at the end of the run could still spend. */
    public long unused(String bucket) {
        return leases.stream().mapToLong(l -> l.unused(bucket, end)).sum();
    }
}
