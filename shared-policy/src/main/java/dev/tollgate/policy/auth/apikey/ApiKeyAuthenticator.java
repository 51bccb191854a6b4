package dev.tollgate.policy.auth.apikey;

import dev.tollgate.policy.auth.CredentialRejectedException;
import dev.tollgate.policy.auth.Identity;
import dev.tollgate.problem.AccessDeniedException;

/**
 * Authenticates an API key: looked up by its SHA-256, valid on its own stage only (another stage's
 * key is 403). The key itself is neither kept nor forwarded to the backend.
 */
public final class ApiKeyAuthenticator {

    private final KeyStore keys;

    public ApiKeyAuthenticator(KeyStore keys) {
        this.keys = keys;
    }

    public Identity authenticate(String presented, String stage) throws CredentialRejectedException {
        ApiKey key = keys.findBySha256(ApiKeyHash.sha256Hex(presented))
                .orElseThrow(() -> CredentialRejectedException.badKey("The API key is not valid."));
        if (!key.stage().equals(stage)) {
            throw new AccessDeniedException("The API key is not valid on stage " + stage + ".");
        }
        return new Identity(key.id(), key.consumer(), key.plan());
    }
}
