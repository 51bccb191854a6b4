package dev.tollgate.policy.auth.apikey;

import java.util.Optional;

/** Where API keys are looked up, by the SHA-256 of the key the caller sent. */
@FunctionalInterface
public interface KeyStore {
    Optional<ApiKey> findBySha256(String sha256Hex);
}
