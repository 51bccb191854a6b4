package dev.tollgate.policy.auth.jwt;

import dev.tollgate.config.ConfigChecks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code jwt} section: trusted issuers, and how many verified tokens a function instance remembers.
 *
 * @param tokenCacheSize verified tokens kept, by their SHA-256, until they expire; 0 verifies every time
 * @param issuers        the trusted issuers by name, in file order
 */
public record JwtConfig(int tokenCacheSize, Map<String, JwtIssuerConfig> issuers) {

    public static final int DEFAULT_TOKEN_CACHE_SIZE = 10_000;
    public static final int MIN_TOKEN_CACHE_SIZE = 0;
    public static final int MAX_TOKEN_CACHE_SIZE = 1_000_000;
    public static final JwtConfig NONE = new JwtConfig(DEFAULT_TOKEN_CACHE_SIZE, Map.of());

    public JwtConfig {
        ConfigChecks.require(tokenCacheSize >= MIN_TOKEN_CACHE_SIZE && tokenCacheSize <= MAX_TOKEN_CACHE_SIZE, "tokenCacheSize",
                tokenCacheSize, "a whole number from " + MIN_TOKEN_CACHE_SIZE + " to " + MAX_TOKEN_CACHE_SIZE);
        issuers = Collections.unmodifiableMap(new LinkedHashMap<>(issuers));
    }

    public Optional<JwtIssuerConfig> issuer(String name) {
        return Optional.ofNullable(issuers.get(name));
    }
}
