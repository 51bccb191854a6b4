package dev.tollgate.bench;

import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.ratelimit.RateLeases;
import dev.tollgate.policy.ratelimit.RateLimitConfig;
import dev.tollgate.testing.CountingCounterStore;
import dev.tollgate.testing.LeasedBuckets;
import java.time.Instant;
import java.util.UUID;

/**
 * Leased rate limits with several gateway instances in parallel (each its own {@link RateLeases},
 * as each gateway instance holds) over one counter store, on a controlled clock that the requests
 * move on, so that each admitted request's time is known and every interval of the run can be
 * checked against {@code burst + rate × elapsed}. Each pattern runs leased and with
 * {@code lease: false}, side by side:
 * <ul>
 *   <li>bursts, lulls and streams at about twice the rate (100 a second in bursts of 100);</li>
 *   <li>a steady stream at half the rate, and one at twice the rate (1,000 a second in bursts of 1,000).</li>
 * </ul>
 * Per run: requests asked and admitted, the bound over the whole run, the overshoot (the most any
 * interval admitted beyond its bound: must be 0), the tokens the instances held unspent at the end,
 * and the counter-store writes per request (counted by a wrapper, not timed). Under-admission is
 * the leased run's admitted requests against the {@code lease: false} run's of the same pattern.
 * Run by {@code bench/leases} through {@link LeasedQuotas}.
 */
final class LeasedRateLimits {

    private static final RateLimitConfig MIXED = new RateLimitConfig(100, RateLimitConfig.Per.SECOND, 100);
    private static final RateLimitConfig STEADY = new RateLimitConfig(1_000, RateLimitConfig.Per.SECOND, 1_000);

    /** What a store's runs came to: the worst overshoot, writes per request at steady state, under-admission. */
    record Summary(long overshoot, double steadyWritesPerRequest, double underAdmission) {
    }

    private final int instances;
    private final int threadsEach;
    private final long asks;

    LeasedRateLimits(int instances, int threadsEach, long asks) {
        this.instances = instances;
        this.threadsEach = threadsEach;
        this.asks = asks;
    }

    Summary runAll(String store, CounterStore counters) throws Exception {
        System.out.printf("%n%s, rate limits%n%-34s %6s %9s %9s %9s %9s %7s %6s %9s %10s%n", store, "run", "lease", "asked",
                "admitted", "bound", "overshoot", "under", "held", "writes", "writes/req");
        long perThread = asks / ((long) instances * threadsEach);
        long overshoot = 0;
        double under = 0;
        double steadyWrites = 0;
        Object[][] patterns = {
                {"bursts, lulls, about 2x the rate", MIXED, LeasedBuckets.mixed(MIXED.intervalMicros(), MIXED.burst())},
                {"steady at half the rate", STEADY, LeasedBuckets.steady(2 * STEADY.intervalMicros())},
                {"steady at twice the rate", STEADY, LeasedBuckets.steady(STEADY.intervalMicros() / 2)}};
        for (Object[] pattern : patterns) {
            String name = (String) pattern[0];
            RateLimitConfig limit = (RateLimitConfig) pattern[1];
            LeasedBuckets.Ticks ticks = (LeasedBuckets.Ticks) pattern[2];
            Run counted = run(counters, name, off(limit), ticks, perThread, Double.NaN);
            Run leased = run(counters, name, limit, ticks, perThread, counted.admitted);
            overshoot = Math.max(overshoot, Math.max(counted.overshoot, leased.overshoot));
            under = Math.max(under, leased.under);
            if (name.startsWith("steady at half")) {
                steadyWrites = leased.writesPerRequest;
            }
        }
        return new Summary(overshoot, steadyWrites, under);
    }

    private record Run(long admitted, long overshoot, double under, double writesPerRequest) {
    }

    private Run run(CounterStore store, String name, RateLimitConfig limit, LeasedBuckets.Ticks ticks, long perThread,
            double unleasedAdmitted) throws Exception {
        CountingCounterStore counting = new CountingCounterStore(store);
        long start = Instant.now().toEpochMilli() * 1000;
        String bucket = "rate#bench#" + UUID.randomUUID();
        LeasedBuckets run = LeasedBuckets.run(counting, instances, threadsEach, limit, bucket, start, perThread, ticks, 17);
        long interval = limit.intervalMicros();
        long overshoot = Math.max(0, (long) Math.ceil(run.overshoot(interval, limit.burst())));
        long admitted = run.admitted().length;
        double under = Double.isNaN(unleasedAdmitted) ? 0 : Math.max(0, 1 - admitted / unleasedAdmitted);
        double writes = (double) counting.writes() / run.asks();
        System.out.printf("%-34s %6s %9d %9d %9d %9d %7s %6d %9d %10.4f%s%n", name, limit.lease(), run.asks(), admitted,
                run.bound(interval, limit.burst()), overshoot,
                Double.isNaN(unleasedAdmitted) ? "-" : String.format("%.2f%%", 100 * under), run.unused(bucket),
                counting.writes(), writes, overshoot > 0 ? "  OVERSHOOT" : "");
        return new Run(admitted, overshoot, under, writes);
    }

    private static RateLimitConfig off(RateLimitConfig limit) {
        return new RateLimitConfig(limit.requests(), limit.per(), limit.burst(), false);
    }
}
