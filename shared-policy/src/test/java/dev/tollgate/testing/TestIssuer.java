package dev.tollgate.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.function.UnaryOperator;

/** An identity provider for tests: one signing key, tokens signed on demand. */
public final class TestIssuer {

    private final String issuer;
    private final JWK key;
    private final JWSAlgorithm algorithm;

    private TestIssuer(String issuer, JWK key, JWSAlgorithm algorithm) {
        this.issuer = issuer;
        this.key = key;
        this.algorithm = algorithm;
    }

    /** An RS256 issuer with a fresh 2048-bit key. */
    public static TestIssuer rsa(String issuer, String keyId) {
        try {
            return new TestIssuer(issuer, new RSAKeyGenerator(2048).keyID(keyId).keyUse(KeyUse.SIGNATURE).generate(),
                    JWSAlgorithm.RS256);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An ES256 issuer with a fresh P-256 key. */
    public static TestIssuer ec(String issuer, String keyId) {
        try {
            return new TestIssuer(issuer, new ECKeyGenerator(Curve.P_256).keyID(keyId).keyUse(KeyUse.SIGNATURE).generate(),
                    JWSAlgorithm.ES256);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String issuer() {
        return issuer;
    }

    /**
     * A configuration's {@code jwt} section trusting this issuer as {@code name}, for tokens of the
     * audience {@code api}, whose consumers get {@code plan}; its keys are what a test's
     * {@link InMemoryJwksSource} serves.
     */
    public String jwtSection(String name, String plan) {
        return """
                jwt:
                  issuers:
                    %s:
                      issuer: %s
                      jwksUri: https://login.example.com/keys
                      audiences: [api]
                      plan: %s
                """.formatted(name, issuer, plan);
    }

    /** The public keys, as the issuer's JWKS endpoint serves them. */
    public JWKSet publicKeys() {
        return new JWKSet(key.toPublicJWK());
    }

    /** Claims of a token that every check passes at {@code now}: iss, sub, aud, exp in an hour. */
    public JWTClaimsSet.Builder claims(String subject, String audience, Instant now) {
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1))));
    }

    public String sign(JWTClaimsSet claims) {
        return sign(claims, header -> header);
    }

    /** Signs with this issuer's key, the header changed first (another kid, algorithm, ...). */
    public String sign(JWTClaimsSet claims, UnaryOperator<JWSHeader.Builder> header) {
        try {
            JWSHeader built = header.apply(new JWSHeader.Builder(algorithm).keyID(key.getKeyID())).build();
            SignedJWT jwt = new SignedJWT(built, claims);
            jwt.sign(signer(built.getAlgorithm()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A token of this issuer's key over a header and payload written as given, byte for byte (duplicate
     * members, odd spellings): what no claims builder makes. The signature is of the issuer's algorithm.
     */
    public String signRaw(String headerJson, String payloadJson) {
        String input = Base64URL.encode(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + Base64URL.encode(payloadJson.getBytes(StandardCharsets.UTF_8));
        try {
            return input + "." + signer(algorithm).sign(new JWSHeader(algorithm), input.getBytes(StandardCharsets.US_ASCII));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key's public half, as a JWK (for tokens that embed or misuse it). */
    public JWK publicKey() {
        return key.toPublicJWK();
    }

    private JWSSigner signer(JWSAlgorithm signing) throws JOSEException {
        if (key instanceof RSAKey rsa) {
            return new RSASSASigner(rsa);
        }
        return new ECDSASigner((ECKey) key);
    }
}
