package dev.tollgate.policy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LimitStatusTest {

    @Test
    void theTightest_isTheLeastRemaining() {
        LimitStatus bucket = new LimitStatus(20, 4, 1);
        LimitStatus hourly = new LimitStatus(100, 5, 1800);

        assertThat(LimitStatus.tightest(List.of(hourly, bucket))).contains(bucket);
    }

    @Test
    void onATie_theLongestUntilReset_isTheTightest() {
        LimitStatus bucket = new LimitStatus(20, 0, 2);
        LimitStatus daily = new LimitStatus(1000, 0, 40_000);
        LimitStatus hourly = new LimitStatus(100, 0, 1800);

        assertThat(LimitStatus.tightest(List.of(bucket, daily, hourly))).contains(daily);
    }

    @Test
    void noLimits_noTightest() {
        assertThat(LimitStatus.tightest(List.of())).isEmpty();
    }
}
