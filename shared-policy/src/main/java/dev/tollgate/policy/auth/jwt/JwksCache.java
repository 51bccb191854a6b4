package dev.tollgate.policy.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.tollgate.observe.LogText;
import dev.tollgate.problem.JwksUnavailableException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * One issuer's keys, kept for the life of the function instance. They are fetched on first use,
 * again once older than {@code jwksMaxAge}, and again for a token whose {@code kid} is unknown
 * (a key rotation) — but never more often than {@code jwksRefreshInterval}, so neither a burst of
 * forged {@code kid}s nor a down endpoint makes the gateway hammer the issuer. When a fetch fails,
 * the keys already held keep working; the failure is logged and counted.
 *
 * <p>One request fetches while the others go on with the keys held; only while none are held yet
 * do they wait for that fetch, which the source bounds in time.
 */
final class JwksCache {

    private static final Logger LOG = Logger.getLogger(JwksCache.class.getName());

    private final JwtIssuerConfig issuer;
    private final JwksSource source;
    private final AtomicLong failures;
    private volatile Fetched keys;
    private volatile Instant fetchedAt;
    /** Guarded by {@code this}, as is {@link #fetching}. */
    private Instant lastAttempt;
    /** Done when the fetch under way ends; null when none is. */
    private CompletableFuture<Void> fetching;

    JwksCache(JwtIssuerConfig issuer, JwksSource source, AtomicLong failures) {
        this.issuer = issuer;
        this.source = source;
        this.failures = failures;
    }

    /** The keys to verify with now: fetched when there are none yet or they are too old. */
    JWKSet current(Instant now) {
        if (keys == null || !now.isBefore(fetchedAt.plus(issuer.jwksMaxAge()))) {
            refresh(now);
        }
        return held();
    }

    /** The keys after a token named a {@code kid} they lack: refetched, unless that happened too recently. */
    JWKSet afterUnknownKey(Instant now) {
        refresh(now);
        return held();
    }

    private JWKSet held() {
        Fetched held = keys;
        if (held == null) {
            throw new JwksUnavailableException("The signing keys of issuer " + issuer.name()
                    + " could not be fetched, so no token of it can be verified now.");
        }
        return held.keys();
    }

    /**
     * The public key of {@code key}, one of the keys this cache handed out: converted once per fetch,
     * since converting a JWK (decoding its modulus, building the key) took a tenth of an uncached
     * token's verification (bench/warm-path).
     */
    PublicKey publicKey(JWK key) throws JOSEException {
        Fetched held = keys;
        PublicKey known = held == null ? null : held.publicKeys().get(key);
        return known != null ? known : ((AsymmetricJWK) key).toPublicKey();
    }

    /** A fetched key set and the public keys of its asymmetric keys, by key instance. */
    private record Fetched(JWKSet keys, Map<JWK, PublicKey> publicKeys) {
        static Fetched of(JWKSet keys) {
            Map<JWK, PublicKey> publicKeys = new IdentityHashMap<>();
            for (JWK key : keys.getKeys()) {
                if (key instanceof AsymmetricJWK asymmetric) {
                    try {
                        publicKeys.put(key, asymmetric.toPublicKey());
                    } catch (JOSEException e) {
                        // Not usable for verifying: converting it again per token fails the same way, no match.
                    }
                }
            }
            return new Fetched(keys, publicKeys);
        }
    }

    private void refresh(Instant now) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> underWay;
        synchronized (this) {
            underWay = fetching;
            if (underWay == null) {
                if (lastAttempt != null && now.isBefore(lastAttempt.plus(issuer.jwksRefreshInterval()))) {
                    return;
                }
                lastAttempt = now;
                fetching = mine;
            }
        }
        if (underWay != null) {
            if (keys == null) {
                underWay.join();
            }
            return;
        }
        try {
            JWKSet fetched = source.fetch(issuer);
            fetchedAt = now;
            keys = Fetched.of(fetched);
        } catch (JwksFetchException | RuntimeException e) {
            failures.incrementAndGet();
            LOG.warning("JWKS of issuer " + issuer.name() + " not refreshed (" + LogText.escape(e.getMessage()) + "); "
                    + (keys == null ? "no keys held, its tokens are refused with 503" : "the keys fetched at " + fetchedAt + " stay in use"));
        } finally {
            synchronized (this) {
                fetching = null;
            }
            mine.complete(null);
        }
    }
}
