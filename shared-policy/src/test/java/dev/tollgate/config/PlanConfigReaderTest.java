package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.quota.QuotaConfig;
import dev.tollgate.policy.quota.QuotaPeriod;
import dev.tollgate.policy.ratelimit.RateLimitConfig;
import dev.tollgate.testing.ConfigReading;
import dev.tollgate.testing.ConfigReading.Read;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanConfigReaderTest {

    private static Read<Optional<PlanConfig>> read(String name, String yaml) {
        return ConfigReading.read(yaml, (in, root) -> PlanConfigReader.read(in, name, root.path("plans").path(name)));
    }

    @Test
    void aPlan_isRead_failingClosedByDefault() {
        PlanConfig plan = read("gold", "plans:\n  gold:\n    quota: {limit: 100, period: hour}\n"
                + "    rateLimit: {requests: 5, per: second}\n").value().orElseThrow();

        assertThat(plan.quotas()).containsExactly(new QuotaConfig(100, QuotaPeriod.HOUR));
        assertThat(plan.rateLimit()).contains(new RateLimitConfig(5, RateLimitConfig.Per.SECOND, 5));
        assertThat(plan.failOpen()).isFalse();
    }

    @Test
    void aPlanWithoutLimits_aBadName_andABadFailOpen_areNamed() {
        assertThat(read("a b", "plans:\n  a b:\n    failOpen: maybe\n").problems()).containsExactly(
                "t.yaml:2: plans.a b: a b (expected: a plan name of letters, digits, ., - and _)",
                "t.yaml:3: plans.a b.failOpen: maybe (expected: true or false)",
                "t.yaml:2: plans.a b: neither quota nor rateLimit (expected: quota, rateLimit, or both)");
        assertThat(read("gold", "plans:\n  gold: 5\n").problems()).containsExactly(
                "t.yaml:2: plans.gold: 5 (expected: a map with quota, rateLimit, or both)");
    }

    @Test
    void aPlanWithABadQuota_isNotKept() {
        Read<Optional<PlanConfig>> read = read("gold", "plans:\n  gold:\n    quota: {limit: 0, period: day}\n");

        assertThat(read.value()).isEmpty();
        assertThat(read.problems()).containsExactly(
                "t.yaml:3: plans.gold.quota.limit: 0 (expected: a whole number from 1 to 9223372036854775807)");
    }
}
