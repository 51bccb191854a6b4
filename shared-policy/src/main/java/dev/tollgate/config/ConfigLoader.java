package dev.tollgate.config;

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
import dev.tollgate.policy.auth.AuthConfig;
import dev.tollgate.policy.auth.AuthConfigReader;
import dev.tollgate.policy.auth.apikey.ApiKeyConfig;
import dev.tollgate.policy.auth.apikey.ApiKeyConfigReader;
import dev.tollgate.policy.auth.jwt.JwtConfig;
import dev.tollgate.policy.auth.jwt.JwtConfigReader;
import dev.tollgate.policy.cors.CorsConfig;
import dev.tollgate.policy.cors.CorsConfigReader;
import dev.tollgate.policy.ip.IpAccessConfig;
import dev.tollgate.policy.ip.IpAccessConfigReader;
import dev.tollgate.policy.quota.QuotaConfig;
import dev.tollgate.policy.quota.QuotaConfigReader;
import dev.tollgate.policy.ratelimit.RateLimitConfig;
import dev.tollgate.policy.ratelimit.RateLimitConfigReader;
import dev.tollgate.policy.route.PathTemplate;
import dev.tollgate.policy.route.RouteConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a configuration file into a validated {@link GatewayConfig}, or fails naming every
 * problem with its line, its path, the value found and what was expected:
 * {@code tollgate.yaml:14: routes[1].timeout: 90s (expected: a duration from 1ms to 30s, such as 500ms or 10s)}.
 */
public final class ConfigLoader {

    static final Set<String> TOP_LEVEL = Set.of("stages", "plans", "apiKeys", "routes", "cors", "ipAccess", "jwt");
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    /** The characters API Gateway accepts in a stage variable's value. */
    private static final Pattern VARIABLE_VALUE = Pattern.compile("[A-Za-z0-9\\-._~:/?#&=,]{1,2048}");
    private static final Pattern NAME = ConfigReader.NAME;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,9})(B|KB|MB)");

    private ConfigLoader() {
    }

    public static GatewayConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0, "",
                    "cannot be read: " + e.getMessage() + " (expected: a readable YAML file)")));
        }
        return parse(text, file.getFileName().toString());
    }

    /** Reads a configuration from the classpath, as the Lambda artifact bundles it. */
    public static GatewayConfig loadResource(String resource) {
        try (var in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigException(List.of(new ConfigProblem(resource, 0, "",
                        "not found on the classpath (expected: a bundled configuration file)")));
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static GatewayConfig parse(String text, String source) {
        YamlDocument document = YamlDocument.parse(text, source);
        if (!document.readable()) {
            throw new ConfigException(document.syntaxProblems());
        }
        Reader reader = new Reader(document, source);
        GatewayConfig config = reader.read();
        List<ConfigProblem> problems = new ArrayList<>(document.syntaxProblems());
        problems.addAll(reader.problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /** One pass over one document, collecting problems instead of stopping at the first. */
    private static final class Reader {
        private final YamlDocument document;
        private final String source;
        private final List<ConfigProblem> problems = new ArrayList<>();
        private final ConfigReader in;
        private final ConfigNumbers numbers;

        Reader(YamlDocument document, String source) {
            this.document = document;
            this.source = source;
            this.in = new ConfigReader(document, source, problems::add);
            this.numbers = in.numbers();
        }

        GatewayConfig read() {
            JsonNode root = document.root();
            if (!root.isObject()) {
                in.problem("", ConfigReader.describe(root) + " (expected: a map with " + String.join(", ", ConfigReader.sorted(TOP_LEVEL)) + ")");
                return new GatewayConfig(Map.of(), Map.of(), List.of(), List.of(), Optional.empty(), IpAccessConfig.ANYONE,
                        JwtConfig.NONE);
            }
            in.unknownFields(root, "", TOP_LEVEL);
            Map<String, StageConfig> stages = stages(root.path("stages"));
            Map<String, PlanConfig> plans = plans(root.path("plans"));
            // A plan with a bad quota is still a plan: keys naming it are not wrong too.
            Set<String> planNames = root.path("plans").isObject() ? fieldNames(root.path("plans")) : Set.of();
            List<ApiKeyConfig> keys = ApiKeyConfigReader.read(in, root.path("apiKeys"), stages.keySet(), planNames);
            JwtConfig jwt = JwtConfigReader.read(in, root.path("jwt"), stages, planNames);
            // Likewise, an issuer with a bad setting is still an issuer routes may name.
            Set<String> issuerNames = root.path("jwt").path("issuers").isObject()
                    ? fieldNames(root.path("jwt").path("issuers")) : Set.of();
            List<RouteConfig> routes = routes(root.path("routes"), stages, issuerNames);
            Optional<CorsConfig> cors = CorsConfigReader.read(in, root.path("cors"));
            IpAccessConfig ipAccess = IpAccessConfigReader.read(in, root.path("ipAccess"), "ipAccess")
                    .orElse(IpAccessConfig.ANYONE);
            return new GatewayConfig(stages, plans, keys, routes, cors, ipAccess, jwt);
        }

        private Map<String, StageConfig> stages(JsonNode node) {
            Map<String, StageConfig> stages = new LinkedHashMap<>();
            if (!in.requireMap(node, "stages", "a map of stage names (such as dev, prod) to their variables")) {
                return stages;
            }
            node.fields().forEachRemaining(entry -> {
                String name = entry.getKey();
                String path = "stages." + name;
                if (!STAGE_NAME.matcher(name).matches()) {
                    in.problem(path, name + " (expected: a stage name of letters, digits, - and _)");
                }
                JsonNode stage = entry.getValue();
                Map<String, String> variables = new LinkedHashMap<>();
                if (stage.isNull()) {
                    stages.put(name, new StageConfig(name, variables));
                    return;
                }
                if (!stage.isObject()) {
                    in.problem(path, ConfigReader.describe(stage) + " (expected: a map with variables)");
                    return;
                }
                in.unknownFields(stage, path, Set.of("variables"));
                JsonNode vars = stage.path("variables");
                if (!vars.isMissingNode() && !vars.isNull()) {
                    if (!vars.isObject()) {
                        in.problem(path + ".variables", ConfigReader.describe(vars) + " (expected: a map of variable names to values)");
                    } else {
                        vars.fields().forEachRemaining(v -> {
                            String varPath = path + ".variables." + v.getKey();
                            if (!VARIABLE_NAME.matcher(v.getKey()).matches()) {
                                in.problem(varPath, v.getKey() + " (expected: a variable name of letters, digits and _)");
                            }
                            JsonNode value = v.getValue();
                            if (!value.isValueNode() || value.isNull()) {
                                in.problem(varPath, ConfigReader.describe(value) + " (expected: a text value)");
                            } else if (!VARIABLE_VALUE.matcher(value.asText()).matches()) {
                                in.problem(varPath, ConfigReader.describe(value)
                                        + " (expected: 1 to 2048 of the characters A-Z a-z 0-9 - . _ ~ : / ? # & = ,)");
                            } else {
                                variables.put(v.getKey(), value.asText());
                            }
                        });
                    }
                }
                stages.put(name, new StageConfig(name, variables));
            });
            return stages;
        }

        private Map<String, PlanConfig> plans(JsonNode node) {
            Map<String, PlanConfig> plans = new LinkedHashMap<>();
            if (!in.requireMap(node, "plans", "a map of plan names to their quotas")) {
                return plans;
            }
            node.fields().forEachRemaining(entry -> {
                String name = entry.getKey();
                String path = "plans." + name;
                if (!NAME.matcher(name).matches()) {
                    in.problem(path, name + " (expected: a plan name of letters, digits, ., - and _)");
                }
                JsonNode plan = entry.getValue();
                if (!plan.isObject()) {
                    in.problem(path, ConfigReader.describe(plan) + " (expected: a map with quota, rateLimit, or both)");
                    return;
                }
                in.unknownFields(plan, path, Set.of("quota", "rateLimit", "failOpen"));
                boolean failOpen = PlanConfig.DEFAULT_FAIL_OPEN;
                JsonNode failOpenNode = plan.path("failOpen");
                if (!failOpenNode.isMissingNode() && !failOpenNode.isBoolean()) {
                    in.problem(path + ".failOpen", ConfigReader.describe(failOpenNode) + " (expected: true or false)");
                } else if (failOpenNode.isBoolean()) {
                    failOpen = failOpenNode.booleanValue();
                }
                if (!plan.has("quota") && !plan.has("rateLimit")) {
                    in.problem(path, "neither quota nor rateLimit (expected: quota, rateLimit, or both)");
                    return;
                }
                int before = problems.size();
                List<QuotaConfig> quotas = plan.has("quota") ? QuotaConfigReader.read(in, plan.path("quota"), path + ".quota")
                        : List.of();
                Optional<RateLimitConfig> rateLimit = RateLimitConfigReader.read(in, plan.path("rateLimit"), path + ".rateLimit");
                if (problems.size() == before) {
                    plans.put(name, new PlanConfig(name, quotas, rateLimit, failOpen));
                }
            });
            return plans;
        }

        private List<RouteConfig> routes(JsonNode node, Map<String, StageConfig> stages, Set<String> issuerNames) {
            List<RouteConfig> routes = new ArrayList<>();
            if (node.isMissingNode() || node.isNull() || (node.isArray() && node.isEmpty())) {
                in.problem("routes", (node.isArray() ? "an empty list" : "missing") + " (expected: a list of at least one route)");
                return routes;
            }
            if (!node.isArray()) {
                in.problem("routes", ConfigReader.describe(node) + " (expected: a list of routes)");
                return routes;
            }
            Map<String, String> routedBy = new HashMap<>();
            for (int i = 0; i < node.size(); i++) {
                String path = "routes[" + i + "]";
                JsonNode route = node.get(i);
                if (!route.isObject()) {
                    in.problem(path, ConfigReader.describe(route) + " (expected: a map with path, methods, backend)");
                    continue;
                }
                in.unknownFields(route, path, Set.of("path", "methods", "backend", "backends", "timeout", "maxBodySize", "ipAccess",
                        "requestHeaders", "responseHeaders", "stripPrefix", "targetPath", "retry", "circuitBreaker",
                        "auth", "public", "connectTimeout", "rateLimit"));
                Optional<PathTemplate> template = pathTemplate(route.path("path"), path + ".path");
                Set<String> methods = methods(route.path("methods"), path + ".methods");
                Optional<List<WeightedBackend>> backends = backends(route, path, stages);
                Optional<Duration> timeout = route.has("timeout")
                        ? duration(route.path("timeout"), path + ".timeout")
                        : Optional.of(RouteConfig.DEFAULT_TIMEOUT);
                Optional<Long> maxBody = route.has("maxBodySize")
                        ? size(route.path("maxBodySize"), path + ".maxBodySize")
                        : Optional.of(RouteConfig.DEFAULT_MAX_BODY_BYTES);
                int before = problems.size();
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
                if (template.isPresent() && !methods.isEmpty() && backends.isPresent() && timeout.isPresent()
                        && maxBody.isPresent() && problems.size() == before) {
                    routes.add(new RouteConfig(template.get().toString(), methods, backends.get(), timeout.get(), maxBody.get(),
                            ipAccess, requestHeaders, responseHeaders, rewrite, retry, breaker, auth, connectTimeout, rateLimit));
                }
            }
            return routes;
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
                Set<String> unknown = new java.util.TreeSet<>(targetTemplate.get().parameterNames());
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
                    in.problem(path + "[" + i + "]", ConfigReader.describe(method) + " (expected: one of " + String.join(", ", ConfigReader.sorted(METHODS)) + ")");
                } else if (!methods.add(text.toUpperCase(Locale.ROOT))) {
                    in.problem(path + "[" + i + "]", text + " (expected: each method once)");
                }
            }
            return methods;
        }

        private Optional<List<WeightedBackend>> backends(JsonNode route, String path, Map<String, StageConfig> stages) {
            boolean one = route.has("backend");
            boolean many = route.has("backends");
            if (one == many) {
                in.problem(one ? path : path + ".backend", (one ? "both backend and backends" : "missing")
                        + " (expected: backend, or backends with weights)");
                return Optional.empty();
            }
            if (one) {
                return backend(route.path("backend"), path + ".backend", stages).map(t -> List.of(new WeightedBackend(t, 1)));
            }
            JsonNode list = route.path("backends");
            if (!list.isArray() || list.isEmpty()) {
                in.problem(path + ".backends", ConfigReader.describe(list) + " (expected: a list of {url, weight})");
                return Optional.empty();
            }
            int before = problems.size();
            List<WeightedBackend> backends = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String place = path + ".backends[" + i + "]";
                JsonNode entry = list.get(i);
                if (!entry.isObject()) {
                    in.problem(place, ConfigReader.describe(entry) + " (expected: a map with url and weight)");
                    continue;
                }
                in.unknownFields(entry, place, Set.of("url", "weight"));
                Optional<BackendTarget> target = backend(entry.path("url"), place + ".url", stages);
                int weight = in.whole(entry, "weight", place, 0, WeightedBackend.MAX_WEIGHT, -1);
                if (!entry.has("weight")) {
                    in.problem(place + ".weight", "missing (expected: a whole number from 0 to " + WeightedBackend.MAX_WEIGHT + ")");
                }
                if (target.isPresent() && weight >= 0) {
                    backends.add(new WeightedBackend(target.get(), weight));
                }
            }
            if (problems.size() > before) {
                return Optional.empty();
            }
            if (backends.stream().mapToInt(WeightedBackend::weight).sum() == 0) {
                in.problem(path + ".backends", "weights that are all 0 (expected: at least one weight above 0)");
                return Optional.empty();
            }
            return Optional.of(backends);
        }

        private Optional<BackendTarget> backend(JsonNode node, String path, Map<String, StageConfig> stages) {
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
            return in.duration(node, path, Duration.ofMillis(1), RouteConfig.MAX_TIMEOUT, "500ms or 10s");
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
            if (bytes < 1 || bytes > RouteConfig.MAX_MAX_BODY_BYTES) {
                in.problem(path, ConfigReader.describe(node) + " (expected: a size from 1B to 10MB, such as 256KB or 1MB)");
                return Optional.empty();
            }
            return Optional.of(bytes);
        }

    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

}
