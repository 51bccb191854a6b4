package dev.tollgate.aws;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * DynamoDB Local in this JVM (no port) for one test class, started before its {@code @BeforeAll}
 * methods and stopped after its {@code @AfterAll} ones:
 * <pre>
 * &#64;RegisterExtension
 * static final EmbeddedDynamoDb DYNAMO = new EmbeddedDynamoDb();
 * </pre>
 */
public final class EmbeddedDynamoDb implements BeforeAllCallback, AfterAllCallback {

    private AmazonDynamoDBLocal local;
    private DynamoDbClient client;

    @Override
    public void beforeAll(ExtensionContext context) {
        local = DynamoDBEmbedded.create(true);
        client = local.dynamoDbClient();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        client.close();
        local.shutdown();
    }

    /** A client of it, for the class's tests. */
    public DynamoDbClient client() {
        return client;
    }
}
