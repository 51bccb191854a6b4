package dev.tollgate.policy.auth.apikey;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The administrator's side of a keys store, for {@code ./tollgate keys}: creating, listing,
 * revoking and rotating keys, never on the request path (the gateway only looks keys up, through
 * {@link KeyStore}). Keys are known by their SHA-256; no message holds a key or its hash. Each
 * platform's store implements it (DynamoDB, Cosmos DB); what a rotation may do is decided here, once
 * ({@link Rotation#of}). Times are kept in whole seconds ({@link #inSeconds}). A store that cannot
 * answer throws {@link dev.tollgate.problem.KeyStoreException}; a refused change, an
 * {@link IllegalStateException} saying why.
 */
public interface KeyAdmin {

    /**
     * Writes a new key, its times in whole seconds; it fails, changing nothing, if its id or hash is
     * taken (which random ones never are): {@code a key with id ID or with the same value exists already}.
     */
    StoredKey create(String sha256Hex, ApiKey key, Instant createdAt);

    Optional<StoredKey> findById(String keyId);

    /** Revokes a key for good; revoking it again changes nothing. Empty when there is no such key. */
    Optional<StoredKey> revoke(String keyId, Instant now);

    /**
     * Replaces a key by a new one of the same consumer, stage and plan, as {@link Rotation#of} says;
     * the old key keeps working for {@code grace} (or until its own expiry, if that comes first).
     * Empty when there is no such key.
     *
     * @param newExpiry when the new key expires; empty: when the old key would have (never, if it would not)
     * @throws IllegalStateException when the key may not be rotated, or changed while this ran; nothing is written then
     */
    Optional<Rotation> rotate(String keyId, String newSha256Hex, String newKeyId, Instant now, Duration grace,
                              Optional<Instant> newExpiry);

    /** The keys of the store, {@link StoredKey#OLDEST_FIRST}, of one stage and consumer when given. */
    List<StoredKey> list(Optional<String> stage, Optional<String> consumer);

    /** Times are kept in whole seconds; what a store returns says what it kept. */
    static Instant inSeconds(Instant instant) {
        return Instant.ofEpochSecond(instant.getEpochSecond());
    }

    /**
     * A key as a store holds it.
     *
     * @param key        the key as the gateway sees it
     * @param createdAt  when it was made
     * @param revokedAt  when it was revoked, if it was
     * @param replacedBy the id of the key that rotation made in its place, if any
     */
    record StoredKey(ApiKey key, Instant createdAt, Optional<Instant> revokedAt, Optional<String> replacedBy) {

        /** The order {@code keys list} shows: oldest first, then by id. */
        public static final Comparator<StoredKey> OLDEST_FIRST =
                Comparator.comparing(StoredKey::createdAt).thenComparing(k -> k.key().id());
    }

    /**
     * What a rotation does.
     *
     * @param previous    the old key, now expiring at the end of its grace period
     * @param replacement the new key: same consumer, stage and plan
     */
    record Rotation(StoredKey previous, StoredKey replacement) {

        /**
         * The rotation of {@code found} at {@code now}, which a store then writes on condition that the
         * old key is still as read: active, not replaced, with the expiry it had.
         *
         * @throws IllegalStateException when the key is revoked, expired or replaced already (its grace
         *                               period would become the new key's expiry)
         */
        public static Rotation of(StoredKey found, String newKeyId, Instant now, Duration grace, Optional<Instant> newExpiry) {
            ApiKey old = found.key();
            String keyId = old.id();
            if (old.status() == ApiKey.Status.REVOKED) {
                throw new IllegalStateException("key " + keyId + " is revoked (expected: an active key; create a new one instead)");
            }
            if (old.expiredAt(now)) {
                throw new IllegalStateException("key " + keyId + " expired at " + old.expiresAt().orElseThrow()
                        + " (expected: an active key; create a new one instead)");
            }
            if (found.replacedBy().isPresent()) {
                String replacement = found.replacedBy().get();
                throw new IllegalStateException("key " + keyId + " was rotated already: key " + replacement + " replaces it"
                        + old.expiresAt().map(end -> " and " + keyId + " stops working at " + end).orElse("")
                        + " (expected: a key not yet replaced; rotate " + replacement + " instead)");
            }
            Instant graceEnds = inSeconds(now.plus(grace));
            Instant expiresAt = old.expiresAt().filter(own -> own.isBefore(graceEnds)).orElse(graceEnds);
            ApiKey replacement = new ApiKey(newKeyId, old.consumer(), old.stage(), old.plan(), ApiKey.Status.ACTIVE,
                    newExpiry.or(old::expiresAt).map(KeyAdmin::inSeconds));
            StoredKey previous = new StoredKey(new ApiKey(old.id(), old.consumer(), old.stage(), old.plan(), old.status(),
                    Optional.of(expiresAt)), found.createdAt(), Optional.empty(), Optional.of(newKeyId));
            return new Rotation(previous, new StoredKey(replacement, inSeconds(now), Optional.empty(), Optional.empty()));
        }
    }
}
