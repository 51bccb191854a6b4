package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.policy.auth.apikey.ApiKeyConfig;
import dev.tollgate.policy.auth.apikey.ApiKeyConfigReader;
import dev.tollgate.policy.auth.jwt.JwtConfig;
import dev.tollgate.policy.auth.jwt.JwtConfigReader;
import dev.tollgate.policy.cors.CorsConfig;
import dev.tollgate.policy.cors.CorsConfigReader;
import dev.tollgate.policy.ip.IpAccessConfig;
import dev.tollgate.policy.ip.IpAccessConfigReader;
import dev.tollgate.policy.route.RouteConfig;
import dev.tollgate.policy.route.RouteConfigReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a configuration file into a validated {@link GatewayConfig}, or fails naming every
 * problem with its line, its path, the value found and what was expected:
 * {@code tollgate.yaml:14: routes[1].timeout: 90s (expected: a duration from 1ms to 30s, such as 500ms or 10s)}.
 * Each part is read by its policy's reader beside its record ({@code RateLimitConfigReader} beside
 * {@code RateLimitConfig}, ...); this class reads the document, the stages and their variables, and hands each
 * reader the names it may refer to: stages, plans, JWT issuers.
 */
public final class ConfigLoader {

    static final Set<String> TOP_LEVEL = Set.of("stages", "plans", "apiKeys", "routes", "cors", "ipAccess", "jwt");

    /** The characters API Gateway accepts in a stage variable's value. */
    private static final Pattern VARIABLE_VALUE = Pattern.compile("[A-Za-z0-9\\-._~:/?#&=,]{1,2048}");

    private ConfigLoader() {
    }

    public static GatewayConfig load(Path file) {
        return load(file, PlatformLimits.DEFAULT);
    }

    /** Reads a configuration for a platform that allows {@code limits}. */
    public static GatewayConfig load(Path file, PlatformLimits limits) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0, "",
                    "cannot be read: " + e.getMessage() + " (expected: a readable YAML file)")));
        }
        return parse(text, file.getFileName().toString(), limits);
    }

    /** Reads a configuration from the classpath, as the Lambda artifact bundles it. */
    public static GatewayConfig loadResource(String resource) {
        return loadResource(resource, PlatformLimits.DEFAULT);
    }

    /** Reads a configuration from the classpath, for a platform that allows {@code limits}. */
    public static GatewayConfig loadResource(String resource, PlatformLimits limits) {
        try (var in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigException(List.of(new ConfigProblem(resource, 0, "",
                        "not found on the classpath (expected: a bundled configuration file)")));
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource, limits);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static GatewayConfig parse(String text, String source) {
        return parse(text, source, PlatformLimits.DEFAULT);
    }

    /** Reads a configuration for a platform that allows {@code limits}. */
    public static GatewayConfig parse(String text, String source, PlatformLimits limits) {
        YamlDocument document = YamlDocument.parse(text, source);
        if (!document.readable()) {
            throw new ConfigException(document.syntaxProblems());
        }
        Reader reader = new Reader(document, source, limits);
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
        private final List<ConfigProblem> problems = new ArrayList<>();
        private final ConfigReader in;
        private final PlatformLimits limits;

        Reader(YamlDocument document, String source, PlatformLimits limits) {
            this.document = document;
            this.in = new ConfigReader(document, source, problems::add);
            this.limits = limits;
        }

        GatewayConfig read() {
            JsonNode root = document.root();
            if (!root.isObject()) {
                in.problem("", ConfigReader.describe(root) + " (expected: a map with "
                        + String.join(", ", ConfigReader.sorted(TOP_LEVEL)) + ")");
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
                if (!StageConfig.NAME.matcher(name).matches()) {
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
                            if (!StageConfig.VARIABLE_NAME.matcher(v.getKey()).matches()) {
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
            node.fields().forEachRemaining(entry -> PlanConfigReader.read(in, entry.getKey(), entry.getValue())
                    .ifPresent(plan -> plans.put(plan.name(), plan)));
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
            RouteConfigReader routeReader = new RouteConfigReader(in, stages, issuerNames, limits);
            for (int i = 0; i < node.size(); i++) {
                String path = "routes[" + i + "]";
                routeReader.read(node.get(i), path).ifPresent(routes::add);
            }
            return routes;
        }

    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

}
