package dev.tollgate.policy.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.testing.ConfigReading;
import dev.tollgate.testing.ConfigReading.Read;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuotaConfigReaderTest {

    private static Read<List<QuotaConfig>> read(String yaml) {
        return ConfigReading.read(yaml, (in, root) -> QuotaConfigReader.read(in, root.path("quota"), "quota"));
    }

    @Test
    void oneQuota_orAListOfThem_isRead() {
        assertThat(read("quota: {limit: 10000, period: day}\n").value())
                .containsExactly(new QuotaConfig(10000, QuotaPeriod.DAY));
        assertThat(read("quota:\n  - {limit: 10000, period: day}\n  - {limit: 500, period: hour}\n").value())
                .containsExactly(new QuotaConfig(10000, QuotaPeriod.DAY), new QuotaConfig(500, QuotaPeriod.HOUR));
    }

    @Test
    void theLimitAndThePeriod_areChecked() {
        assertThat(read("quota: {limit: -5, period: fortnight, per: day}\n").problems()).containsExactly(
                "t.yaml:1: quota.per: unknown field (expected one of: lease, limit, period)",
                "t.yaml:1: quota.limit: -5 (expected: a whole number from 1 to 9223372036854775807)",
                "t.yaml:1: quota.period: fortnight (expected: one of hour, day, week, month)");
    }

    @Test
    void leasing_isOnUnlessAQuotaSaysLeaseFalse() {
        assertThat(read("quota: {limit: 10000, period: day}\n").value())
                .containsExactly(new QuotaConfig(10000, QuotaPeriod.DAY, true));
        assertThat(read("quota:\n  - {limit: 10000, period: day, lease: false}\n  - {limit: 500, period: hour, lease: true}\n")
                .value()).containsExactly(new QuotaConfig(10000, QuotaPeriod.DAY, false), new QuotaConfig(500, QuotaPeriod.HOUR, true));
    }

    @Test
    void lease_mustBeTrueOrFalse() {
        assertThat(read("quota: {limit: 10, period: day, lease: sometimes}\n").problems()).containsExactly(
                "t.yaml:1: quota.lease: sometimes (expected: true or false)");
        assertThat(read("quota:\n  - {limit: 10, period: day, lease: 1}\n").problems()).containsExactly(
                "t.yaml:2: quota[0].lease: 1 (expected: true or false)");
    }

    @Test
    void eachPeriod_isAllowedOnce() {
        Read<List<QuotaConfig>> read = read("quota:\n  - {limit: 10000, period: day}\n  - {limit: 20000, period: day}\n");

        assertThat(read.value()).containsExactly(new QuotaConfig(10000, QuotaPeriod.DAY));
        assertThat(read.problems()).containsExactly(
                "t.yaml:3: quota[1].period: day (expected: each period at most once; quota[0] has it)");
    }

    @Test
    void anEmptyList_orAText_isRefused() {
        assertThat(read("quota: []\n").problems()).containsExactly(
                "t.yaml:1: quota: an empty list (expected: a map with limit and period, or a list of them)");
        assertThat(read("quota:\n  - 5\n").problems()).containsExactly(
                "t.yaml:2: quota[0]: 5 (expected: a map with limit and period)");
    }

    @Test
    void theRecord_refusesFromCodeWhatTheReaderRefuses() {
        assertThatThrownBy(() -> new QuotaConfig(0, QuotaPeriod.DAY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit: 0 (expected: a whole number from 1 to 9223372036854775807)");
    }
}
