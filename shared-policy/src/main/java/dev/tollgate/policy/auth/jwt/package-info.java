/**
 * JWT bearer tokens: {@link dev.tollgate.policy.auth.jwt.JwtAuthenticator} verifies a token against
 * its issuer's keys, which a {@link dev.tollgate.policy.auth.jwt.JwksSource} fetches (over HTTP, by
 * {@code jwksUri} or OpenID Connect discovery) and a cache keeps per function instance.
 */
package dev.tollgate.policy.auth.jwt;
