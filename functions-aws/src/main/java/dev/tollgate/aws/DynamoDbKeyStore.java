package dev.tollgate.aws;

import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.KeyStore;
import dev.tollgate.problem.KeyStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * API keys in DynamoDB, known by their SHA-256: the key itself is never stored, and no message of
 * this class holds a key or its hash. One table, partition key {@value #PARTITION_KEY} (S), two
 * kinds of item:
 * <ul>
 *   <li>{@code key#SHA256HEX}: the key: {@value #KEY_ID}, {@value #CONSUMER}, {@value #STAGE},
 *       {@value #PLAN}, {@value #STATUS} ({@code active} or {@code revoked}), {@value #CREATED_AT},
 *       and optionally {@value #EXPIRES_AT}, {@value #REVOKED_AT}, {@value #REPLACED_BY} (times in
 *       epoch seconds). The gateway reads only these, one strongly consistent {@code GetItem} each.</li>
 *   <li>{@code id#KEY_ID}: which hash a key id has ({@value #SHA256}), so that {@code keys revoke}
 *       and {@code keys rotate} find a key by its id.</li>
 * </ul>
 * Both items of a key are written in one transaction, so an id always leads to its key, strongly
 * consistent, right after it was made (a global secondary index would be eventually consistent).
 * Listing scans the table: an administrator's command, never on the request path. The table has no
 * TTL: an expired key stays, so that it is answered "expired" rather than "not valid".
 *
 * <p>Every SDK failure becomes a {@link KeyStoreException}: the gateway answers it with 503.
 */
public final class DynamoDbKeyStore implements KeyStore {

    public static final String PARTITION_KEY = "pk";
    public static final String KEY_ID = "keyId";
    public static final String CONSUMER = "consumer";
    public static final String STAGE = "stage";
    public static final String PLAN = "plan";
    public static final String STATUS = "status";
    public static final String CREATED_AT = "createdAt";
    public static final String EXPIRES_AT = "expiresAt";
    public static final String REVOKED_AT = "revokedAt";
    public static final String REPLACED_BY = "replacedBy";
    public static final String SHA256 = "sha256";
    static final String KEY_ITEM = "key#";
    static final String ID_ITEM = "id#";

    private static final String NOT_THERE = "attribute_not_exists(#pk)";
    private static final String REVOKE = "SET #status = :revoked, #revokedAt = if_not_exists(#revokedAt, :now)";
    private static final String ROTATE = "SET #expiresAt = :expiresAt, #replacedBy = :replacedBy";
    /** The old key is rotated only as it was read: active, not replaced, with the expiry it had (or none). */
    private static final String AS_READ = "#status = :active AND attribute_not_exists(#replacedBy)"
            + " AND (attribute_not_exists(#expiresAt) OR #expiresAt = :seen)";

    /**
     * A key as the table holds it, for the keys command.
     *
     * @param key        the key as the gateway sees it
     * @param createdAt  when it was made
     * @param revokedAt  when it was revoked, if it was
     * @param replacedBy the id of the key that rotation made in its place, if any
     */
    public record StoredKey(ApiKey key, Instant createdAt, Optional<Instant> revokedAt, Optional<String> replacedBy) {
    }

    /**
     * What a rotation did.
     *
     * @param previous    the old key, now expiring at the end of its grace period
     * @param replacement the new key: same consumer, stage and plan
     */
    public record Rotation(StoredKey previous, StoredKey replacement) {
    }

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbKeyStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** The table this store needs; the local runner creates the same one, and so will the CDK stack. */
    public static CreateTableRequest tableDefinition(String table) {
        return DynamoDbTables.keyedBy(table, PARTITION_KEY);
    }

    public String table() {
        return table;
    }

    @Override
    public Optional<ApiKey> findBySha256(String sha256Hex) {
        return keyItem(sha256Hex, "The API key could not be looked up.").map(item -> stored(item).key());
    }

    /**
     * Writes a new key, its times in whole seconds; it fails, changing nothing, if its id or hash is
     * taken (which random ones never are).
     */
    public StoredKey create(String sha256Hex, ApiKey key, Instant createdAt) {
        ApiKey kept = new ApiKey(key.id(), key.consumer(), key.stage(), key.plan(), key.status(),
                key.expiresAt().map(DynamoDbKeyStore::truncate));
        try {
            dynamo.transactWriteItems(write -> write.transactItems(newKey(sha256Hex, kept, createdAt)));
        } catch (TransactionCanceledException e) {
            throw new IllegalStateException("a key with id " + key.id() + " or with the same value exists already");
        } catch (SdkException e) {
            throw new KeyStoreException("The key could not be created.", e);
        }
        return new StoredKey(kept, truncate(createdAt), Optional.empty(), Optional.empty());
    }

    public Optional<StoredKey> findById(String keyId) {
        return hashOf(keyId).flatMap(hash -> keyItem(hash, "The key could not be read.")).map(DynamoDbKeyStore::stored);
    }

    /** Revokes a key for good; revoking it again changes nothing. Empty when there is no such key. */
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

    /**
     * Replaces a key by a new one of the same consumer, stage and plan, in one transaction; the old
     * key keeps working for {@code grace} (or until its own expiry, if that comes first). Empty when
     * there is no such key.
     *
     * @param newExpiry when the new key expires; empty: when the old key would have (never, if it would not)
     * @throws IllegalStateException when the key is revoked, expired or replaced already (its grace
     *                               period would become the new key's expiry), or changed while this ran
     */
    public Optional<Rotation> rotate(String keyId, String newSha256Hex, String newKeyId, Instant now, Duration grace,
                                     Optional<Instant> newExpiry) {
        Optional<String> hash = hashOf(keyId);
        Optional<StoredKey> found = hash.flatMap(h -> keyItem(h, "The key could not be read.")).map(DynamoDbKeyStore::stored);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ApiKey old = found.get().key();
        if (old.status() == ApiKey.Status.REVOKED) {
            throw new IllegalStateException("key " + keyId + " is revoked (expected: an active key; create a new one instead)");
        }
        if (old.expiredAt(now)) {
            throw new IllegalStateException("key " + keyId + " expired at " + old.expiresAt().orElseThrow()
                    + " (expected: an active key; create a new one instead)");
        }
        if (found.get().replacedBy().isPresent()) {
            String replacement = found.get().replacedBy().get();
            throw new IllegalStateException("key " + keyId + " was rotated already: key " + replacement + " replaces it"
                    + old.expiresAt().map(end -> " and " + keyId + " stops working at " + end).orElse("")
                    + " (expected: a key not yet replaced; rotate " + replacement + " instead)");
        }
        Instant graceEnds = truncate(now.plus(grace));
        Instant expiresAt = old.expiresAt().filter(own -> own.isBefore(graceEnds)).orElse(graceEnds);
        ApiKey replacement = new ApiKey(newKeyId, old.consumer(), old.stage(), old.plan(), ApiKey.Status.ACTIVE,
                newExpiry.or(old::expiresAt).map(DynamoDbKeyStore::truncate));
        Map<String, AttributeValue> seen = new HashMap<>(Map.of(
                ":active", status(ApiKey.Status.ACTIVE),
                ":expiresAt", seconds(expiresAt),
                ":replacedBy", AttributeValue.fromS(newKeyId)));
        seen.put(":seen", old.expiresAt().map(DynamoDbKeyStore::seconds).orElse(AttributeValue.fromN("0")));
        List<TransactWriteItem> writes = new ArrayList<>(newKey(newSha256Hex, replacement, now));
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
        StoredKey previous = new StoredKey(new ApiKey(old.id(), old.consumer(), old.stage(), old.plan(), old.status(),
                Optional.of(expiresAt)), found.get().createdAt(), Optional.empty(), Optional.of(newKeyId));
        return Optional.of(new Rotation(previous, new StoredKey(replacement, truncate(now), Optional.empty(), Optional.empty())));
    }

    /** The keys of the table, oldest first, of one stage and consumer when given. */
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
            keys.sort(Comparator.comparing(StoredKey::createdAt).thenComparing(k -> k.key().id()));
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

    private Optional<Map<String, AttributeValue>> keyItem(String sha256Hex, String failure) {
        try {
            Map<String, AttributeValue> item = dynamo.getItem(get -> get.tableName(table)
                    .key(Map.of(PARTITION_KEY, AttributeValue.fromS(KEY_ITEM + sha256Hex)))
                    .consistentRead(true)).item();
            return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
        } catch (SdkException e) {
            throw new KeyStoreException(failure, e);
        }
    }

    /** An item as a key; an item that is not one is the store's failure (503), not the caller's (401). */
    private static StoredKey stored(Map<String, AttributeValue> item) {
        String keyId = item.containsKey(KEY_ID) ? item.get(KEY_ID).s() : null;
        try {
            ApiKey key = new ApiKey(text(item, KEY_ID), text(item, CONSUMER), text(item, STAGE), text(item, PLAN),
                    ApiKey.Status.valueOf(text(item, STATUS).toUpperCase(Locale.ROOT)), time(item, EXPIRES_AT));
            return new StoredKey(key, time(item, CREATED_AT).orElseThrow(() -> missing(CREATED_AT)),
                    time(item, REVOKED_AT), Optional.ofNullable(item.get(REPLACED_BY)).map(AttributeValue::s));
        } catch (IllegalArgumentException | NullPointerException e) {
            // The message names the key's id at most: never its hash.
            throw new KeyStoreException("The API key could not be looked up.",
                    new IllegalStateException("the item of key " + keyId + " is malformed: " + e.getMessage()));
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null || value.s() == null) {
            throw missing(name);
        }
        return value.s();
    }

    private static Optional<Instant> time(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? Optional.empty() : Optional.of(Instant.ofEpochSecond(Long.parseLong(value.n())));
    }

    private static IllegalArgumentException missing(String name) {
        return new IllegalArgumentException("no " + name);
    }

    private static AttributeValue status(ApiKey.Status status) {
        return AttributeValue.fromS(status.name().toLowerCase(Locale.ROOT));
    }

    private static AttributeValue seconds(Instant instant) {
        return AttributeValue.fromN(Long.toString(instant.getEpochSecond()));
    }

    /** Times are kept in whole seconds; what this store returns says what it kept. */
    private static Instant truncate(Instant instant) {
        return Instant.ofEpochSecond(instant.getEpochSecond());
    }

    private static String reasons(TransactionCanceledException e) {
        return e.hasCancellationReasons()
                ? String.join(", ", e.cancellationReasons().stream().map(CancellationReason::code).toList())
                : "cancelled";
    }
}
