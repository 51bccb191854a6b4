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
import dev.tollgate.policy.auth.apikey.ApiKeyConfig;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import dev.tollgate.policy.auth.jwt.JwtConfig;
import dev.tollgate.policy.auth.jwt.JwtIssuerConfig;
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
import java.net.URI;
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
    private static final int MIN_KEY_LENGTH = 8;
    /** RFC 6749's scope-token. */
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5b\\x5d-\\x7e]{1,256}");
    /** Claim names: anything visible, since some are URLs ({@code https://example.com/tenant}). */
    private static final Pattern CLAIM_NAME = Pattern.compile("[\\x21-\\x7e]{1,256}");

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
            List<ApiKeyConfig> keys = apiKeys(root.path("apiKeys"), stages.keySet(), planNames);
            JwtConfig jwt = jwt(root.path("jwt"), stages, planNames);
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

        private List<ApiKeyConfig> apiKeys(JsonNode node, Set<String> stages, Set<String> plans) {
            List<ApiKeyConfig> keys = new ArrayList<>();
            if (node.isMissingNode() || node.isNull()) {
                return keys;
            }
            if (!node.isArray()) {
                in.problem("apiKeys", ConfigReader.describe(node) + " (expected: a list of keys)");
                return keys;
            }
            Map<String, String> pathById = new HashMap<>();
            Map<String, String> pathByHash = new HashMap<>();
            for (int i = 0; i < node.size(); i++) {
                String path = "apiKeys[" + i + "]";
                JsonNode key = node.get(i);
                if (!key.isObject()) {
                    in.problem(path, ConfigReader.describe(key) + " (expected: a map with id, value or sha256, consumer, stage, plan)");
                    continue;
                }
                in.unknownFields(key, path, Set.of("id", "value", "sha256", "consumer", "stage", "plan"));
                Optional<String> id = in.name(key.path("id"), path + ".id", "a key id of letters, digits, ., - and _");
                id.ifPresent(value -> {
                    String earlier = pathById.putIfAbsent(value, path);
                    if (earlier != null) {
                        in.problem(path + ".id", value + " (expected: an id no other key has; " + earlier + " has it)");
                    }
                });
                Optional<String> hash = keyHash(key, path);
                hash.ifPresent(value -> {
                    String earlier = pathByHash.putIfAbsent(value, path);
                    if (earlier != null) {
                        in.problem(path, "the same key as " + earlier + " (expected: each key once)");
                    }
                });
                Optional<String> consumer = in.name(key.path("consumer"), path + ".consumer",
                        "a consumer name of letters, digits, ., - and _");
                Optional<String> stage = in.reference(key.path("stage"), path + ".stage", stages, "a stage");
                Optional<String> plan = in.reference(key.path("plan"), path + ".plan", plans, "a plan");
                if (id.isPresent() && hash.isPresent() && consumer.isPresent() && stage.isPresent() && plan.isPresent()) {
                    keys.add(new ApiKeyConfig(id.get(), hash.get(), consumer.get(), stage.get(), plan.get()));
                }
            }
            return keys;
        }

        private Optional<String> keyHash(JsonNode key, String path) {
            JsonNode value = key.path("value");
            JsonNode sha = key.path("sha256");
            if (value.isMissingNode() == sha.isMissingNode()) {
                in.problem(path, (value.isMissingNode() ? "neither value nor sha256" : "both value and sha256")
                        + " (expected: exactly one: the key itself as value, or its SHA-256 as sha256)");
                return Optional.empty();
            }
            if (!value.isMissingNode()) {
                if (!value.isTextual() || value.asText().length() < MIN_KEY_LENGTH) {
                    in.problem(path + ".value", "a key of " + value.asText().length() + " characters (expected: at least "
                            + MIN_KEY_LENGTH + " characters)");
                    return Optional.empty();
                }
                return Optional.of(ApiKeyHash.sha256Hex(value.asText()));
            }
            if (!sha.isTextual() || !sha.asText().matches("[0-9a-fA-F]{64}")) {
                in.problem(path + ".sha256", ConfigReader.describe(sha) + " (expected: 64 hexadecimal digits)");
                return Optional.empty();
            }
            return Optional.of(sha.asText().toLowerCase(Locale.ROOT));
        }

        private JwtConfig jwt(JsonNode node, Map<String, StageConfig> stages, Set<String> plans) {
            if (node.isMissingNode() || node.isNull()) {
                return JwtConfig.NONE;
            }
            if (!node.isObject()) {
                in.problem("jwt", ConfigReader.describe(node) + " (expected: a map with issuers and tokenCacheSize)");
                return JwtConfig.NONE;
            }
            in.unknownFields(node, "jwt", Set.of("issuers", "tokenCacheSize"));
            int cacheSize = in.whole(node, "tokenCacheSize", "jwt", 0, JwtConfig.MAX_TOKEN_CACHE_SIZE,
                    JwtConfig.DEFAULT_TOKEN_CACHE_SIZE);
            Map<String, JwtIssuerConfig> issuers = new LinkedHashMap<>();
            if (in.requireMap(node.path("issuers"), "jwt.issuers", "a map of issuer names to their issuer, audiences and plan")) {
                Map<String, String> nameByIss = new HashMap<>();
                node.path("issuers").fields().forEachRemaining(entry -> issuer(entry.getKey(), entry.getValue(), stages, plans)
                        .ifPresent(issuer -> {
                            // A token names its issuer by iss alone, so one iss must mean one entry (one plan, one namespace).
                            String earlier = nameByIss.putIfAbsent(issuer.issuer(), issuer.name());
                            if (earlier != null) {
                                in.problem("jwt.issuers." + issuer.name() + ".issuer", issuer.issuer() + " (expected: an iss no"
                                        + " other issuer has; jwt.issuers." + earlier + " has it: give one entry a planClaim"
                                        + " instead of two entries)");
                            } else {
                                issuers.put(issuer.name(), issuer);
                            }
                        }));
            }
            return new JwtConfig(cacheSize, issuers);
        }

        private Optional<JwtIssuerConfig> issuer(String name, JsonNode node, Map<String, StageConfig> stages, Set<String> plans) {
            String path = "jwt.issuers." + name;
            int before = problems.size();
            if (!NAME.matcher(name).matches()) {
                in.problem(path, name + " (expected: an issuer name of letters, digits, ., - and _)");
            }
            if (!node.isObject()) {
                in.problem(path, ConfigReader.describe(node) + " (expected: a map with issuer, audiences and plan)");
                return Optional.empty();
            }
            in.unknownFields(node, path, Set.of("issuer", "jwksUri", "audiences", "algorithms", "clockSkew",
                    "jwksRefreshInterval", "jwksMaxAge", "consumerClaim", "plan", "planClaim", "maxTokenLifetime"));
            JsonNode iss = node.path("issuer");
            boolean issText = iss.isTextual() && !iss.asText().isBlank() && iss.asText().length() <= 2048;
            if (!issText) {
                in.problem(path + ".issuer", ConfigReader.describe(iss) + " (expected: the exact iss of the issuer's tokens,"
                        + " such as https://login.example.com/)");
            }
            Optional<URI> jwksUri = Optional.empty();
            JsonNode jwks = node.path("jwksUri");
            if (!jwks.isMissingNode()) {
                jwksUri = jwks.isTextual() ? httpUrl(jwks.asText()) : Optional.empty();
                if (jwksUri.isEmpty()) {
                    in.problem(path + ".jwksUri", ConfigReader.describe(jwks) + " (expected: the http(s) URL of the issuer's JWK set)");
                }
            } else if (issText && httpUrl(iss.asText()).isEmpty()) {
                in.problem(path + ".issuer", iss.asText() + " (expected: an http(s) URL to discover the keys from,"
                        + " since jwksUri is not given)");
            }
            List<String> audiences = in.texts(node.path("audiences"), path + ".audiences", true,
                    value -> !value.isBlank() && value.length() <= 2048
                            // A mistyped reference would be taken literally, and then no token would ever match.
                            && (!value.contains("${") || StageConfig.variableReference(value).isPresent()),
                    "an audience, or ${stageVariables.NAME}");
            for (int i = 0; i < audiences.size(); i++) {
                Optional<String> variable = StageConfig.variableReference(audiences.get(i));
                for (StageConfig stage : stages.values()) {
                    if (variable.isPresent() && !stage.variables().containsKey(variable.get())) {
                        in.problem(path + ".audiences[" + i + "]", audiences.get(i) + " (expected: a variable every stage defines;"
                                + " stage " + stage.name() + " does not define " + variable.get() + ")");
                    }
                }
            }
            Set<String> algorithms = node.has("algorithms")
                    ? new LinkedHashSet<>(in.texts(node.path("algorithms"), path + ".algorithms", true,
                            JwtIssuerConfig.SUPPORTED_ALGORITHMS::contains, "one of "
                                    + String.join(", ", ConfigReader.sorted(JwtIssuerConfig.SUPPORTED_ALGORITHMS))
                                    + "; never none or an HMAC algorithm"))
                    : JwtIssuerConfig.DEFAULT_ALGORITHMS;
            Duration clockSkew = in.duration(node, "clockSkew", path, Duration.ZERO, JwtIssuerConfig.MAX_CLOCK_SKEW,
                    JwtIssuerConfig.DEFAULT_CLOCK_SKEW);
            Duration refreshInterval = in.duration(node, "jwksRefreshInterval", path, Duration.ofSeconds(1), Duration.ofHours(1),
                    JwtIssuerConfig.DEFAULT_JWKS_REFRESH_INTERVAL);
            Duration maxAge = in.duration(node, "jwksMaxAge", path, Duration.ofMinutes(1), Duration.ofHours(24),
                    JwtIssuerConfig.DEFAULT_JWKS_MAX_AGE);
            String consumerClaim = node.has("consumerClaim")
                    ? claimName(node.path("consumerClaim"), path + ".consumerClaim").orElse(JwtIssuerConfig.DEFAULT_CONSUMER_CLAIM)
                    : JwtIssuerConfig.DEFAULT_CONSUMER_CLAIM;
            Duration maxTokenLifetime = in.duration(node, "maxTokenLifetime", path, Duration.ofMinutes(1),
                    JwtIssuerConfig.MAX_MAX_TOKEN_LIFETIME, JwtIssuerConfig.DEFAULT_MAX_TOKEN_LIFETIME);
            Optional<String> plan = in.reference(node.path("plan"), path + ".plan", plans, "a plan");
            Optional<String> planClaim = node.has("planClaim") ? claimName(node.path("planClaim"), path + ".planClaim")
                    : Optional.empty();
            if (problems.size() > before || plan.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new JwtIssuerConfig(name, iss.asText(), jwksUri, audiences, algorithms, clockSkew,
                    refreshInterval, maxAge, consumerClaim, plan.get(), planClaim, maxTokenLifetime));
        }

        private Optional<String> claimName(JsonNode node, String path) {
            if (!node.isTextual() || !CLAIM_NAME.matcher(node.asText()).matches()) {
                in.problem(path, ConfigReader.describe(node) + " (expected: a claim name such as sub or client_id)");
                return Optional.empty();
            }
            return Optional.of(node.asText());
        }

        /** The route's credentials: {@code auth}, {@code public: true}, or by default an API key. */
        private AuthConfig auth(JsonNode route, String path, Set<String> issuerNames) {
            JsonNode node = route.path("auth");
            JsonNode publicNode = route.path("public");
            boolean open = false;
            if (!publicNode.isMissingNode()) {
                if (!publicNode.isBoolean()) {
                    in.problem(path + ".public", ConfigReader.describe(publicNode) + " (expected: true or false)");
                } else {
                    open = publicNode.booleanValue();
                }
            }
            if (node.isMissingNode() || node.isNull()) {
                return open ? AuthConfig.PUBLIC : AuthConfig.API_KEY;
            }
            if (open) {
                in.problem(path + ".public", "true together with auth (expected: either public: true, or auth naming the"
                        + " credentials the route accepts)");
                return AuthConfig.PUBLIC;
            }
            if (!node.isObject()) {
                in.problem(path + ".auth", ConfigReader.describe(node) + " (expected: a map with apiKey, jwt, scopes and/or claims)");
                return AuthConfig.API_KEY;
            }
            String place = path + ".auth";
            in.unknownFields(node, place, Set.of("apiKey", "jwt", "scopes", "claims"));
            boolean jwt = node.has("jwt");
            List<String> issuers = jwt ? in.texts(node.path("jwt"), place + ".jwt", true, issuerNames::contains,
                    "an issuer defined under jwt.issuers: " + (issuerNames.isEmpty() ? "none are defined"
                            : String.join(", ", issuerNames))) : List.of();
            boolean apiKey = !jwt;
            JsonNode apiKeyNode = node.path("apiKey");
            if (!apiKeyNode.isMissingNode()) {
                if (!apiKeyNode.isBoolean()) {
                    in.problem(place + ".apiKey", ConfigReader.describe(apiKeyNode) + " (expected: true or false)");
                } else {
                    apiKey = apiKeyNode.booleanValue();
                }
            }
            Set<String> scopes = node.has("scopes") ? new LinkedHashSet<>(in.texts(node.path("scopes"), place + ".scopes", true,
                    value -> SCOPE.matcher(value).matches(), "a scope such as orders:read")) : Set.of();
            Map<String, List<String>> claims = requiredClaims(node.path("claims"), place + ".claims");
            if (!apiKey && !jwt) {
                in.problem(place, "no credentials (expected: apiKey: true, jwt issuers, or public: true on the route)");
            } else if (apiKey && (!scopes.isEmpty() || !claims.isEmpty())) {
                in.problem(place, "scopes or claims with apiKey: true (expected: jwt issuers and apiKey: false, since API keys"
                        + " carry no scopes or claims)");
            }
            return new AuthConfig(false, apiKey, issuers, scopes, claims);
        }

        private Map<String, List<String>> requiredClaims(JsonNode node, String path) {
            Map<String, List<String>> claims = new LinkedHashMap<>();
            if (node.isMissingNode()) {
                return claims;
            }
            if (!node.isObject() || node.isEmpty()) {
                in.problem(path, ConfigReader.describe(node) + " (expected: a map of claim names to a value or a list of values)");
                return claims;
            }
            node.fields().forEachRemaining(entry -> {
                String place = path + "." + entry.getKey();
                JsonNode value = entry.getValue();
                if (!CLAIM_NAME.matcher(entry.getKey()).matches()) {
                    in.problem(place, "not a claim name (expected: visible characters, no spaces)");
                } else if (value.isValueNode() && !value.isNull()) {
                    claims.put(entry.getKey(), List.of(value.asText()));
                } else if (value.isArray() && !value.isEmpty()) {
                    List<String> values = new ArrayList<>();
                    for (int i = 0; i < value.size(); i++) {
                        if (!value.get(i).isValueNode() || value.get(i).isNull()) {
                            in.problem(place + "[" + i + "]", ConfigReader.describe(value.get(i)) + " (expected: a text, number or true/false)");
                        } else {
                            values.add(value.get(i).asText());
                        }
                    }
                    claims.put(entry.getKey(), values);
                } else {
                    in.problem(place, ConfigReader.describe(value) + " (expected: a value, or a list of the values allowed)");
                }
            });
            return claims;
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
                AuthConfig auth = auth(route, path, issuerNames);
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

    /** An http(s) URL with a host, such as a JWK set's. */
    /** An absolute {@code http(s)} URL with a host and no user info, or empty. */
    public static Optional<URI> httpUrl(String value) {
        try {
            URI uri = new URI(value);
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            return http && uri.getHost() != null && uri.getRawUserInfo() == null ? Optional.of(uri) : Optional.empty();
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

}
