package dev.tollgate.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The naive baseline of {@code bench/cold-start}: what a function that only counts a request costs
 * when written the obvious way. A DynamoDB client with the SDK's defaults (its default HTTP client,
 * region and credentials provider chains, here fed by the environment variables), one
 * {@code UpdateItem} on the counters table, nothing else. Prints the milliseconds from JVM start to
 * the answer. The only setting is the endpoint, DynamoDB Local's.
 *
 * <p>Arguments: {@code DYNAMODB_ENDPOINT TABLE}.
 */
public final class NaiveSdkColdStart {

    private NaiveSdkColdStart() {
    }

    public static void main(String[] args) {
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(URI.create(args[0])).build()) {
            dynamo.updateItem(update -> update
                    .tableName(args[1])
                    .key(Map.of("pk", AttributeValue.fromS("naive-baseline#" + Instant.now().getEpochSecond() / 3600)))
                    .updateExpression("ADD #used :one")
                    .expressionAttributeNames(Map.of("#used", "used"))
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
            System.out.println(System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
        }
        System.exit(0);
    }
}
