package dev.tollgate.policy.auth.apikey;

import java.util.Optional;

/**
 * Where API keys are looked up, by the SHA-256 of the key the caller sent. A store that cannot
 * answer throws {@link dev.tollgate.problem.KeyStoreException} (503), never "unknown".
 */
@FunctionalInterface
public interface KeyStore {

    Optional<ApiKey> findBySha256(String sha256Hex);

    /** This store's keys first, then those of {@code next}: the file's keys before the table's. */
    default KeyStore orElse(KeyStore next) {
        return sha256Hex -> findBySha256(sha256Hex).or(() -> next.findBySha256(sha256Hex));
    }
}
