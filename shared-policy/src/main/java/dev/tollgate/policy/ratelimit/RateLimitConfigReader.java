package dev.tollgate.policy.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ConfigReader;
import java.util.Optional;
import java.util.Set;

/** Reads a plan's or a route's {@code rateLimit: {requests, per, burst, lease}} into a {@link RateLimitConfig}. */
public final class RateLimitConfigReader {

    private RateLimitConfigReader() {
    }

    /** The rate limit at {@code path}, if there is one and it is valid; empty otherwise, with each problem named. */
    public static Optional<RateLimitConfig> read(ConfigReader in, JsonNode node, String path) {
        if (node.isMissingNode()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            in.problem(path, ConfigReader.describe(node) + " (expected: a map with requests, per and burst)");
            return Optional.empty();
        }
        in.unknownFields(node, path, Set.of("requests", "per", "burst", "lease"));
        long requests = in.whole(node.path("requests"), path + ".requests", RateLimitConfig.MIN_REQUESTS,
                RateLimitConfig.MAX_REQUESTS).orElse(-1);
        Optional<RateLimitConfig.Per> per = in.oneOf(node.path("per"), path + ".per", RateLimitConfig.Per.class);
        long burst = requests;
        if (node.has("burst")) {
            burst = in.whole(node.path("burst"), path + ".burst", RateLimitConfig.MIN_REQUESTS, RateLimitConfig.MAX_BURST)
                    .orElse(-1);
            if (burst >= 1 && burst < requests) {
                in.problem(path + ".burst", burst + " (expected: at least requests, " + requests + ")");
                burst = -1;
            }
        }
        boolean lease = in.bool(node, "lease", path, RateLimitConfig.DEFAULT_LEASE);
        if (requests < 1 || per.isEmpty() || burst < 1) {
            return Optional.empty();
        }
        return Optional.of(new RateLimitConfig(requests, per.get(), burst, lease));
    }
}
