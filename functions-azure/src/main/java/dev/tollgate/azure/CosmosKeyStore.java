package dev.tollgate.azure;

import static dev.tollgate.policy.auth.apikey.KeyItems.CONSUMER;
import static dev.tollgate.policy.auth.apikey.KeyItems.CREATED_AT;
import static dev.tollgate.policy.auth.apikey.KeyItems.EXPIRES_AT;
import static dev.tollgate.policy.auth.apikey.KeyItems.KEY_ID;
import static dev.tollgate.policy.auth.apikey.KeyItems.PLAN;
import static dev.tollgate.policy.auth.apikey.KeyItems.REPLACED_BY;
import static dev.tollgate.policy.auth.apikey.KeyItems.REVOKED_AT;
import static dev.tollgate.policy.auth.apikey.KeyItems.STAGE;
import static dev.tollgate.policy.auth.apikey.KeyItems.STATUS;

import com.azure.cosmos.CosmosContainer;
import com.azure.cosmos.CosmosException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.KeyAdmin.StoredKey;
import dev.tollgate.policy.auth.apikey.KeyItems;
import dev.tollgate.policy.auth.apikey.KeyStore;
import dev.tollgate.problem.KeyStoreException;
import java.util.Optional;

/**
 * API keys in a Cosmos DB for NoSQL container, known by their SHA-256: the key itself is never
 * stored, and no message of this class holds a key or its hash. One item per key, partition key
 * {@code /id}, {@code id} the key's SHA-256 (64 lowercase hex digits), with {@link KeyItems the fields
 * every platform's store keeps}. The
 * container has no TTL: an expired key stays, so that it is answered "expired" rather than "not valid".
 *
 * <p>This is the request path's side: one read by hash ({@link CosmosItems#read}), never a write. Creating,
 * listing, revoking and rotating keys are the administrator's ({@link CosmosKeyAdmin}). Every SDK
 * failure becomes a {@link KeyStoreException}: the gateway answers it with 503, never "unknown key".
 */
public final class CosmosKeyStore implements KeyStore {

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

    /** An item as a key ({@link KeyItems#stored}). */
    static StoredKey stored(JsonNode item) {
        return KeyItems.stored(new KeyItems.Fields() {
            @Override
            public Optional<String> text(String name) {
                JsonNode value = item.get(name);
                if (value != null && !value.isTextual()) {
                    throw new IllegalArgumentException(name + " is not a string");
                }
                return Optional.ofNullable(value).map(JsonNode::asText);
            }

            @Override
            public Optional<Long> number(String name) {
                JsonNode value = item.get(name);
                if (value != null && !value.canConvertToLong()) {
                    throw new IllegalArgumentException(name + " is not a number of seconds");
                }
                return Optional.ofNullable(value).map(JsonNode::asLong);
            }
        });
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
                .put(STATUS, KeyItems.status(key.status()))
                .put(CREATED_AT, stored.createdAt().getEpochSecond());
        key.expiresAt().ifPresent(expiry -> item.put(EXPIRES_AT, expiry.getEpochSecond()));
        stored.revokedAt().ifPresent(revoked -> item.put(REVOKED_AT, revoked.getEpochSecond()));
        stored.replacedBy().ifPresent(replacement -> item.put(REPLACED_BY, replacement));
        return item;
    }
}
