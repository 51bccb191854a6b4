package dev.tollgate.testing;

import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.quota.QuotaLeases;
import dev.tollgate.policy.quota.QuotaWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Several gateway instances, each with its own {@link QuotaLeases} over one shared store, and
 * several request threads in each, all asking for one counter at once: each thread asks until it
 * is refused or has asked {@code asksPerThread} times.
 *
 * @param admitted uses admitted over every instance
 * @param asks     requests asked over every instance, admitted or refused
 * @param leases   each instance's leases, as the run left them
 */
public record LeasedInstances(long admitted, long asks, List<QuotaLeases> leases) {

    /** One request of a thread of instance {@code instance}: whether it was admitted; the thread stops at the first no. */
    @FunctionalInterface
    public interface Ask {
        boolean admitted(int instance) throws Exception;
    }

    public static LeasedInstances run(CounterStore store, int instances, int threadsEach, QuotaWindow window,
            String counter, Instant now, long asksPerThread) throws Exception {
        List<QuotaLeases> leases = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            leases.add(new QuotaLeases(store));
        }
        AtomicLong asks = new AtomicLong();
        long admitted = inParallel(instances, threadsEach, asksPerThread, instance -> {
            asks.incrementAndGet();
            return leases.get(instance).tryAcquire(counter, window, now).granted();
        });
        return new LeasedInstances(admitted, asks.get(), List.copyOf(leases));
    }

    /**
     * Runs {@code threadsEach} threads for each of {@code instances}, started together; each asks
     * until a request is not admitted or it has asked {@code asksPerThread} times.
     *
     * @return the requests admitted over every thread
     */
    public static long inParallel(int instances, int threadsEach, long asksPerThread, Ask ask) throws Exception {
        AtomicLong admitted = new AtomicLong();
        int threads = instances * threadsEach;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int instance = t % instances;
                done.add(pool.submit(() -> {
                    start.await(60, TimeUnit.SECONDS);
                    for (long a = 0; a < asksPerThread && ask.admitted(instance); a++) {
                        admitted.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(600, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return admitted.get();
    }

    /** Units the instances hold unused for {@code counter}: what they strand if they stop asking now. */
    public long unused(String counter) {
        return leases.stream().mapToLong(l -> l.unused(counter)).sum();
    }
}
