package dev.tollgate.policy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuotaPeriodTest {

    private static final Instant THURSDAY = Instant.parse("2026-11-26T17:45:30.250Z");

    @Test
    void windows_areCalendarPeriodsInUtc() {
        assertThat(QuotaPeriod.HOUR.windowStart(THURSDAY)).isEqualTo("2026-11-26T17:00:00Z");
        assertThat(QuotaPeriod.HOUR.windowEnd(THURSDAY)).isEqualTo("2026-11-26T18:00:00Z");
        assertThat(QuotaPeriod.DAY.windowStart(THURSDAY)).isEqualTo("2026-11-26T00:00:00Z");
        assertThat(QuotaPeriod.DAY.windowEnd(THURSDAY)).isEqualTo("2026-11-27T00:00:00Z");
        assertThat(QuotaPeriod.WEEK.windowStart(THURSDAY)).isEqualTo("2026-11-23T00:00:00Z");
        assertThat(QuotaPeriod.WEEK.windowEnd(THURSDAY)).isEqualTo("2026-11-30T00:00:00Z");
        assertThat(QuotaPeriod.MONTH.windowStart(THURSDAY)).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(QuotaPeriod.MONTH.windowEnd(THURSDAY)).isEqualTo("2026-12-01T00:00:00Z");
    }

    @Test
    void theLastInstantOfAWindow_isStillInIt_andTheEndStartsTheNext() {
        Instant end = QuotaPeriod.HOUR.windowEnd(THURSDAY);
        assertThat(QuotaPeriod.HOUR.windowStart(end.minusNanos(1))).isEqualTo("2026-11-26T17:00:00Z");
        assertThat(QuotaPeriod.HOUR.windowStart(end)).isEqualTo(end);
    }

    @Test
    void secondsUntilReset_roundUp_soAClientThatWaitsIsNeverEarly() {
        QuotaWindow window = QuotaWindow.at(new QuotaConfig(10, QuotaPeriod.HOUR), THURSDAY);
        // 14 min 29.75 s remain.
        assertThat(window.secondsUntilReset(THURSDAY)).isEqualTo(870);
        assertThat(window.counter("dev", "alice")).isEqualTo("quota#dev#alice#hour#" + window.start().getEpochSecond());
    }
}
