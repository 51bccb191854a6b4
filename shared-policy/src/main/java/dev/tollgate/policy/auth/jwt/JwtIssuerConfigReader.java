package dev.tollgate.policy.auth.jwt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ConfigReader;
import dev.tollgate.config.StageConfig;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads one entry of {@code jwt.issuers} into a {@link JwtIssuerConfig}. */
public final class JwtIssuerConfigReader {

    /** Claim names: anything visible, since some are URLs ({@code https://example.com/tenant}). */
    public static final Pattern CLAIM_NAME = Pattern.compile("[\\x21-\\x7e]{1,256}");

    private JwtIssuerConfigReader() {
    }

    /** The issuer {@code name}; empty if any of its settings is refused, each problem named. */
    public static Optional<JwtIssuerConfig> read(ConfigReader in, String name, JsonNode node, Map<String, StageConfig> stages,
                                                 Set<String> plans) {
        String path = "jwt.issuers." + name;
        int before = in.problems();
        if (!ConfigReader.NAME.matcher(name).matches()) {
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
            jwksUri = jwks.isTextual() ? ConfigReader.httpUrl(jwks.asText()) : Optional.empty();
            if (jwksUri.isEmpty()) {
                in.problem(path + ".jwksUri", ConfigReader.describe(jwks) + " (expected: the http(s) URL of the issuer's JWK set)");
            }
        } else if (issText && ConfigReader.httpUrl(iss.asText()).isEmpty()) {
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
        Duration refreshInterval = in.duration(node, "jwksRefreshInterval", path, JwtIssuerConfig.MIN_JWKS_REFRESH_INTERVAL,
                JwtIssuerConfig.MAX_JWKS_REFRESH_INTERVAL,
                JwtIssuerConfig.DEFAULT_JWKS_REFRESH_INTERVAL);
        Duration maxAge = in.duration(node, "jwksMaxAge", path, JwtIssuerConfig.MIN_JWKS_MAX_AGE, JwtIssuerConfig.MAX_JWKS_MAX_AGE,
                JwtIssuerConfig.DEFAULT_JWKS_MAX_AGE);
        String consumerClaim = node.has("consumerClaim")
                ? claimName(in, node.path("consumerClaim"), path + ".consumerClaim").orElse(JwtIssuerConfig.DEFAULT_CONSUMER_CLAIM)
                : JwtIssuerConfig.DEFAULT_CONSUMER_CLAIM;
        Duration maxTokenLifetime = in.duration(node, "maxTokenLifetime", path, JwtIssuerConfig.MIN_MAX_TOKEN_LIFETIME,
                JwtIssuerConfig.MAX_MAX_TOKEN_LIFETIME, JwtIssuerConfig.DEFAULT_MAX_TOKEN_LIFETIME);
        Optional<String> plan = in.reference(node.path("plan"), path + ".plan", plans, "a plan");
        Optional<String> planClaim = node.has("planClaim") ? claimName(in, node.path("planClaim"), path + ".planClaim")
                : Optional.empty();
        if (in.problems() > before || plan.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new JwtIssuerConfig(name, iss.asText(), jwksUri, audiences, algorithms, clockSkew,
                refreshInterval, maxAge, consumerClaim, plan.get(), planClaim, maxTokenLifetime));
    }

    static Optional<String> claimName(ConfigReader in, JsonNode node, String path) {
        if (!node.isTextual() || !CLAIM_NAME.matcher(node.asText()).matches()) {
            in.problem(path, ConfigReader.describe(node) + " (expected: a claim name such as sub or client_id)");
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }
}
