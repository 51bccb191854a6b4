package dev.tollgate.policy.auth.jwt;

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
    public static final int MAX_TOKEN_CACHE_SIZE = 1_000_000;
    public static final JwtConfig NONE = new JwtConfig(DEFAULT_TOKEN_CACHE_SIZE, Map.of());

    public JwtConfig {
        issuers = Collections.unmodifiableMap(new LinkedHashMap<>(issuers));
    }

    public Optional<JwtIssuerConfig> issuer(String name) {
        return Optional.ofNullable(issuers.get(name));
    }
}
