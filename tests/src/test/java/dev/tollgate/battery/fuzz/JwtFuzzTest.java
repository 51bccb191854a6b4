package dev.tollgate.battery.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.Gateway;
import dev.tollgate.conformance.EchoBackend;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.testing.TestGateways;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JWT parsing and verification: whatever bearer token a caller sends, the gateway lets it through only
 * when it is a correctly signed valid token, as an independent check reads it ({@link #valid}: the JDK's
 * ES256 verification of the signing input with the issuer's key, named by its kid if any, and the issuer,
 * audience, expiry, not-before, issue time, lifetime and subject), and refuses it otherwise, with a 4xx
 * problem, never a 5xx. The issuer's key is fixed, so that the seeds (a valid token and its usual forgeries:
 * {@code alg: none}, HS256 keyed with the public key, a foreign key, {@code jku}, a kid it does not have,
 * expired, another audience, too long a lifetime) are the same on every run.
 */
class JwtFuzzTest {

    private static final String ISSUER = "https://issuer.fuzz.example";
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Duration SKEW = Duration.ofSeconds(60);
    private static final ECKey KEY = key("""
            {"kty":"EC","d":"mOR_HPryFAA0NOVX6U0PlebJi0D3-0quOKZ9_kADDY4","use":"sig","crv":"P-256","kid":"fuzz-key",
             "x":"fnEMfczb_2NsbETdzVm8696Rh3VpNpYNQqY8uilM6SE","y":"5_UT5eMsNW2ty3J5hiW4C1dFSNsePHQ03BF3jcCUFNE"}""");
    /** Another key of the same kid, that the issuer does not hold. */
    private static final ECKey FOREIGN = key("""
            {"kty":"EC","d":"I1pQ7CiinNs4Z18V0JP-IFiDm-9or0AzbxM-X2sfzXI","use":"sig","crv":"P-256","kid":"fuzz-key",
             "x":"Grlct6lGYJ9kWITKcWfBee5JBdM9cjQnEPA_bcx6rdY","y":"FKLNubuRfQ6hibXgedk9YIEChoolEu9BT9VDD7qvwHo"}""");

    private static final EchoBackend BACKEND = FuzzedGateway.backend("jwt");
    private static final Gateway GATEWAY = TestGateways.builder("""
            stages:
              dev: {variables: {}}
            plans:
              p: {quota: {limit: 1000, period: day}}
            jwt:
              issuers:
                fuzz:
                  issuer: %s
                  jwksUri: https://issuer.fuzz.example/keys
                  audiences: [api]
                  algorithms: [ES256]
                  plan: p
            routes:
              - {path: /orders, methods: [GET], backend: "%s", auth: {jwt: [fuzz]}}
            """.formatted(ISSUER, BACKEND.url()))
            .jwks(issuer -> new JWKSet(KEY.toPublicJWK()))
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .build();

    @AfterAll
    static void stop() {
        BACKEND.close();
    }

    static Stream<byte[]> tokens() {
        JWTClaimsSet valid = claims().build();
        return Stream.of(
                sign(KEY, valid, header -> header),
                new PlainJWT(valid).serialize(),
                hmacWithThePublicKey(valid),
                sign(FOREIGN, valid, header -> header),
                sign(KEY, valid, header -> header.jwkURL(URI.create("https://attacker.example/keys"))),
                sign(KEY, valid, header -> header.keyID("../../keys")),
                sign(KEY, claims().expirationTime(Date.from(NOW.minus(Duration.ofHours(1)))).build(), header -> header),
                sign(KEY, claims().audience("other").build(), header -> header),
                sign(KEY, claims().issueTime(Date.from(NOW.minus(Duration.ofDays(3)))).build(), header -> header))
                .map(token -> token.getBytes(StandardCharsets.UTF_8));
    }

    @MethodSource("tokens")
    @FuzzTest
    void onlyCorrectlySignedValidTokensPass(byte[] input) {
        FuzzedGateway.expectLoopbackConnections();
        String token = new String(input, StandardCharsets.UTF_8);
        GatewayResponse answer = GATEWAY.handle(new GatewayRequest("GET", "/orders", "",
                Headers.builder().set("authorization", "Bearer " + token).build(), new byte[0], "127.0.0.1", "https", "dev",
                Map.of()));
        Answers.check(answer.status(), PathRulesFuzzTest.headers(answer), answer.body(), token);
        boolean passed = answer.status() == 200;
        if (passed != valid(token)) {
            throw new AssertionError((passed ? "let through " : "refused ") + token + ": " + answer.bodyAsString());
        }
    }

    /** The independent check: signed by the issuer's key with ES256, and every claim the route needs in order. */
    static boolean valid(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return false;
        }
        try {
            Base64.Decoder base64 = Base64.getUrlDecoder();
            JsonNode header = Answers.JSON.readTree(base64.decode(parts[0]));
            JsonNode kid = header.path("kid");
            if (!header.path("alg").asText().equals("ES256") || header.has("crit")
                    || !kid.isMissingNode() && !kid.asText().equals(KEY.getKeyID())) {
                return false;
            }
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(KEY.toECPublicKey());
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(base64.decode(parts[2]))) {
                return false;
            }
            JsonNode claims = Answers.JSON.readTree(base64.decode(parts[1]));
            JsonNode aud = claims.path("aud");
            boolean audience = aud.isArray() ? Stream.iterate(0, i -> i < aud.size(), i -> i + 1)
                    .anyMatch(i -> aud.get(i).asText().equals("api")) : aud.isTextual() && aud.asText().equals("api");
            Instant exp = seconds(claims.path("exp"));
            Instant nbf = seconds(claims.path("nbf"));
            Instant iat = seconds(claims.path("iat"));
            return claims.path("iss").isTextual() && claims.path("iss").asText().equals(ISSUER) && audience
                    && exp != null && !NOW.isAfter(exp.plus(SKEW))
                    && (nbf == null || !NOW.isBefore(nbf.minus(SKEW)))
                    && (iat == null || !iat.isAfter(NOW.plus(SKEW)))
                    && !exp.isAfter((iat != null ? iat : NOW.plus(SKEW)).plus(Duration.ofHours(24)))
                    && claims.path("sub").isTextual() && !claims.path("sub").asText().isEmpty()
                    && claims.path("sub").asText().length() <= 256;
        } catch (GeneralSecurityException | IllegalArgumentException | java.io.IOException | JOSEException e) {
            return false;
        }
    }

    private static Instant seconds(JsonNode value) {
        return value.isNumber() ? Instant.ofEpochSecond(value.asLong()) : null;
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice").audience("api")
                .issueTime(Date.from(NOW.minus(Duration.ofMinutes(5)))).expirationTime(Date.from(NOW.plus(Duration.ofHours(1))));
    }

    private static String sign(ECKey key, JWTClaimsSet claims, UnaryOperator<JWSHeader.Builder> header) {
        try {
            SignedJWT jwt = new SignedJWT(header.apply(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())).build(),
                    claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The classic confusion: HMAC keyed with the text of the issuer's public key. */
    private static String hmacWithThePublicKey(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KEY.getKeyID()).build(), claims);
            jwt.sign(new MACSigner(KEY.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECKey key(String json) {
        try {
            return ECKey.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
