package dev.tollgate.policy.auth.apikey;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A known API key, without the key itself.
 *
 * @param id        the key's id, safe to log
 * @param consumer  who uses it
 * @param stage     the one stage it is valid on
 * @param plan      the consumer's plan
 * @param status    whether it was revoked
 * @param expiresAt when it stops working, if ever (a rotated key's grace period ends then)
 */
public record ApiKey(String id, String consumer, String stage, String plan, Status status, Optional<Instant> expiresAt) {

    /** A key is active until it is revoked; revoking is for good. */
    public enum Status {
        ACTIVE, REVOKED
    }

    public ApiKey {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** An active key that never expires, as the configuration file declares them. */
    public ApiKey(String id, String consumer, String stage, String plan) {
        this(id, consumer, stage, plan, Status.ACTIVE, Optional.empty());
    }

    /** Whether the key has expired at {@code now}: it works up to, not including, its expiry. */
    public boolean expiredAt(Instant now) {
        return expiresAt.isPresent() && !now.isBefore(expiresAt.get());
    }
}
