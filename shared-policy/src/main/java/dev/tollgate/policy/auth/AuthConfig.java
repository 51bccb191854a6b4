package dev.tollgate.policy.auth;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which credentials a route accepts and what they must grant.
 *
 * @param isPublic   no credentials at all: the route is open to anyone
 * @param apiKey     an API key in {@code x-api-key} is accepted
 * @param jwtIssuers the names of the issuers whose bearer tokens are accepted
 * @param scopes     scopes a token must grant, all of them
 * @param claims     claims a token must carry: each name with the values it may have
 */
public record AuthConfig(boolean isPublic, boolean apiKey, List<String> jwtIssuers, Set<String> scopes,
                         Map<String, List<String>> claims) {

    /** A route without {@code auth}: an API key is required, as in every Tollgate before JWT. */
    public static final AuthConfig API_KEY = new AuthConfig(false, true, List.of(), Set.of(), Map.of());
    /** {@code public: true}. */
    public static final AuthConfig PUBLIC = new AuthConfig(true, false, List.of(), Set.of(), Map.of());

    /** An API key or a token of any of these issuers, with no grants: what the gateway's own endpoints take. */
    public static AuthConfig anyCredential(Collection<String> issuers) {
        return new AuthConfig(false, true, List.copyOf(issuers), Set.of(), Map.of());
    }

    public AuthConfig {
        jwtIssuers = List.copyOf(jwtIssuers);
        scopes = Set.copyOf(scopes);
        claims = Map.copyOf(claims);
    }

    public boolean acceptsJwt() {
        return !jwtIssuers.isEmpty();
    }

    /** Whether only a token's scopes or claims can admit a caller. */
    public boolean needsGrants() {
        return !scopes.isEmpty() || !claims.isEmpty();
    }
}
