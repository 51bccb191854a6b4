package dev.tollgate.backend.breaker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ConfigReader;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Reads a route's {@code circuitBreaker: {failureThreshold, openFor, halfOpenProbes}} into a {@link CircuitBreakerConfig}. */
public final class CircuitBreakerConfigReader {

    private CircuitBreakerConfigReader() {
    }

    /** The route's breaker, if it has one; the defaults in place of what is refused, each problem named. */
    public static Optional<CircuitBreakerConfig> read(ConfigReader in, JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            in.problem(path, ConfigReader.describe(node) + " (expected: a map with failureThreshold, openFor, halfOpenProbes)");
            return Optional.empty();
        }
        in.unknownFields(node, path, Set.of("failureThreshold", "openFor", "halfOpenProbes"));
        int threshold = in.whole(node, "failureThreshold", path, CircuitBreakerConfig.MIN_FAILURE_THRESHOLD,
                CircuitBreakerConfig.MAX_FAILURE_THRESHOLD, CircuitBreakerConfig.DEFAULT_FAILURE_THRESHOLD);
        int probes = in.whole(node, "halfOpenProbes", path, CircuitBreakerConfig.MIN_HALF_OPEN_PROBES,
                CircuitBreakerConfig.MAX_HALF_OPEN_PROBES, CircuitBreakerConfig.DEFAULT_HALF_OPEN_PROBES);
        Duration openFor = node.has("openFor")
                ? in.duration(node.path("openFor"), path + ".openFor", CircuitBreakerConfig.MIN_OPEN_FOR,
                        CircuitBreakerConfig.MAX_OPEN_FOR, "30s").orElse(CircuitBreakerConfig.DEFAULT_OPEN_FOR)
                : CircuitBreakerConfig.DEFAULT_OPEN_FOR;
        return Optional.of(new CircuitBreakerConfig(threshold, openFor, probes));
    }
}
