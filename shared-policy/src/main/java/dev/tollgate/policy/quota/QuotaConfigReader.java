package dev.tollgate.policy.quota;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ConfigReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Reads a plan's {@code quota: {limit, period, lease}}, or a list of them, into {@link QuotaConfig}s. */
public final class QuotaConfigReader {

    private QuotaConfigReader() {
    }

    /** A plan's quota, or a list of them with each period at most once; the valid ones, with each problem named. */
    public static List<QuotaConfig> read(ConfigReader in, JsonNode node, String path) {
        List<QuotaConfig> quotas = new ArrayList<>();
        if (node.isObject()) {
            quota(in, node, path).ifPresent(quotas::add);
            return quotas;
        }
        if (!node.isArray() || node.isEmpty()) {
            in.problem(path, ConfigReader.describe(node) + " (expected: a map with limit and period, or a list of them)");
            return quotas;
        }
        Map<QuotaPeriod, String> pathByPeriod = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            String place = path + "[" + i + "]";
            Optional<QuotaConfig> quota = quota(in, node.get(i), place);
            if (quota.isEmpty()) {
                continue;
            }
            String earlier = pathByPeriod.putIfAbsent(quota.get().period(), place);
            if (earlier != null) {
                in.problem(place + ".period", quota.get().period().configName() + " (expected: each period at most once; "
                        + earlier + " has it)");
            } else {
                quotas.add(quota.get());
            }
        }
        return quotas;
    }

    private static Optional<QuotaConfig> quota(ConfigReader in, JsonNode node, String path) {
        if (!node.isObject()) {
            in.problem(path, ConfigReader.describe(node) + " (expected: a map with limit and period)");
            return Optional.empty();
        }
        in.unknownFields(node, path, Set.of("limit", "period", "lease"));
        OptionalLong limit = in.whole(node.path("limit"), path + ".limit", QuotaConfig.MIN_LIMIT, QuotaConfig.MAX_LIMIT);
        Optional<QuotaPeriod> period = in.oneOf(node.path("period"), path + ".period", QuotaPeriod.class);
        boolean lease = in.bool(node, "lease", path, QuotaConfig.DEFAULT_LEASE);
        if (limit.isEmpty() || period.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new QuotaConfig(limit.getAsLong(), period.get(), lease));
    }
}
