package dev.tollgate.policy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.quota.CounterStore.Acquisition;
import dev.tollgate.testing.CountingCounterStore;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.LeasedInstances;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** One instance's leases, and several instances over one in-memory store; times are handed in. */
class QuotaLeasesTest {

    private static final Instant TEN_PAST_NOON = Instant.parse("2026-11-23T12:10:00Z");

    private final InMemoryCounterStore memory = new InMemoryCounterStore();
    private final CountingCounterStore store = new CountingCounterStore(memory);
    private final QuotaLeases leases = new QuotaLeases(store);

    private static QuotaWindow hourOf(long limit, Instant now) {
        return QuotaWindow.at(new QuotaConfig(limit, QuotaPeriod.HOUR), now);
    }

    @Test
    void theLeaseSize_isAShareOfWhatRemains_fromOneUpToTheCap() {
        assertThat(QuotaLeases.nextSize(0)).isEqualTo(1);
        assertThat(QuotaLeases.nextSize(127)).isEqualTo(1);
        assertThat(QuotaLeases.nextSize(128)).isEqualTo(2);
        assertThat(QuotaLeases.nextSize(6_400)).isEqualTo(100);
        assertThat(QuotaLeases.nextSize(Long.MAX_VALUE)).isEqualTo(QuotaLeases.MAX_LEASE);
    }

    @Test
    void theFirstUse_leasesOneUnit_thenLeasesGrowWithWhatRemains() {
        QuotaWindow window = hourOf(10_000, TEN_PAST_NOON);
        String counter = window.counter("dev", "alice");

        assertThat(leases.tryAcquire(counter, window, TEN_PAST_NOON)).isEqualTo(new Acquisition(true, 1));
        assertThat(memory.used(counter)).isEqualTo(1);
        assertThat(leases.tryAcquire(counter, window, TEN_PAST_NOON)).isEqualTo(new Acquisition(true, 2));
        assertThat(memory.used(counter)).as("1, then 9,999 / 64 capped at 100").isEqualTo(101);
        for (int i = 3; i <= 101; i++) {
            assertThat(leases.tryAcquire(counter, window, TEN_PAST_NOON)).isEqualTo(new Acquisition(true, i));
        }
        assertThat(store.writes()).isEqualTo(2);
        assertThat(leases.unused(counter)).isZero();
    }

    @Test
    void nearTheLimit_leasesShrinkToOne_andTheLimitIsNeverPassed() {
        QuotaWindow window = hourOf(200, TEN_PAST_NOON);
        String counter = window.counter("dev", "alice");
        long admitted = 0;
        while (leases.tryAcquire(counter, window, TEN_PAST_NOON).granted()) {
            admitted++;
        }

        assertThat(admitted).isEqualTo(200);
        assertThat(memory.used(counter)).isEqualTo(200);
        // 1, then 199/64 = 3, 196/64 = 3, ... down to single units for the last 127.
        assertThat(store.writes()).isBetween(128L, 200L);
    }

    @Test
    void onceEveryUnitIsLeased_refusalsCostNoWrite_untilTheWindowEnds() {
        QuotaWindow window = hourOf(2, TEN_PAST_NOON);
        String counter = window.counter("dev", "alice");
        leases.tryAcquire(counter, window, TEN_PAST_NOON);
        leases.tryAcquire(counter, window, TEN_PAST_NOON);
        assertThat(leases.tryAcquire(counter, window, TEN_PAST_NOON).granted()).isFalse();
        long writes = store.writes();

        for (int i = 0; i < 10; i++) {
            assertThat(leases.tryAcquire(counter, window, TEN_PAST_NOON)).isEqualTo(new Acquisition(false, 2));
        }

        assertThat(store.writes()).isEqualTo(writes);
        Instant onePm = Instant.parse("2026-11-23T13:00:00Z");
        QuotaWindow next = hourOf(2, onePm);
        assertThat(leases.tryAcquire(next.counter("dev", "alice"), next, onePm).granted()).isTrue();
    }

    @Test
    void aUnitPutBack_servesTheNextRequest_withoutAWrite() {
        QuotaWindow window = hourOf(1, TEN_PAST_NOON);
        String counter = window.counter("dev", "alice");
        leases.tryAcquire(counter, window, TEN_PAST_NOON);

        leases.release(counter);

        assertThat(leases.tryAcquire(counter, window, TEN_PAST_NOON).granted()).isTrue();
        assertThat(leases.tryAcquire(counter, window, TEN_PAST_NOON).granted()).isFalse();
        assertThat(memory.used(counter)).isEqualTo(1);
    }

    /** The counter is the window's, so units leased in one hour are never admitted in the next. */
    @Test
    void unitsLeasedInOneWindow_admitNothingInTheNext_andAreDroppedOnceItEnds() {
        QuotaWindow noon = hourOf(10_000, TEN_PAST_NOON);
        String noonCounter = noon.counter("dev", "alice");
        leases.tryAcquire(noonCounter, noon, TEN_PAST_NOON);
        leases.tryAcquire(noonCounter, noon, TEN_PAST_NOON);
        assertThat(leases.unused(noonCounter)).isEqualTo(99);

        Instant onePm = Instant.parse("2026-11-23T13:00:00Z");
        QuotaWindow next = hourOf(10_000, onePm);
        String nextCounter = next.counter("dev", "alice");
        long writes = store.writes();

        assertThat(leases.tryAcquire(nextCounter, next, onePm)).isEqualTo(new Acquisition(true, 1));
        assertThat(store.writes()).as("a new window leases from the store").isEqualTo(writes + 1);
        assertThat(memory.used(nextCounter)).isEqualTo(1);
        assertThat(leases.unused(noonCounter)).as("the ended window's units are dropped").isZero();
    }

    @Test
    void manyLimitsAndWindows_fourInstancesAskingUntilRefused_admitExactlyEachLimit() throws Exception {
        Instant now = TEN_PAST_NOON;
        for (long limit : new long[] {1, 2, 5, 63, 64, 65, 127, 128, 129, 1_000, 6_401, 25_000}) {
            for (int hour = 0; hour < 3; hour++) {
                Instant at = now.plus(Duration.ofHours(hour));
                QuotaWindow window = hourOf(limit, at);
                String counter = window.counter("dev", UUID.randomUUID().toString());

                LeasedInstances run = LeasedInstances.run(memory, 4, 3, window, counter, at, Long.MAX_VALUE);

                assertThat(run.admitted()).as("limit %d", limit).isEqualTo(limit);
                assertThat(memory.used(counter)).as("limit %d", limit).isEqualTo(limit);
            }
        }
    }

    /**
     * An instance that stops asking strands what its lease holds, at most its last lease: a share
     * of what remained, and never more than the cap. The instances that keep asking use up every
     * other unit.
     */
    @Test
    void anInstanceThatStopsAsking_strandsAtMostItsLastLease() throws Exception {
        long limit = 5_000;
        QuotaWindow window = hourOf(limit, TEN_PAST_NOON);
        String counter = window.counter("dev", "alice");
        QuotaLeases idle = new QuotaLeases(memory);
        idle.tryAcquire(counter, window, TEN_PAST_NOON);
        idle.tryAcquire(counter, window, TEN_PAST_NOON);

        LeasedInstances busy = LeasedInstances.run(memory, 3, 2, window, counter, TEN_PAST_NOON, Long.MAX_VALUE);

        long stranded = idle.unused(counter);
        assertThat(stranded).isPositive().isLessThanOrEqualTo(Math.min(QuotaLeases.MAX_LEASE, (limit - 1) / QuotaLeases.LEASE_DIVISOR));
        assertThat(busy.admitted() + 2 + stranded).isEqualTo(limit);
        assertThat(memory.used(counter)).isEqualTo(limit);
    }
}
