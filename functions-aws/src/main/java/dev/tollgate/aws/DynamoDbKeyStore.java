package dev.tollgate.aws;

import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.KeyAdmin.StoredKey;
import dev.tollgate.policy.auth.apikey.KeyItems;
import dev.tollgate.policy.auth.apikey.KeyStore;
import dev.tollgate.problem.KeyStoreException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/**
 * API keys in DynamoDB, known by their SHA-256: the key itself is never stored, and no message of
 * this class holds a key or its hash. One table, partition key {@value #PARTITION_KEY} (S), two
 * kinds of item:
 * <ul>
 *   <li>{@code key#SHA256HEX}: the key, {@link KeyItems its fields}. The gateway reads only these,
 *       one strongly consistent {@code GetItem} each.</li>
 *   <li>{@code id#KEY_ID}: which hash a key id has ({@value #SHA256}), so that {@code keys revoke}
 *       and {@code keys rotate} find a key by its id.</li>
 * </ul>
 * Both items of a key are written in one transaction, so an id always leads to its key, strongly
 * consistent, right after it was made (a global secondary index would be eventually consistent).
 * The table has no TTL: an expired key stays, so that it is answered "expired" rather than "not valid".
 *
 * <p>This is the request path's side of the table: the lookup by hash, and the reading of an item.
 * Writing, listing, revoking and rotating keys are the administrator's ({@link DynamoDbKeyAdmin}).
 *
 * <p>Every SDK failure becomes a {@link KeyStoreException}: the gateway answers it with 503.
 */
public final class DynamoDbKeyStore implements KeyStore {

    public static final String PARTITION_KEY = "pk";
    public static final String SHA256 = "sha256";
    static final String KEY_ITEM = "key#";
    static final String ID_ITEM = "id#";

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

    Optional<Map<String, AttributeValue>> keyItem(String sha256Hex, String failure) {
        try {
            Map<String, AttributeValue> item = dynamo.getItem(get -> get.tableName(table)
                    .key(Map.of(PARTITION_KEY, AttributeValue.fromS(KEY_ITEM + sha256Hex)))
                    .consistentRead(true)).item();
            return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
        } catch (SdkException e) {
            throw new KeyStoreException(failure, e);
        }
    }

    /** An item as a key ({@link KeyItems#stored}). */
    static StoredKey stored(Map<String, AttributeValue> item) {
        return KeyItems.stored(new KeyItems.Fields() {
            @Override
            public Optional<String> text(String name) {
                AttributeValue value = item.get(name);
                if (value != null && value.s() == null) {
                    throw new IllegalArgumentException(name + " is not a string");
                }
                return Optional.ofNullable(value).map(AttributeValue::s);
            }

            @Override
            public Optional<Long> number(String name) {
                return Optional.ofNullable(item.get(name)).map(value -> Long.parseLong(value.n()));
            }
        });
    }

    /** A text attribute that must be there. */
    static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null || value.s() == null) {
            throw new IllegalArgumentException("no " + name);
        }
        return value.s();
    }

    static AttributeValue status(ApiKey.Status status) {
        return AttributeValue.fromS(KeyItems.status(status));
    }

    static AttributeValue seconds(Instant instant) {
        return AttributeValue.fromN(Long.toString(instant.getEpochSecond()));
    }
}
