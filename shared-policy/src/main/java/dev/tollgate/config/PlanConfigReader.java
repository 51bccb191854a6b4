package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.policy.quota.QuotaConfig;
import dev.tollgate.policy.quota.QuotaConfigReader;
import dev.tollgate.policy.ratelimit.RateLimitConfig;
import dev.tollgate.policy.ratelimit.RateLimitConfigReader;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads one entry of the file's {@code plans} into a {@link PlanConfig}: its quotas, its rate limit, or both. */
public final class PlanConfigReader {

    private PlanConfigReader() {
    }

    /** The plan {@code name}; empty if its quotas or rate limit are refused, each problem named. */
    public static Optional<PlanConfig> read(ConfigReader in, String name, JsonNode plan) {
        String path = "plans." + name;
        if (!ConfigReader.NAME.matcher(name).matches()) {
            in.problem(path, name + " (expected: a plan name of letters, digits, ., - and _)");
        }
        if (!plan.isObject()) {
            in.problem(path, ConfigReader.describe(plan) + " (expected: a map with quota, rateLimit, or both)");
            return Optional.empty();
        }
        in.unknownFields(plan, path, Set.of("quota", "rateLimit", "failOpen"));
        boolean failOpen = in.bool(plan, "failOpen", path, PlanConfig.DEFAULT_FAIL_OPEN);
        if (!plan.has("quota") && !plan.has("rateLimit")) {
            in.problem(path, "neither quota nor rateLimit (expected: quota, rateLimit, or both)");
            return Optional.empty();
        }
        int before = in.problems();
        List<QuotaConfig> quotas = plan.has("quota") ? QuotaConfigReader.read(in, plan.path("quota"), path + ".quota") : List.of();
        Optional<RateLimitConfig> rateLimit = RateLimitConfigReader.read(in, plan.path("rateLimit"), path + ".rateLimit");
        if (in.problems() != before) {
            return Optional.empty();
        }
        return Optional.of(new PlanConfig(name, quotas, rateLimit, failOpen));
    }
}
