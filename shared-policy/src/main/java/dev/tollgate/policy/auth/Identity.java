package dev.tollgate.policy.auth;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who a request comes from, once authenticated.
 *
 * @param credentialId the id of the credential used: an API key's id, or {@code jwt:ISSUER}; safe to log
 * @param consumer     the consumer; quotas count per consumer
 * @param plan         the consumer's plan
 * @param subject      the token's {@code sub}, for callers with a JWT
 * @param scopes       the scopes the token grants; none for an API key
 * @param claims       the token's claims; none for an API key
 */
public record Identity(String credentialId, String consumer, String plan, Optional<String> subject,
                       Set<String> scopes, Map<String, Object> claims) {

    public Identity {
        // In the token's order, so the backend sees them as the issuer wrote them.
        scopes = Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
        claims = Map.copyOf(claims);
    }

    /** A caller known by an API key, which carries no scopes or claims. */
    public Identity(String credentialId, String consumer, String plan) {
        this(credentialId, consumer, plan, Optional.empty(), Set.of(), Map.of());
    }
}
