package dev.tollgate.local;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.policy.auth.jwt.JwtIssuerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The local runner's identity provider, so that JWT routes can be tried without one: an RS256 key
 * kept in {@code .tollgate/demo-issuer.json} of the checkout (made on first use, never committed),
 * whose public half {@code ./tollgate local} serves at {@value #JWKS_PATH}, and with which
 * {@code ./tollgate token} signs. A configuration trusts it by naming {@value #ISSUER} as an issuer.
 */
public final class DemoIssuer {

    /** The {@code iss} of demo tokens; an issuer with this {@code issuer} is the local runner's. */
    public static final String ISSUER = "urn:tollgate:local-demo";
    /** Where the local runner serves the demo issuer's public keys, on its API Gateway port. */
    public static final String JWKS_PATH = "/_local/demo-issuer/jwks.json";
    static final Path KEY_FILE = Path.of(".tollgate", "demo-issuer.json");

    private final RSAKey key;

    private DemoIssuer(RSAKey key) {
        this.key = key;
    }

    /** The demo key of the checkout at {@code home}: read, or made once (two processes racing agree on one). */
    public static DemoIssuer at(Path home) {
        Path file = home.resolve(KEY_FILE);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                RSAKey fresh = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                        .keyIDFromThumbprint(true).generate();
                Path temporary = Files.createTempFile(file.getParent(), "demo-issuer", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temporary, fresh.toJSONString(), StandardCharsets.UTF_8);
                try {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException raced) {
                    Files.deleteIfExists(temporary);
                }
            }
            return new DemoIssuer(RSAKey.parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("the demo issuer's key " + file + " cannot be read or made: " + e.getMessage(), e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("the demo issuer's key " + file + " is not an RSA JWK; delete it to make a new one", e);
        }
    }

    /** The issuers of a configuration that are this demo issuer. */
    public static List<JwtIssuerConfig> trustedBy(GatewayConfig config) {
        return config.jwt().issuers().values().stream().filter(issuer -> issuer.issuer().equals(ISSUER)).toList();
    }

    /** The public key set, as the JWKS endpoint serves it. */
    public String jwks() {
        return new JWKSet(key.toPublicJWK()).toString(true);
    }

    /**
     * A token for one stage's audience.
     *
     * @param audience the {@code aud}
     * @param subject  the {@code sub}
     * @param scopes   the {@code scope}, space separated; none when empty
     * @param claims   further claims
     * @param ttl      how long it is valid from {@code now}
     */
    public String token(String audience, String subject, List<String> scopes, Map<String, Object> claims, Duration ttl,
                        Instant now) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
        if (!scopes.isEmpty()) {
            builder.claim("scope", String.join(" ", scopes));
        }
        claims.forEach(builder::claim);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), builder.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("the demo token could not be signed", e);
        }
    }
}
