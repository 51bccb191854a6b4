package dev.tollgate.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.quota.CounterStore.Admission;
import dev.tollgate.testing.CountingCounterStore;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.LeasedBuckets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** One instance's rate limit leases, and several instances over one in-memory store; times are handed in. */
class RateLeasesTest {

    private static final long NOON = Instant.parse("2026-11-23T12:00:00Z").getEpochSecond() * 1_000_000;
    private static final Instant EXPIRES = Instant.parse("2026-11-24T12:00:00Z");
    /** 1,000 a second in bursts of 1,000: a token every millisecond. */
    private static final RateLimitConfig BIG = new RateLimitConfig(1_000, RateLimitConfig.Per.SECOND, 1_000);
    private static final long T = BIG.intervalMicros();
    private static final String BUCKET = "rate#dev#consumer#alice";

    private final InMemoryCounterStore memory = new InMemoryCounterStore();
    private final CountingCounterStore store = new CountingCounterStore(memory);
    private final RateLeases leases = new RateLeases(store);

    private Admission admit(RateLeases instance, long now) {
        return instance.tryAdmit(BUCKET, BIG, now, EXPIRES);
    }

    @Test
    void theLeaseSize_isAShareOfWhatFits_fromOneUpToTheCap() {
        assertThat(RateLeases.nextSize(0)).isEqualTo(1);
        assertThat(RateLeases.nextSize(15)).isEqualTo(1);
        assertThat(RateLeases.nextSize(16)).isEqualTo(2);
        assertThat(RateLeases.nextSize(800)).isEqualTo(100);
        assertThat(RateLeases.nextSize(1_000_000)).isEqualTo(RateLeases.MAX_LEASE);
    }

    @Test
    void theFirstRequest_leasesOneToken_thenLeasesGrowWithWhatFits() {
        assertThat(admit(leases, NOON)).isEqualTo(new Admission(true, NOON + T));
        assertThat(memory.theoreticalArrival(BUCKET)).isEqualTo(NOON + T);

        assertThat(admit(leases, NOON).admitted()).isTrue();
        assertThat(memory.theoreticalArrival(BUCKET)).as("1, then 999 / 8 = 124 capped at 100").isEqualTo(NOON + 101 * T);
        for (int i = 3; i <= 101; i++) {
            assertThat(admit(leases, NOON).admitted()).isTrue();
        }
        assertThat(store.writes()).isEqualTo(2);
        assertThat(leases.unused(BUCKET, NOON)).isZero();
    }

    @Test
    void theStatus_countsWhatTheLeaseHolds_asRemaining() {
        admit(leases, NOON);
        Admission second = admit(leases, NOON);

        // The store holds 1,000 - 101 tokens; the lease holds 99 more.
        assertThat(RateLimitPolicy.status(BIG, second.tatMicros(), NOON).remaining()).isEqualTo(998);
        assertThat(RateLimitPolicy.status(BIG, admit(leases, NOON).tatMicros(), NOON).remaining()).isEqualTo(997);
    }

    @Test
    void nearAnEmptyBucket_leasesShrinkToOne() {
        long admitted = 0;
        while (admit(leases, NOON).admitted()) {
            admitted++;
        }
        assertThat(admitted).isEqualTo(1_000);
        long writesWhenEmpty = store.writes();

        // A token a millisecond comes back: each one is its own lease of 1, the TAT one interval on.
        for (int i = 1; i <= 5; i++) {
            assertThat(admit(leases, NOON + i * T).admitted()).isTrue();
            assertThat(memory.theoreticalArrival(BUCKET)).isEqualTo(NOON + (1_000 + i) * T);
        }
        assertThat(store.writes() - writesWhenEmpty).isEqualTo(5);
    }

    @Test
    void aRefusedInstance_refusesWithoutAWrite_untilATokenIsDue() {
        while (admit(leases, NOON).admitted()) {
            // empty the bucket
        }
        long writes = store.writes();

        assertThat(admit(leases, NOON).admitted()).isFalse();
        assertThat(admit(leases, NOON + T - 1).admitted()).isFalse();
        assertThat(store.writes()).isEqualTo(writes);
        assertThat(admit(leases, NOON + T).admitted()).isTrue();
        assertThat(store.writes()).isEqualTo(writes + 1);
    }

    /**
     * The case a lease spent late would get wrong: an instance leases 100 tokens and goes quiet;
     * the bucket refills, another instance spends the whole burst at once, and then the first comes
     * back in that same instant. Its tokens' slots have passed: it must not add them to the burst.
     */
    @Test
    void aLeaseWhoseSlotsHavePassed_isNotSpent_afterTheBucketRefilled() {
        RateLeases quiet = new RateLeases(store);
        admit(quiet, NOON);
        admit(quiet, NOON);
        assertThat(quiet.unused(BUCKET, NOON)).isEqualTo(99);

        long later = NOON + 2_000 * T;
        RateLeases busy = new RateLeases(store);
        long admitted = 0;
        for (int i = 0; i < 2_000; i++) {
            admitted += admit(busy, later).admitted() ? 1 : 0;
            admitted += admit(quiet, later).admitted() ? 1 : 0;
        }

        assertThat(quiet.unused(BUCKET, later)).isZero();
        assertThat(admitted).isEqualTo(1_000);
    }

    /**
     * A lease taken from a full bucket holds slots one interval apart from now on: a request spends
     * the first one not yet passed, so a stream slower than the rate skips some, and never spends
     * a slot before its time comes within the tolerance.
     */
    @Test
    void aStreamSlowerThanTheRate_skipsTheSlotsThatPassed() {
        admit(leases, NOON);
        admit(leases, NOON); // leases the slots NOON + T ... NOON + 100 T, and spends the first now
        long writes = store.writes();

        for (int i = 1; i <= 33; i++) {
            assertThat(admit(leases, NOON + 3 * i * T).admitted()).isTrue();
        }

        assertThat(store.writes()).as("33 requests over 99 slots").isEqualTo(writes);
        assertThat(leases.unused(BUCKET, NOON + 99 * T)).as("the slot NOON + 100 T").isEqualTo(1);
        assertThat(admit(leases, NOON + 102 * T).admitted()).isTrue();
        assertThat(store.writes()).as("every slot passed: a new lease").isEqualTo(writes + 1);
    }

    /**
     * The property, on a moved clock: 8 instances of 2 threads each ask one bucket 40,000 times
     * through bursts, lulls and streams about the rate, and no interval of the run admitted more
     * than {@code burst + rate × elapsed}, for small bursts and a large one; meanwhile the bucket
     * was not starved: asked about twice as often as the rate allows, the run admitted over 90% of
     * what the bound allows.
     */
    @Test
    void manyLeasingInstances_neverAdmitMoreThanBurstPlusRateTimesElapsed_inAnyInterval() throws Exception {
        for (RateLimitConfig limit : new RateLimitConfig[] {
                new RateLimitConfig(10, RateLimitConfig.Per.SECOND, 20), new RateLimitConfig(50, RateLimitConfig.Per.SECOND, 200),
                BIG}) {
            long interval = limit.intervalMicros();
            String bucket = "rate#dev#consumer#" + limit.burst();

            LeasedBuckets run = LeasedBuckets.run(memory, 8, 2, limit, bucket, NOON, 2_500,
                    LeasedBuckets.mixed(interval, limit.burst()), 42);

            assertThat(run.overshoot(interval, limit.burst())).as("%s", limit.describe()).isLessThanOrEqualTo(0);
            assertThat((long) run.admitted().length).as("%s", limit.describe())
                    .isLessThanOrEqualTo(run.bound(interval, limit.burst()))
                    .isGreaterThan(run.bound(interval, limit.burst()) * 9 / 10);
        }
    }

    /**
     * A steady stream at half the rate over 4 instances: the requests are admitted (all but the rare
     * one whose thread took its time from the clock and reached the lease a whole burst later: GCRA
     * refuses so stale a time, leased or not), and the store sees one write per several requests
     * instead of one per request (a count of calls, not a timing).
     */
    @Test
    void aSteadyStreamBelowTheRate_isAllAdmitted_withFewerWritesThanRequests() throws Exception {
        LeasedBuckets run = LeasedBuckets.run(store, 4, 2, BIG, BUCKET, NOON, 2_000, LeasedBuckets.steady(2 * T), 7);

        assertThat((double) run.admitted().length / run.asks()).isGreaterThanOrEqualTo(0.99);
        assertThat((double) store.writes() / run.asks()).isLessThanOrEqualTo(0.2);
    }
}
