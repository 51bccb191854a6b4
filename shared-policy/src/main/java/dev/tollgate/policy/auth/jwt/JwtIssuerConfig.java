package dev.tollgate.policy.auth.jwt;

import dev.tollgate.config.ConfigChecks;
import dev.tollgate.config.Durations;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An identity provider whose tokens the gateway trusts.
 *
 * @param name                how routes name the issuer
 * @param issuer              the exact {@code iss} its tokens carry
 * @param jwksUri             where its keys are; empty: found by OpenID Connect discovery from {@code issuer}
 * @param audiences           accepted {@code aud} values: literal, or {@code ${stageVariables.NAME}} resolved per stage
 * @param algorithms          the JWS algorithms accepted, never {@code none} or an HMAC one
 * @param clockSkew           how far {@code exp}, {@code nbf} and {@code iat} may be off
 * @param jwksRefreshInterval an unknown {@code kid}, or a failed fetch, refetches the keys at most this often
 * @param jwksMaxAge          keys older than this are refetched when next used, and kept if that fails
 * @param consumerClaim       the claim that names the consumer
 * @param plan                the plan of this issuer's callers
 * @param planClaim           a claim that names the caller's plan instead, if any
 * @param maxTokenLifetime    the longest a token may be valid: from {@code iat} to {@code exp}, or from
 *                            now (give or take the skew) when it has no {@code iat}
 */
public record JwtIssuerConfig(String name, String issuer, Optional<URI> jwksUri, List<String> audiences,
                              Set<String> algorithms, Duration clockSkew, Duration jwksRefreshInterval,
                              Duration jwksMaxAge, String consumerClaim, String plan, Optional<String> planClaim,
                              Duration maxTokenLifetime) {

    public static final Set<String> SUPPORTED_ALGORITHMS = Set.of(
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");
    public static final Set<String> DEFAULT_ALGORITHMS = Set.of("RS256");
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_JWKS_REFRESH_INTERVAL = Duration.ofMinutes(1);
    public static final Duration MIN_JWKS_REFRESH_INTERVAL = Duration.ofSeconds(1);
    public static final Duration MAX_JWKS_REFRESH_INTERVAL = Duration.ofHours(1);
    public static final Duration DEFAULT_JWKS_MAX_AGE = Duration.ofHours(1);
    public static final Duration MIN_JWKS_MAX_AGE = Duration.ofMinutes(1);
    public static final Duration MAX_JWKS_MAX_AGE = Duration.ofHours(24);
    public static final String DEFAULT_CONSUMER_CLAIM = "sub";
    /**
     * A day, the longest the big identity providers issue access tokens by default (Auth0's default;
     * Entra ID, Cognito and Google issue an hour): a longer-lived token is more likely a leaked or
     * mis-minted one than a needed one.
     */
    public static final Duration DEFAULT_MAX_TOKEN_LIFETIME = Duration.ofHours(24);
    /** Thirty days, the longest Auth0 lets an access token live. */
    public static final Duration MAX_MAX_TOKEN_LIFETIME = Duration.ofHours(720);
    public static final Duration MIN_MAX_TOKEN_LIFETIME = Duration.ofMinutes(1);
    /** Where OpenID Connect discovery looks, below the issuer (OpenID Connect Discovery 1.0, section 4). */
    public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

    public JwtIssuerConfig {
        audiences = List.copyOf(audiences);
        algorithms = Set.copyOf(algorithms);
        ConfigChecks.require(!audiences.isEmpty(), "audiences", audiences, "at least one audience");
        ConfigChecks.require(!algorithms.isEmpty() && SUPPORTED_ALGORITHMS.containsAll(algorithms), "algorithms", algorithms,
                "one or more of " + String.join(", ", new TreeSet<>(SUPPORTED_ALGORITHMS)));
        within("clockSkew", clockSkew, Duration.ZERO, MAX_CLOCK_SKEW);
        within("jwksRefreshInterval", jwksRefreshInterval, MIN_JWKS_REFRESH_INTERVAL, MAX_JWKS_REFRESH_INTERVAL);
        within("jwksMaxAge", jwksMaxAge, MIN_JWKS_MAX_AGE, MAX_JWKS_MAX_AGE);
        within("maxTokenLifetime", maxTokenLifetime, MIN_MAX_TOKEN_LIFETIME, MAX_MAX_TOKEN_LIFETIME);
    }

    private static void within(String field, Duration value, Duration min, Duration max) {
        ConfigChecks.require(value.compareTo(min) >= 0 && value.compareTo(max) <= 0, field, Durations.show(value),
                "a duration from " + Durations.show(min) + " to " + Durations.show(max));
    }

    /** The same issuer with its keys elsewhere, as the local runner serves its demo issuer's. */
    public JwtIssuerConfig withJwksUri(URI uri) {
        return new JwtIssuerConfig(name, issuer, Optional.of(uri), audiences, algorithms, clockSkew, jwksRefreshInterval,
                jwksMaxAge, consumerClaim, plan, planClaim, maxTokenLifetime);
    }
}
