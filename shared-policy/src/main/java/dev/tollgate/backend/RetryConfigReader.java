package dev.tollgate.backend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ConfigReader;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/** Reads a route's {@code retry: {retries, statuses, backoff, maxBackoff}} into a {@link RetryConfig}. */
public final class RetryConfigReader {

    private static final String STATUSES = "408, 429 or a 5xx status";

    private RetryConfigReader() {
    }

    /** The route's retries; {@link RetryConfig#NONE} when not given, the defaults in place of what is refused. */
    public static RetryConfig read(ConfigReader in, JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) {
            return RetryConfig.NONE;
        }
        if (!node.isObject()) {
            in.problem(path, ConfigReader.describe(node) + " (expected: a map with retries, statuses, backoff, maxBackoff)");
            return RetryConfig.NONE;
        }
        in.unknownFields(node, path, Set.of("retries", "statuses", "backoff", "maxBackoff"));
        int retries = (int) in.whole(node.path("retries"), path + ".retries", 0, RetryConfig.MAX_RETRIES).orElse(0);
        Set<Integer> statuses = new TreeSet<>();
        JsonNode statusesNode = node.path("statuses");
        if (!statusesNode.isMissingNode()) {
            if (!statusesNode.isArray()) {
                in.problem(path + ".statuses", ConfigReader.describe(statusesNode)
                        + " (expected: a list of statuses such as [502, 503])");
            } else {
                for (int i = 0; i < statusesNode.size(); i++) {
                    String place = path + ".statuses[" + i + "]";
                    OptionalLong code = in.numbers().whole(statusesNode.get(i), place, 408, 599, STATUSES);
                    if (code.isPresent() && !RetryConfig.retriable((int) code.getAsLong())) {
                        in.problem(place, code.getAsLong() + " (expected: " + STATUSES + ")");
                    } else {
                        code.ifPresent(c -> statuses.add((int) c));
                    }
                }
            }
        }
        Duration backoff = node.has("backoff") ? backoff(in, node.path("backoff"), path + ".backoff", RetryConfig.DEFAULT_BACKOFF)
                : RetryConfig.DEFAULT_BACKOFF;
        Duration maxBackoff = node.has("maxBackoff")
                ? backoff(in, node.path("maxBackoff"), path + ".maxBackoff", RetryConfig.DEFAULT_MAX_BACKOFF)
                : RetryConfig.DEFAULT_MAX_BACKOFF;
        if (maxBackoff.compareTo(backoff) < 0) {
            in.problem(path + ".maxBackoff", node.path("maxBackoff").asText(maxBackoff.toMillis() + "ms")
                    + " (expected: at least backoff, " + backoff.toMillis() + "ms)");
            // What was written is refused; the record keeps its promise that the bound is never below the first wait.
            maxBackoff = backoff;
        }
        return new RetryConfig(retries, statuses, backoff, maxBackoff);
    }

    private static Duration backoff(ConfigReader in, JsonNode node, String path, Duration fallback) {
        return in.duration(node, path, RetryConfig.MIN_BACKOFF, RetryConfig.MAX_MAX_BACKOFF, "50ms").orElse(fallback);
    }
}
