package dev.tollgate.azure;

import com.azure.cosmos.CosmosContainer;
import com.azure.cosmos.CosmosException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.KeyAdmin.StoredKey;
import dev.tollgate.policy.auth.apikey.KeyStore;
import dev.tollgate.problem.KeyStoreException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * API keys in a Cosmos DB for NoSQL container, known by their SHA-256: the key itself is never
 * stored, and no message of this class holds a key or its hash. One item per key, partition key
 * {@code /id}, {@code id} the key's SHA-256 (64 lowercase hex digits), with {@value #KEY_ID},
 * {@value #CONSUMER}, {@value #STAGE}, {@value #PLAN}, {@value #STATUS} ({@code active} or
 * {@code revoked}), {@value #CREATED_AT}, and optionally {@value #EXPIRES_AT}, {@value #REVOKED_AT},
 * {@value #REPLACED_BY} (times in epoch seconds): the fields of {@code DynamoDbKeyStore}'s items. The
 * container has no TTL: an expired key stays, so that it is answered "expired" rather than "not valid".
 *
 * <p>This is the request path's side: one read by hash ({@link CosmosItems#read}), never a write. Creating,
 * listing, revoking and rotating keys are the administrator's ({@link CosmosKeyAdmin}). Every SDK
 * failure becomes a {@link KeyStoreException}: the gateway answers it with 503, never "unknown key".
 */
public final class CosmosKeyStore implements KeyStore {

    public static final String KEY_ID = "keyId";
    public static final String CONSUMER = "consumer";
    public static final String STAGE = "stage";
    public static final String PLAN = "plan";
    public static final String STATUS = "status";
    public static final String CREATED_AT = "createdAt";
    public static final String EXPIRES_AT = "expiresAt";
    public static final String REVOKED_AT = "revokedAt";
    public static final String REPLACED_BY = "replacedBy";

    private final CosmosContainer container;

    public CosmosKeyStore(CosmosContainer container) {
        this.container = container;
    }

    @Override
    public Optional<ApiKey> findBySha256(String sha256Hex) {
        return item(sha256Hex, "The API key could not be looked up.").map(item -> stored(item).key());
    }

    Optional<ObjectNode> item(String sha256Hex, String failure) {
        try {
            return CosmosItems.read(container, sha256Hex);
        } catch (CosmosException e) {
            throw new KeyStoreException(failure, e);
        }
    }

    /** An item as a key; an item that is not one is the store's failure (503), not the caller's (401). */
    static StoredKey stored(JsonNode item) {
        String keyId = item.path(KEY_ID).isTextual() ? item.get(KEY_ID).asText() : null;
        try {
            ApiKey key = new ApiKey(text(item, KEY_ID), text(item, CONSUMER), text(item, STAGE), text(item, PLAN),
                    ApiKey.Status.valueOf(text(item, STATUS).toUpperCase(Locale.ROOT)), time(item, EXPIRES_AT));
            return new StoredKey(key, time(item, CREATED_AT).orElseThrow(() -> missing(CREATED_AT)), time(item, REVOKED_AT),
                    item.path(REPLACED_BY).isTextual() ? Optional.of(item.get(REPLACED_BY).asText()) : Optional.empty());
        } catch (IllegalArgumentException e) {
            // The message names the key's id at most: never its hash.
            throw new KeyStoreException("The API key could not be looked up.",
                    new IllegalStateException("the item of key " + keyId + " is malformed: " + e.getMessage()));
        }
    }

    /** The item of a key whose SHA-256 is {@code sha256Hex}. */
    static ObjectNode item(String sha256Hex, StoredKey stored) {
        ApiKey key = stored.key();
        ObjectNode item = JsonNodeFactory.instance.objectNode()
                .put("id", sha256Hex)
                .put(KEY_ID, key.id())
                .put(CONSUMER, key.consumer())
                .put(STAGE, key.stage())
                .put(PLAN, key.plan())
                .put(STATUS, status(key.status()))
                .put(CREATED_AT, stored.createdAt().getEpochSecond());
        key.expiresAt().ifPresent(expiry -> item.put(EXPIRES_AT, expiry.getEpochSecond()));
        stored.revokedAt().ifPresent(revoked -> item.put(REVOKED_AT, revoked.getEpochSecond()));
        stored.replacedBy().ifPresent(replacement -> item.put(REPLACED_BY, replacement));
        return item;
    }

    static String status(ApiKey.Status status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    private static String text(JsonNode item, String name) {
        JsonNode value = item.get(name);
        if (value == null || !value.isTextual()) {
            throw missing(name);
        }
        return value.asText();
    }

    private static Optional<Instant> time(JsonNode item, String name) {
        JsonNode value = item.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.canConvertToLong()) {
            throw new IllegalArgumentException(name + " is not a number of seconds");
        }
        return Optional.of(Instant.ofEpochSecond(value.asLong()));
    }

    private static IllegalArgumentException missing(String name) {
        return new IllegalArgumentException("no " + name);
    }
}
