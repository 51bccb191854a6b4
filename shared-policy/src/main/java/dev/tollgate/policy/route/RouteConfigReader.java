package dev.tollgate.policy.route;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.backend.BackendTarget;
import dev.tollgate.backend.EcsService;
import dev.tollgate.backend.HeaderRules;
import dev.tollgate.backend.HeaderRulesReader;
import dev.tollgate.backend.PathRewrite;
import dev.tollgate.backend.RetryConfig;
import dev.tollgate.backend.RetryConfigReader;
import dev.tollgate.backend.WeightedBackend;
import dev.tollgate.backend.breaker.CircuitBreakerConfig;
import dev.tollgate.backend.breaker.CircuitBreakerConfigReader;
import dev.tollgate.config.ConfigReader;
import dev.tollgate.config.PlatformLimits;
import dev.tollgate.config.Durations;
import dev.tollgate.config.StageConfig;
import dev.tollgate.policy.auth.AuthConfig;
import dev.tollgate.policy.auth.AuthConfigReader;
import dev.tollgate.policy.ip.IpAccessConfig;
import dev.tollgate.policy.ip.IpAccessConfigReader;
import dev.tollgate.policy.ratelimit.RateLimitConfig;
import dev.tollgate.policy.ratelimit.RateLimitConfigReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the entries of the file's {@code routes} list into {@link RouteConfig}s, one reader per list: it
 * remembers each method and path shape read, so that a second route with the same one is named.
 * <pre>{@code
 * RouteConfigReader reader = new RouteConfigReader(in, stages, issuerNames, limits);
 * reader.read(node.get(i), "routes[" + i + "]").ifPresent(routes::add);
 * }</pre>
 */
public final class RouteConfigReader {

    public static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,9})(B|KB|MB)");

    private final ConfigReader in;
    private final Map<String, StageConfig> stages;
    private final Set<String> issuerNames;
    private final PlatformLimits limits;
    private final Map<String, String> routedBy = new HashMap<>();

    /**
     * @param stages      the stages defined, each of which must define the variables a backend reads
     * @param issuerNames the JWT issuers defined, which a route's credentials may name
     * @param limits      what the platform allows: a route's timeouts and body size stay within them
     */
    public RouteConfigReader(ConfigReader in, Map<String, StageConfig> stages, Set<String> issuerNames, PlatformLimits limits) {
        this.in = in;
        this.stages = stages;
        this.issuerNames = issuerNames;
        this.limits = limits;
    }

    /** The route at {@code path}; empty if anything in it is refused, each problem named. */
    public Optional<RouteConfig> read(JsonNode route, String path) {
        if (!route.isObject()) {
            in.problem(path, ConfigReader.describe(route) + " (expected: a map with path, methods, backend)");
            return Optional.empty();
        }
        in.unknownFields(route, path, Set.of("path", "methods", "backend", "backends", "timeout", "maxBodySize", "ipAccess",
                "requestHeaders", "responseHeaders", "stripPrefix", "targetPath", "retry", "circuitBreaker",
                "auth", "public", "connectTimeout", "rateLimit"));
        Optional<PathTemplate> template = pathTemplate(route.path("path"), path + ".path");
        Set<String> methods = methods(route.path("methods"), path + ".methods");
        Optional<List<WeightedBackend>> backends = backends(route, path);
        Optional<Duration> timeout = route.has("timeout")
                ? duration(route.path("timeout"), path + ".timeout")
                : Optional.of(RouteConfig.DEFAULT_TIMEOUT);
        Optional<Long> maxBody = route.has("maxBodySize")
                ? size(route.path("maxBodySize"), path + ".maxBodySize")
                : Optional.of(RouteConfig.DEFAULT_MAX_BODY_BYTES);
        int before = in.problems();
        Optional<IpAccessConfig> ipAccess = IpAccessConfigReader.read(in, route.path("ipAccess"), path + ".ipAccess");
        HeaderRules requestHeaders = HeaderRulesReader.read(in, route.path("requestHeaders"), path + ".requestHeaders");
        HeaderRules responseHeaders = HeaderRulesReader.read(in, route.path("responseHeaders"), path + ".responseHeaders");
        PathRewrite rewrite = template.map(t -> rewrite(route, path, t)).orElse(PathRewrite.NONE);
        RetryConfig retry = RetryConfigReader.read(in, route.path("retry"), path + ".retry");
        Optional<CircuitBreakerConfig> breaker = CircuitBreakerConfigReader.read(in, route.path("circuitBreaker"),
                path + ".circuitBreaker");
        AuthConfig auth = AuthConfigReader.read(in, route, path, issuerNames);
        Duration connectTimeout = connectTimeout(route, path, timeout.orElse(RouteConfig.DEFAULT_TIMEOUT));
        Optional<RateLimitConfig> rateLimit = RateLimitConfigReader.read(in, route.path("rateLimit"), path + ".rateLimit");
        if (template.isPresent()) {
            for (String method : methods) {
                String earlier = routedBy.putIfAbsent(method + " " + template.get().shape(), path);
                if (earlier != null) {
                    in.problem(path, method + " " + template.get() + " (expected: a method and path no other route has; "
                            + earlier + " has it)");
                }
            }
        }
        if (template.isEmpty() || methods.isEmpty() || backends.isEmpty() || timeout.isEmpty() || maxBody.isEmpty()
                || in.problems() != before) {
            return Optional.empty();
        }
        return Optional.of(new RouteConfig(template.get().toString(), methods, backends.get(), timeout.get(), maxBody.get(),
                ipAccess, requestHeaders, responseHeaders, rewrite, retry, breaker, auth, connectTimeout, rateLimit));
    }

    /** At most the route's timeout, which covers connecting too; by default the lesser of the two. */
    private Duration connectTimeout(JsonNode route, String path, Duration timeout) {
        Duration fallback = RouteConfig.DEFAULT_CONNECT_TIMEOUT.compareTo(timeout) < 0 ? RouteConfig.DEFAULT_CONNECT_TIMEOUT : timeout;
        if (!route.has("connectTimeout")) {
            return fallback;
        }
        Optional<Duration> connect = duration(route.path("connectTimeout"), path + ".connectTimeout");
        if (connect.isPresent() && connect.get().compareTo(timeout) > 0) {
            in.problem(path + ".connectTimeout", route.path("connectTimeout").asText() + " (expected: at most the route's timeout, "
                    + Durations.show(timeout) + ")");
        }
        return connect.orElse(fallback);
    }

    private PathRewrite rewrite(JsonNode route, String path, PathTemplate template) {
        JsonNode strip = route.path("stripPrefix");
        JsonNode target = route.path("targetPath");
        if (!strip.isMissingNode() && !target.isMissingNode()) {
            in.problem(path, "both stripPrefix and targetPath (expected: at most one way to rewrite the path)");
            return PathRewrite.NONE;
        }
        if (!strip.isMissingNode()) {
            String prefix = strip.asText();
            boolean literalPrefix = strip.isTextual() && prefix.startsWith("/") && !prefix.endsWith("/")
                    && !prefix.contains("{") && (template.toString().equals(prefix) || template.toString().startsWith(prefix + "/"));
            if (!literalPrefix) {
                in.problem(path + ".stripPrefix", ConfigReader.describe(strip) + " (expected: whole leading segments of the route's path "
                        + template + ", such as /" + template.toString().split("/")[1] + ")");
                return PathRewrite.NONE;
            }
            return new PathRewrite(prefix, null);
        }
        if (!target.isMissingNode()) {
            Optional<PathTemplate> targetTemplate = target.isTextual() ? PathTemplate.parse(target.asText()) : Optional.empty();
            if (targetTemplate.isEmpty()) {
                in.problem(path + ".targetPath", ConfigReader.describe(target) + " (expected: a path such as /v2/orders/{id})");
                return PathRewrite.NONE;
            }
            Set<String> unknown = new TreeSet<>(targetTemplate.get().parameterNames());
            unknown.removeAll(template.parameterNames());
            if (!unknown.isEmpty()) {
                in.problem(path + ".targetPath", target.asText() + " (expected: only parameters of the route's path "
                        + template + "; unknown: " + String.join(", ", unknown) + ")");
                return PathRewrite.NONE;
            }
            return new PathRewrite(null, target.asText());
        }
        return PathRewrite.NONE;
    }

    private Optional<PathTemplate> pathTemplate(JsonNode node, String path) {
        if (!node.isTextual()) {
            in.problem(path, ConfigReader.describe(node) + " (expected: a path such as /orders/{id})");
            return Optional.empty();
        }
        Optional<PathTemplate> template = PathTemplate.parse(node.asText());
        if (template.isEmpty()) {
            in.problem(path, node.asText() + " (expected: a path such as /orders/{id}: starts with /, segments of"
                    + " letters, digits, - . _ ~ (not . or ..) or a {name})");
        } else if (node.asText().equals("/_tollgate") || node.asText().startsWith("/_tollgate/")) {
            in.problem(path, node.asText() + " (expected: a path outside /_tollgate, which the gateway keeps for itself)");
            return Optional.empty();
        }
        return template;
    }

    private Set<String> methods(JsonNode node, String path) {
        Set<String> methods = new LinkedHashSet<>();
        String expected = "a list of methods from " + String.join(", ", ConfigReader.sorted(METHODS));
        if (!node.isArray() || node.isEmpty()) {
            in.problem(path, ConfigReader.describe(node) + " (expected: " + expected + ")");
            return methods;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode method = node.get(i);
            String text = method.asText();
            if (!method.isTextual() || !METHODS.contains(text.toUpperCase(Locale.ROOT))) {
                in.problem(path + "[" + i + "]", ConfigReader.describe(method) + " (expected: one of "
                        + String.join(", ", ConfigReader.sorted(METHODS)) + ")");
            } else if (!methods.add(text.toUpperCase(Locale.ROOT))) {
                in.problem(path + "[" + i + "]", text + " (expected: each method once)");
            }
        }
        return methods;
    }

    private Optional<List<WeightedBackend>> backends(JsonNode route, String path) {
        boolean one = route.has("backend");
        boolean many = route.has("backends");
        if (one == many) {
            in.problem(one ? path : path + ".backend", (one ? "both backend and backends" : "missing")
                    + " (expected: backend, or backends with weights)");
            return Optional.empty();
        }
        if (one) {
            return backend(route.path("backend"), path + ".backend").map(t -> List.of(new WeightedBackend(t, 1)));
        }
        JsonNode list = route.path("backends");
        if (!list.isArray() || list.isEmpty()) {
            in.problem(path + ".backends", ConfigReader.describe(list) + " (expected: a list of {url, weight})");
            return Optional.empty();
        }
        int before = in.problems();
        List<WeightedBackend> backends = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String place = path + ".backends[" + i + "]";
            JsonNode entry = list.get(i);
            if (!entry.isObject()) {
                in.problem(place, ConfigReader.describe(entry) + " (expected: a map with url and weight)");
                continue;
            }
            in.unknownFields(entry, place, Set.of("url", "weight"));
            Optional<BackendTarget> target = backend(entry.path("url"), place + ".url");
            int weight = in.whole(entry, "weight", place, 0, WeightedBackend.MAX_WEIGHT, -1);
            if (!entry.has("weight")) {
                in.problem(place + ".weight", "missing (expected: a whole number from 0 to " + WeightedBackend.MAX_WEIGHT + ")");
            }
            if (target.isPresent() && weight >= 0) {
                backends.add(new WeightedBackend(target.get(), weight));
            }
        }
        if (in.problems() > before) {
            return Optional.empty();
        }
        if (backends.stream().mapToInt(WeightedBackend::weight).sum() == 0) {
            in.problem(path + ".backends", "weights that are all 0 (expected: at least one weight above 0)");
            return Optional.empty();
        }
        return Optional.of(backends);
    }

    private Optional<BackendTarget> backend(JsonNode node, String path) {
        String expected = "an http(s) base URL such as http://orders.internal:8080, " + EcsService.FORM
                + ", or ${stageVariables.NAME}";
        if (!node.isTextual()) {
            in.problem(path, ConfigReader.describe(node) + " (expected: " + expected + ")");
            return Optional.empty();
        }
        String written = node.asText();
        if (EcsService.isEcsUrl(written) && EcsService.expectation(written) != null) {
            in.problem(path, written + " (expected: " + EcsService.expectation(written) + ")");
            return Optional.empty();
        }
        Optional<BackendTarget> target = BackendTarget.parse(written);
        if (target.isEmpty()) {
            in.problem(path, written + " (expected: " + expected + ")");
            return Optional.empty();
        }
        Optional<String> variable = target.get().variable();
        if (variable.isPresent()) {
            for (StageConfig stage : stages.values()) {
                String value = stage.variables().get(variable.get());
                String place = "stages." + stage.name() + ".variables." + variable.get();
                if (value == null) {
                    in.problem(path, written + " (expected: a variable every stage defines; stage "
                            + stage.name() + " does not define " + variable.get() + ")");
                } else if (EcsService.isEcsUrl(value) && EcsService.expectation(value) != null) {
                    in.problem(place, value + " (expected: " + EcsService.expectation(value) + ", since " + path
                            + " sends requests there)");
                } else if (BackendTarget.address(value).isEmpty()) {
                    in.problem(place, value + " (expected: an http(s) base URL or " + EcsService.FORM + ", since " + path
                            + " sends requests there)");
                }
            }
        }
        return target;
    }

    private Optional<Duration> duration(JsonNode node, String path) {
        return in.duration(node, path, Duration.ofMillis(1), limits.maxTimeout(), "500ms or 10s");
    }

    private Optional<Long> size(JsonNode node, String path) {
        Matcher matcher = SIZE.matcher(node.isTextual() ? node.asText() : "");
        long bytes = -1;
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            bytes = switch (matcher.group(2)) {
                case "KB" -> amount * 1024;
                case "MB" -> amount * 1024 * 1024;
                default -> amount;
            };
        }
        if (bytes < 1 || bytes > limits.maxBodyBytes()) {
            in.problem(path, ConfigReader.describe(node) + " (expected: a size from 1B to " + limits.maxBodyBytes() / (1024 * 1024)
                    + "MB, such as 256KB or 1MB)");
            return Optional.empty();
        }
        return Optional.of(bytes);
    }
}
