package dev.tollgate.policy.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ConfigReader;
import dev.tollgate.policy.auth.jwt.JwtIssuerConfigReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a route's credentials, {@code auth: {apiKey, jwt, scopes, claims}} or {@code public: true}, into an {@link AuthConfig}. */
public final class AuthConfigReader {

    /** RFC 6749's scope-token. */
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5b\\x5d-\\x7e]{1,256}");

    private AuthConfigReader() {
    }

    /** The route's credentials: {@code auth}, {@code public: true}, or by default an API key. */
    /** The credentials {@code route} accepts; issuers checked against {@code issuerNames}, each problem named. */
    public static AuthConfig read(ConfigReader in, JsonNode route, String path, Set<String> issuerNames) {
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
        Map<String, List<String>> claims = requiredClaims(in, node.path("claims"), place + ".claims");
        if (!apiKey && !jwt) {
            in.problem(place, "no credentials (expected: apiKey: true, jwt issuers, or public: true on the route)");
        } else if (apiKey && (!scopes.isEmpty() || !claims.isEmpty())) {
            in.problem(place, "scopes or claims with apiKey: true (expected: jwt issuers and apiKey: false, since API keys"
                    + " carry no scopes or claims)");
        }
        return new AuthConfig(false, apiKey, issuers, scopes, claims);
    }

    private static Map<String, List<String>> requiredClaims(ConfigReader in, JsonNode node, String path) {
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
            if (!JwtIssuerConfigReader.CLAIM_NAME.matcher(entry.getKey()).matches()) {
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
}
