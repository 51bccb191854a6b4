package dev.tollgate.policy.auth.apikey;

import dev.tollgate.policy.auth.apikey.KeyAdmin.StoredKey;
import dev.tollgate.problem.KeyStoreException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * A stored key's fields, the same in every platform's store (a DynamoDB item, a Cosmos DB item):
 * {@value #KEY_ID}, {@value #CONSUMER}, {@value #STAGE}, {@value #PLAN}, {@value #STATUS}
 * ({@code active} or {@code revoked}), {@value #CREATED_AT}, and optionally {@value #EXPIRES_AT},
 * {@value #REVOKED_AT}, {@value #REPLACED_BY}; times in epoch seconds. Never the key, and its hash
 * only as the item's key.
 */
public final class KeyItems {

    public static final String KEY_ID = "keyId";
    public static final String CONSUMER = "consumer";
    public static final String STAGE = "stage";
    public static final String PLAN = "plan";
    public static final String STATUS = "status";
    public static final String CREATED_AT = "createdAt";
    public static final String EXPIRES_AT = "expiresAt";
    public static final String REVOKED_AT = "revokedAt";
    public static final String REPLACED_BY = "replacedBy";

    /** An item's fields as its store reads them; empty when absent, an {@link IllegalArgumentException} when of another type. */
    public interface Fields {
        Optional<String> text(String name);

        Optional<Long> number(String name);
    }

    private KeyItems() {
    }

    /**
     * The key an item holds; an item that is not one is the store's failure (503), not the caller's
     * (401), and the message names the key's id at most, never its hash.
     */
    public static StoredKey stored(Fields item) {
        String keyId = null;
        try {
            keyId = item.text(KEY_ID).orElse(null);
            ApiKey key = new ApiKey(text(item, KEY_ID), text(item, CONSUMER), text(item, STAGE), text(item, PLAN),
                    ApiKey.Status.valueOf(text(item, STATUS).toUpperCase(Locale.ROOT)), time(item, EXPIRES_AT));
            return new StoredKey(key, time(item, CREATED_AT).orElseThrow(() -> missing(CREATED_AT)), time(item, REVOKED_AT),
                    item.text(REPLACED_BY));
        } catch (IllegalArgumentException e) {
            throw new KeyStoreException("The API key could not be looked up.",
                    new IllegalStateException("the item of key " + keyId + " is malformed: " + e.getMessage()));
        }
    }

    /** How {@value #STATUS} holds a status. */
    public static String status(ApiKey.Status status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    private static String text(Fields item, String name) {
        return item.text(name).orElseThrow(() -> missing(name));
    }

    private static Optional<Instant> time(Fields item, String name) {
        return item.number(name).map(Instant::ofEpochSecond);
    }

    private static IllegalArgumentException missing(String name) {
        return new IllegalArgumentException("no " + name);
    }
}
