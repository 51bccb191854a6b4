package dev.tollgate.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    private static final long MS = 1_000_000;

    private final List<Duration> waits = new ArrayList<>();
    private final RetryBudget budget = new RetryBudget(Duration.ofSeconds(30), waits::add, () -> 0.5);

    @Test
    void theDeadline_isTheBudget_fromTheRequestsArrival() {
        assertThat(budget.deadline(7 * MS)).isEqualTo(7 * MS + 30_000 * MS);
    }

    @Test
    void aTry_hasTheRoutesTimeout_orWhatIsLeft_neverLessThanNothing() {
        long deadline = 1000 * MS;

        assertThat(RetryBudget.tryTimeout(Duration.ofMillis(300), 0, deadline)).isEqualTo(Duration.ofMillis(300));
        assertThat(RetryBudget.tryTimeout(Duration.ofMillis(300), 800 * MS, deadline)).isEqualTo(Duration.ofMillis(200));
        assertThat(RetryBudget.tryTimeout(Duration.ofMillis(300), 1200 * MS, deadline)).isZero();
    }

    @Test
    void aLookup_mayTakeWhatLeavesTheLeastTry_andATryNeedsIt() {
        long deadline = 1000 * MS;

        assertThat(RetryBudget.lookupWithin(0, deadline)).isEqualTo(Duration.ofMillis(900));
        assertThat(RetryBudget.lookupWithin(950 * MS, deadline)).isZero();
        assertThat(RetryBudget.leavesATry(900 * MS, deadline)).isTrue();
        assertThat(RetryBudget.leavesATry(900 * MS + 1, deadline)).isFalse();
    }

    @Test
    void aPause_waitsARandomShareOfTheBound_andTheRetryStartsWhenTheWaitEnds() throws Exception {
        OptionalLong resumed = budget.pause(Duration.ofMillis(200), () -> 101 * MS, 0, 1000 * MS);

        assertThat(waits).containsExactly(Duration.ofMillis(100));
        assertThat(resumed).hasValue(101 * MS);
    }

    @Test
    void noPause_andNoRetry_whenTheWaitWouldLeaveLessThanTheLeastTry() throws Exception {
        OptionalLong resumed = budget.pause(Duration.ofMillis(200), () -> 0, 801 * MS, 1000 * MS);

        assertThat(waits).isEmpty();
        assertThat(resumed).isEmpty();
    }

    @Test
    void noRetry_whenTheWaitTookLongerThanPlanned_andTooLittleIsLeft() throws Exception {
        OptionalLong resumed = budget.pause(Duration.ofMillis(200), () -> 950 * MS, 700 * MS, 1000 * MS);

        assertThat(waits).containsExactly(Duration.ofMillis(100));
        assertThat(resumed).isEmpty();
    }
}
