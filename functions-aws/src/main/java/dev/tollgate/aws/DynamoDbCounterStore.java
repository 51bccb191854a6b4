package dev.tollgate.aws;

import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.problem.CounterStoreException;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Quota counters in DynamoDB: one item per counter, incremented by a conditional {@code UpdateItem}
 * ({@code ADD used :one} only while {@code used < :limit}), so that concurrent callers on any
 * number of function instances never push a counter past its limit. Items carry their expiry in
 * {@value #EXPIRES_AT}, the table's TTL attribute.
 */
public final class DynamoDbCounterStore implements CounterStore {

    public static final String PARTITION_KEY = "pk";
    public static final String USED = "used";
    public static final String EXPIRES_AT = "expiresAt";

    private static final String INCREMENT = "SET #expiresAt = if_not_exists(#expiresAt, :expiresAt) ADD #used :one";
    private static final String BELOW_LIMIT = "attribute_not_exists(#used) OR #used < :limit";
    private static final Map<String, String> NAMES = Map.of("#used", USED, "#expiresAt", EXPIRES_AT);
    private static final AttributeValue ONE = AttributeValue.fromN("1");

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbCounterStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** The table this store needs; the CDK stack and the local runner create the same one. */
    public static CreateTableRequest tableDefinition(String table) {
        return CreateTableRequest.builder()
                .tableName(table)
                .keySchema(KeySchemaElement.builder().attributeName(PARTITION_KEY).keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName(PARTITION_KEY).attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .build();
    }

    @Override
    public Acquisition tryAcquire(String counter, long limit, Instant expiresAt) {
        try {
            UpdateItemResponse response = dynamo.updateItem(update -> update
                    .tableName(table)
                    .key(key(counter))
                    .updateExpression(INCREMENT)
                    .conditionExpression(BELOW_LIMIT)
                    .expressionAttributeNames(NAMES)
                    .expressionAttributeValues(Map.of(
                            ":one", ONE,
                            ":limit", AttributeValue.fromN(Long.toString(limit)),
                            ":expiresAt", AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond()))))
                    .returnValues(ReturnValue.UPDATED_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Acquisition(true, Long.parseLong(response.attributes().get(USED).n()));
        } catch (ConditionalCheckFailedException refused) {
            AttributeValue used = refused.hasItem() ? refused.item().get(USED) : null;
            return new Acquisition(false, used == null ? limit : Long.parseLong(used.n()));
        } catch (SdkException e) {
            throw new CounterStoreException("The quota counter could not be updated.", e);
        }
    }

    @Override
    public long used(String counter) {
        try {
            GetItemResponse response = dynamo.getItem(get -> get.tableName(table).key(key(counter)).consistentRead(true));
            AttributeValue used = response.hasItem() ? response.item().get(USED) : null;
            return used == null ? 0 : Long.parseLong(used.n());
        } catch (SdkException e) {
            throw new CounterStoreException("The quota counter could not be read.", e);
        }
    }

    private static Map<String, AttributeValue> key(String counter) {
        return Map.of(PARTITION_KEY, AttributeValue.fromS(counter));
    }
}
