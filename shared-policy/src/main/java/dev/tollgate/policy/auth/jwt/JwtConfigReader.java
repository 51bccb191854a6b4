package dev.tollgate.policy.auth.jwt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ConfigReader;
import dev.tollgate.config.StageConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reads the file's {@code jwt: {issuers, tokenCacheSize}} into a {@link JwtConfig}: one entry per {@code iss}. */
public final class JwtConfigReader {

    private JwtConfigReader() {
    }

    /** The file's {@code jwt} section; {@link JwtConfig#NONE} when absent, with each problem named. */
    public static JwtConfig read(ConfigReader in, JsonNode node, Map<String, StageConfig> stages, Set<String> plans) {
        if (node.isMissingNode() || node.isNull()) {
            return JwtConfig.NONE;
        }
        if (!node.isObject()) {
            in.problem("jwt", ConfigReader.describe(node) + " (expected: a map with issuers and tokenCacheSize)");
            return JwtConfig.NONE;
        }
        in.unknownFields(node, "jwt", Set.of("issuers", "tokenCacheSize"));
        int cacheSize = in.whole(node, "tokenCacheSize", "jwt", JwtConfig.MIN_TOKEN_CACHE_SIZE, JwtConfig.MAX_TOKEN_CACHE_SIZE,
                JwtConfig.DEFAULT_TOKEN_CACHE_SIZE);
        Map<String, JwtIssuerConfig> issuers = new LinkedHashMap<>();
        if (in.requireMap(node.path("issuers"), "jwt.issuers", "a map of issuer names to their issuer, audiences and plan")) {
            Map<String, String> nameByIss = new HashMap<>();
            node.path("issuers").fields().forEachRemaining(entry -> JwtIssuerConfigReader.read(in, entry.getKey(), entry.getValue(), stages, plans)
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
}
