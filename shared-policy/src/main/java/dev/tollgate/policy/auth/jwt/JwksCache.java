package dev.tollgate.policy.auth.jwt;

import com.nimbusds.jose.jwk.JWKSet;
import dev.tollgate.observe.LogText;
import dev.tollgate.problem.JwksUnavailableException;
import java.time.Instant;
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
    private volatile JWKSet keys;
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
        JWKSet held = keys;
        if (held == null) {
            throw new JwksUnavailableException("The signing keys of issuer " + issuer.name()
                    + " could not be fetched, so no token of it can be verified now.");
        }
        return held;
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
            keys = fetched;
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
