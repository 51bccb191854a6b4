package dev.tollgate.policy.auth.jwt;

import com.nimbusds.jose.jwk.JWKSet;

/**
 * Where an issuer's public keys come from. {@link HttpJwksSource} fetches them over HTTP; the
 * gateway caches what it fetched in a {@link JwksCache}, so a source is asked rarely.
 */
@FunctionalInterface
public interface JwksSource {

    /** The issuer's current public keys, or a {@link JwksFetchException} naming why there are none. */
    JWKSet fetch(JwtIssuerConfig issuer) throws JwksFetchException;
}
