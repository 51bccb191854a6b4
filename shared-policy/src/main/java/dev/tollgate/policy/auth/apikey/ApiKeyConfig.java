package dev.tollgate.policy.auth.apikey;

import dev.tollgate.config.ConfigChecks;

/**
 * An API key as the configuration declares it. Only the key's SHA-256 is kept.
 *
 * @param id       a name for the key that may be logged
 * @param sha256   the lower-case hex SHA-256 of the key
 * @param consumer who uses the key; quotas count per consumer
 * @param stage    the one stage the key is valid on
 * @param plan     the plan the consumer is on
 */
public record ApiKeyConfig(String id, String sha256, String consumer, String stage, String plan) {

    /** The shortest key a file may give as {@code value}. */
    public static final int MIN_KEY_LENGTH = 8;

    public ApiKeyConfig {
        ConfigChecks.require(sha256 != null && sha256.matches("[0-9a-f]{64}"), "sha256", sha256,
                "64 lower-case hexadecimal digits");
    }
}
