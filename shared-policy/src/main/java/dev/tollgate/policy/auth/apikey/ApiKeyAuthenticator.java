package dev.tollgate.policy.auth.apikey;

import dev.tollgate.policy.auth.CredentialRejectedException;
import dev.tollgate.policy.auth.Identity;
import dev.tollgate.problem.AccessDeniedException;
import java.time.Instant;

/**
 * Authenticates an API key: looked up by its SHA-256; revoked and expired keys are 401, and a key
 * is valid on its own stage only (another stage's key is 403). The key itself is neither kept nor
 * forwarded to the backend. A failing store throws {@link dev.tollgate.problem.KeyStoreException}.
 */
public final class ApiKeyAuthenticator {

    private final KeyStore keys;

    public ApiKeyAuthenticator(KeyStore keys) {
        this.keys = keys;
    }

    /**
     * @param now when the request arrived: expiry is checked against it, never the wall clock
     */
    public Identity authenticate(String presented, String stage, Instant now) throws CredentialRejectedException {
        ApiKey key = keys.findBySha256(ApiKeyHash.sha256Hex(presented))
                .orElseThrow(() -> CredentialRejectedException.badKey("The API key is not valid."));
        if (key.status() == ApiKey.Status.REVOKED) {
            throw CredentialRejectedException.badKey("The API key has been revoked.");
        }
        if (key.expiredAt(now)) {
            throw CredentialRejectedException.badKey("The API key expired at " + key.expiresAt().orElseThrow() + ".");
        }
        if (!key.stage().equals(stage)) {
            throw new AccessDeniedException("The API key is not valid on stage " + stage + ".");
        }
        return new Identity(key.id(), key.consumer(), key.plan());
    }
}
