package dev.tollgate.aws;

import static dev.tollgate.aws.DynamoDbKeyStore.ID_ITEM;
import static dev.tollgate.aws.DynamoDbKeyStore.KEY_ITEM;
import static dev.tollgate.aws.DynamoDbKeyStore.PARTITION_KEY;
import static dev.tollgate.aws.DynamoDbKeyStore.SHA256;
import static dev.tollgate.aws.DynamoDbKeyStore.seconds;
import static dev.tollgate.aws.DynamoDbKeyStore.status;
import static dev.tollgate.aws.DynamoDbKeyStore.stored;
import static dev.tollgate.aws.DynamoDbKeyStore.text;
import static dev.tollgate.policy.auth.apikey.KeyItems.CONSUMER;
import static dev.tollgate.policy.auth.apikey.KeyItems.CREATED_AT;
import static dev.tollgate.policy.auth.apikey.KeyItems.EXPIRES_AT;
import static dev.tollgate.policy.auth.apikey.KeyItems.KEY_ID;
import static dev.tollgate.policy.auth.apikey.KeyItems.PLAN;
import static dev.tollgate.policy.auth.apikey.KeyItems.REPLACED_BY;
import static dev.tollgate.policy.auth.apikey.KeyItems.REVOKED_AT;
import static dev.tollgate.policy.auth.apikey.KeyItems.STAGE;
import static dev.tollgate.policy.auth.apikey.KeyItems.STATUS;

import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import dev.tollgate.problem.KeyStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The administrator's side of the keys table that {@link DynamoDbKeyStore} describes and reads:
 * creating, listing, revoking and rotating keys, for {@code ./tollgate keys}. Never on the request
 * path: the gateway only looks keys up ({@link DynamoDbKeyStore#findBySha256}). Listing scans the table.
 * A rotation writes the new key and changes the old one in one transaction.
 *
 * <p>Every SDK failure becomes a {@link KeyStoreException}, as in the store.
 */
public final class DynamoDbKeyAdmin implements KeyAdmin {

    private static final String NOT_THERE = "attribute_not_exists(#pk)";
    private static final String REVOKE = "SET #status = :revoked, #revokedAt = if_not_exists(#revokedAt, :now)";
    private static final String ROTATE = "SET #expiresAt = :expiresAt, #replacedBy = :replacedBy";
    /** The old key is rotated only as it was read: active, not replaced, with the expiry it had (or none). */
    private static final String AS_READ = "#status = :active AND attribute_not_exists(#replacedBy)"
            + " AND (attribute_not_exists(#expiresAt) OR #expiresAt = :seen)";

    private final DynamoDbClient dynamo;
    private final String table;
    private final DynamoDbKeyStore store;

    public DynamoDbKeyAdmin(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.store = new DynamoDbKeyStore(dynamo, table);
    }

    @Override
    public StoredKey create(String sha256Hex, ApiKey key, Instant createdAt) {
        ApiKey kept = new ApiKey(key.id(), key.consumer(), key.stage(), key.plan(), key.status(),
                key.expiresAt().map(KeyAdmin::inSeconds));
        try {
            dynamo.transactWriteItems(write -> write.transactItems(newKey(sha256Hex, kept, createdAt)));
        } catch (TransactionCanceledException e) {
            throw new IllegalStateException("a key with id " + key.id() + " or with the same value exists already");
        } catch (SdkException e) {
            throw new KeyStoreException("The key could not be created.", e);
        }
        return new StoredKey(kept, KeyAdmin.inSeconds(createdAt), Optional.empty(), Optional.empty());
    }

    @Override
    public Optional<StoredKey> findById(String keyId) {
        return hashOf(keyId).flatMap(hash -> store.keyItem(hash, "The key could not be read.")).map(DynamoDbKeyStore::stored);
    }

    @Override
    public Optional<StoredKey> revoke(String keyId, Instant now) {
        Optional<String> hash = hashOf(keyId);
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        try {
            Map<String, AttributeValue> item = dynamo.updateItem(update -> update
                    .tableName(table)
                    .key(Map.of(PARTITION_KEY, AttributeValue.fromS(KEY_ITEM + hash.get())))
                    .updateExpression(REVOKE)
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#status", STATUS, "#revokedAt", REVOKED_AT))
                    .expressionAttributeValues(Map.of(":revoked", status(ApiKey.Status.REVOKED), ":now", seconds(now)))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            return Optional.of(stored(item));
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalStateException("key " + keyId + " has an id item but no key item");
        } catch (SdkException e) {
            throw new KeyStoreException("The key could not be revoked.", e);
        }
    }

    @Override
    public Optional<Rotation> rotate(String keyId, String newSha256Hex, String newKeyId, Instant now, Duration grace,
                                     Optional<Instant> newExpiry) {
        Optional<String> hash = hashOf(keyId);
        Optional<StoredKey> found = hash.flatMap(h -> store.keyItem(h, "The key could not be read.")).map(DynamoDbKeyStore::stored);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Rotation rotation = Rotation.of(found.get(), newKeyId, now, grace, newExpiry);
        Map<String, AttributeValue> seen = new HashMap<>(Map.of(
                ":active", status(ApiKey.Status.ACTIVE),
                ":expiresAt", seconds(rotation.previous().key().expiresAt().orElseThrow()),
                ":replacedBy", AttributeValue.fromS(newKeyId)));
        seen.put(":seen", found.get().key().expiresAt().map(DynamoDbKeyStore::seconds).orElse(AttributeValue.fromN("0")));
        List<TransactWriteItem> writes = new ArrayList<>(newKey(newSha256Hex, rotation.replacement().key(), now));
        writes.add(TransactWriteItem.builder().update(update -> update
                .tableName(table)
                .key(Map.of(PARTITION_KEY, AttributeValue.fromS(KEY_ITEM + hash.get())))
                .updateExpression(ROTATE)
                .conditionExpression(AS_READ)
                .expressionAttributeNames(Map.of("#status", STATUS, "#expiresAt", EXPIRES_AT, "#replacedBy", REPLACED_BY))
                .expressionAttributeValues(seen)).build());
        try {
            dynamo.transactWriteItems(write -> write.transactItems(writes));
        } catch (TransactionCanceledException e) {
            boolean oldChanged = e.hasCancellationReasons() && e.cancellationReasons().size() == 3
                    && "ConditionalCheckFailed".equals(e.cancellationReasons().get(2).code());
            throw new IllegalStateException(oldChanged
                    ? "key " + keyId + " changed while it was rotated (revoked or rotated at the same time); nothing was written"
                    : "the new key's id or value exists already; nothing was written (" + reasons(e) + ")");
        } catch (SdkException e) {
            throw new KeyStoreException("The key could not be rotated.", e);
        }
        return Optional.of(rotation);
    }

    /** {@inheritDoc} Listing scans the table. */
    @Override
    public List<StoredKey> list(Optional<String> stage, Optional<String> consumer) {
        StringBuilder filter = new StringBuilder("begins_with(#pk, :keyItem)");
        Map<String, String> names = new HashMap<>(Map.of("#pk", PARTITION_KEY));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":keyItem", AttributeValue.fromS(KEY_ITEM)));
        stage.ifPresent(s -> {
            filter.append(" AND #stage = :stage");
            names.put("#stage", STAGE);
            values.put(":stage", AttributeValue.fromS(s));
        });
        consumer.ifPresent(c -> {
            filter.append(" AND #consumer = :consumer");
            names.put("#consumer", CONSUMER);
            values.put(":consumer", AttributeValue.fromS(c));
        });
        ScanRequest scan = ScanRequest.builder()
                .tableName(table)
                .filterExpression(filter.toString())
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .consistentRead(true)
                .build();
        try {
            List<StoredKey> keys = new ArrayList<>();
            dynamo.scanPaginator(scan).items().forEach(item -> keys.add(stored(item)));
            keys.sort(StoredKey.OLDEST_FIRST);
            return keys;
        } catch (SdkException e) {
            throw new KeyStoreException("The keys could not be listed.", e);
        }
    }

    /** The two items of a new key, each only if nothing is there yet. */
    private List<TransactWriteItem> newKey(String sha256Hex, ApiKey key, Instant createdAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PARTITION_KEY, AttributeValue.fromS(KEY_ITEM + sha256Hex));
        item.put(KEY_ID, AttributeValue.fromS(key.id()));
        item.put(CONSUMER, AttributeValue.fromS(key.consumer()));
        item.put(STAGE, AttributeValue.fromS(key.stage()));
        item.put(PLAN, AttributeValue.fromS(key.plan()));
        item.put(STATUS, status(key.status()));
        item.put(CREATED_AT, seconds(createdAt));
        key.expiresAt().ifPresent(expiry -> item.put(EXPIRES_AT, seconds(expiry)));
        Map<String, AttributeValue> id = Map.of(
                PARTITION_KEY, AttributeValue.fromS(ID_ITEM + key.id()),
                SHA256, AttributeValue.fromS(sha256Hex));
        return List.of(putIfAbsent(item), putIfAbsent(id));
    }

    private TransactWriteItem putIfAbsent(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(put -> put
                .tableName(table)
                .item(item)
                .conditionExpression(NOT_THERE)
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY))).build();
    }

    private Optional<String> hashOf(String keyId) {
        try {
            Map<String, AttributeValue> item = dynamo.getItem(get -> get.tableName(table)
                    .key(Map.of(PARTITION_KEY, AttributeValue.fromS(ID_ITEM + keyId)))
                    .consistentRead(true)).item();
            return item == null || item.isEmpty() ? Optional.empty() : Optional.of(text(item, SHA256));
        } catch (SdkException e) {
            throw new KeyStoreException("The key could not be read.", e);
        }
    }

    private static String reasons(TransactionCanceledException e) {
        return e.hasCancellationReasons()
                ? String.join(", ", e.cancellationReasons().stream().map(CancellationReason::code).toList())
                : "cancelled";
    }
}
