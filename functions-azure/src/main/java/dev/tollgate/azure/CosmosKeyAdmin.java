package dev.tollgate.azure;

import static dev.tollgate.policy.auth.apikey.KeyItems.CONSUMER;
import static dev.tollgate.policy.auth.apikey.KeyItems.EXPIRES_AT;
import static dev.tollgate.policy.auth.apikey.KeyItems.KEY_ID;
import static dev.tollgate.policy.auth.apikey.KeyItems.REPLACED_BY;
import static dev.tollgate.policy.auth.apikey.KeyItems.REVOKED_AT;
import static dev.tollgate.policy.auth.apikey.KeyItems.STAGE;
import static dev.tollgate.policy.auth.apikey.KeyItems.STATUS;

import com.azure.cosmos.CosmosContainer;
import com.azure.cosmos.CosmosException;
import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.CosmosPatchItemRequestOptions;
import com.azure.cosmos.models.CosmosPatchOperations;
import com.azure.cosmos.models.CosmosQueryRequestOptions;
import com.azure.cosmos.models.PartitionKey;
import com.azure.cosmos.models.SqlParameter;
import com.azure.cosmos.models.SqlQuerySpec;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import dev.tollgate.policy.auth.apikey.KeyItems;
import dev.tollgate.problem.KeyStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The administrator's side of the keys container that {@link CosmosKeyStore} describes and reads,
 * for {@code ./tollgate keys --platform azure}. Never on the request path. A key is found by its id
 * with a query ({@code WHERE c.keyId = @id}, across partitions: queries see every write before them
 * at the account's consistency, unlike DynamoDB's secondary indexes), so each key is one item.
 *
 * <p>Cosmos DB has no transaction across partitions, so a rotation writes the new key first, then
 * changes the old one only if it is still as read (a patch with a filter predicate), and deletes
 * the new key again if it is not: nobody has seen the new key before the command prints it.
 *
 * <p>Every SDK failure becomes a {@link KeyStoreException}, as in the store.
 */
public final class CosmosKeyAdmin implements KeyAdmin {

    private static final int CONFLICT = 409;
    private static final int PRECONDITION_FAILED = 412;

    private final CosmosContainer container;
    private final CosmosKeyStore store;

    public CosmosKeyAdmin(CosmosContainer container) {
        this.container = container;
        this.store = new CosmosKeyStore(container);
    }

    /**
     * {@inheritDoc} The id is looked for first, then the item is created only if its hash is new; ids
     * are random, so two administrators making the same id at once is not guarded against.
     */
    @Override
    public StoredKey create(String sha256Hex, ApiKey key, Instant createdAt) {
        ApiKey kept = new ApiKey(key.id(), key.consumer(), key.stage(), key.plan(), key.status(),
                key.expiresAt().map(KeyAdmin::inSeconds));
        StoredKey stored = new StoredKey(kept, KeyAdmin.inSeconds(createdAt), Optional.empty(), Optional.empty());
        if (itemOf(key.id(), "The key could not be created.").isPresent()) {
            throw exists(key.id());
        }
        try {
            container.createItem(CosmosKeyStore.item(sha256Hex, stored), new PartitionKey(sha256Hex), new CosmosItemRequestOptions());
        } catch (CosmosException e) {
            if (e.getStatusCode() == CONFLICT) {
                throw exists(key.id());
            }
            throw new KeyStoreException("The key could not be created.", e);
        }
        return stored;
    }

    @Override
    public Optional<StoredKey> findById(String keyId) {
        return itemOf(keyId, "The key could not be read.").map(CosmosKeyStore::stored);
    }

    @Override
    public Optional<StoredKey> revoke(String keyId, Instant now) {
        Optional<ObjectNode> item = itemOf(keyId, "The key could not be read.");
        if (item.isEmpty()) {
            return Optional.empty();
        }
        String id = item.get().get("id").asText();
        CosmosPatchOperations revoke = CosmosPatchOperations.create()
                .set("/" + STATUS, KeyItems.status(ApiKey.Status.REVOKED))
                .set("/" + REVOKED_AT, now.getEpochSecond());
        try {
            return Optional.of(CosmosKeyStore.stored(patch(id, revoke, "FROM c WHERE c." + STATUS + " = 'active'")));
        } catch (CosmosException e) {
            if (e.getStatusCode() == PRECONDITION_FAILED) {
                return findById(keyId); // revoked already: the first time stays
            }
            throw new KeyStoreException("The key could not be revoked.", e);
        }
    }

    @Override
    public Optional<Rotation> rotate(String keyId, String newSha256Hex, String newKeyId, Instant now, Duration grace,
                                     Optional<Instant> newExpiry) {
        Optional<ObjectNode> item = itemOf(keyId, "The key could not be read.");
        if (item.isEmpty()) {
            return Optional.empty();
        }
        String oldId = item.get().get("id").asText();
        StoredKey found = CosmosKeyStore.stored(item.get());
        Rotation rotation = Rotation.of(found, newKeyId, now, grace, newExpiry);
        try {
            create(newSha256Hex, rotation.replacement().key(), now);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("the new key's id or value exists already; nothing was written");
        }
        // The old key only as read: active, not replaced, with the expiry it had (or none).
        String asRead = "FROM c WHERE c." + STATUS + " = 'active' AND NOT IS_DEFINED(c." + REPLACED_BY + ") AND "
                + found.key().expiresAt().map(seen -> "c." + EXPIRES_AT + " = " + seen.getEpochSecond())
                        .orElse("NOT IS_DEFINED(c." + EXPIRES_AT + ")");
        CosmosPatchOperations replaced = CosmosPatchOperations.create()
                .set("/" + EXPIRES_AT, rotation.previous().key().expiresAt().orElseThrow().getEpochSecond())
                .set("/" + REPLACED_BY, newKeyId);
        try {
            patch(oldId, replaced, asRead);
        } catch (CosmosException e) {
            undo(newSha256Hex, newKeyId, e);
            if (e.getStatusCode() == PRECONDITION_FAILED) {
                throw new IllegalStateException("key " + keyId
                        + " changed while it was rotated (revoked or rotated at the same time); nothing was written");
            }
            throw new KeyStoreException("The key could not be rotated.", e);
        }
        return Optional.of(rotation);
    }

    /** {@inheritDoc} Listing queries the whole container. */
    @Override
    public List<StoredKey> list(Optional<String> stage, Optional<String> consumer) {
        StringBuilder query = new StringBuilder("SELECT * FROM c WHERE IS_DEFINED(c." + KEY_ID + ")");
        List<SqlParameter> parameters = new ArrayList<>();
        stage.ifPresent(s -> {
            query.append(" AND c.").append(STAGE).append(" = @stage");
            parameters.add(new SqlParameter("@stage", s));
        });
        consumer.ifPresent(c -> {
            query.append(" AND c.").append(CONSUMER).append(" = @consumer");
            parameters.add(new SqlParameter("@consumer", c));
        });
        try {
            List<StoredKey> keys = new ArrayList<>();
            container.queryItems(new SqlQuerySpec(query.toString(), parameters), new CosmosQueryRequestOptions(), ObjectNode.class)
                    .forEach(item -> keys.add(CosmosKeyStore.stored(item)));
            keys.sort(StoredKey.OLDEST_FIRST);
            return keys;
        } catch (CosmosException e) {
            throw new KeyStoreException("The keys could not be listed.", e);
        }
    }

    private Optional<ObjectNode> itemOf(String keyId, String failure) {
        try {
            SqlQuerySpec byId = new SqlQuerySpec("SELECT * FROM c WHERE c." + KEY_ID + " = @id",
                    List.of(new SqlParameter("@id", keyId)));
            return container.queryItems(byId, new CosmosQueryRequestOptions(), ObjectNode.class).stream().findFirst();
        } catch (CosmosException e) {
            throw new KeyStoreException(failure, e);
        }
    }

    private ObjectNode patch(String id, CosmosPatchOperations operations, String predicate) {
        CosmosPatchItemRequestOptions options = new CosmosPatchItemRequestOptions();
        options.setFilterPredicate(predicate);
        return container.patchItem(id, new PartitionKey(id), operations, options, ObjectNode.class).getItem();
    }

    /** Deletes the new key of a rotation that did not happen; if that fails too, says which key is left. */
    private void undo(String newSha256Hex, String newKeyId, CosmosException cause) {
        try {
            container.deleteItem(newSha256Hex, new PartitionKey(newSha256Hex), new CosmosItemRequestOptions());
        } catch (CosmosException e) {
            cause.addSuppressed(e);
            throw new KeyStoreException("The key could not be rotated, and its unused replacement could not be deleted:"
                    + " revoke key " + newKeyId + ", which nobody was given.", cause);
        }
    }

    private static IllegalStateException exists(String keyId) {
        return new IllegalStateException("a key with id " + keyId + " or with the same value exists already");
    }
}
