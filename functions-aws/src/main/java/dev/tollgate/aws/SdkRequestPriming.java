package dev.tollgate.aws;

import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Runs the DynamoDB client's request path once at init without sending anything: an {@code UpdateItem}
 * on the counter store's table is built, its endpoint resolved, marshalled and signed, then stopped
 * before transmission by an interceptor that only this request carries (a request-level plugin), so
 * that the first real request does not load and initialise that path. It is signed with dummy
 * credentials of its own: the function's credentials are not resolved at init (under SnapStart they
 * come from the container endpoint after the restore). Nothing reaches DynamoDB, no connection is
 * opened: the store is not touched.
 */
final class SdkRequestPriming {

    private SdkRequestPriming() {
    }

    /** Where the primed request stops, before the HTTP client is given it. */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("the priming request stops before transmission", null, false, false);
        }
    }

    private static final ExecutionInterceptor STOP_BEFORE_TRANSMISSION = new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            throw new Stopped();
        }
    };

    /** Primes {@code dynamo}'s UpdateItem path on {@code table}; throws if the request was not stopped. */
    static void primeUpdateItem(DynamoDbClient dynamo, String table) {
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(DynamoDbCounterStore.PARTITION_KEY, AttributeValue.fromS("tollgate-priming")))
                .updateExpression("ADD #used :units")
                .expressionAttributeNames(Map.of("#used", DynamoDbCounterStore.USED))
                .expressionAttributeValues(Map.of(":units", AttributeValue.fromN("1")))
                .overrideConfiguration(o -> o
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming")))
                        .addPlugin(config -> config.overrideConfiguration(c -> c.addExecutionInterceptor(STOP_BEFORE_TRANSMISSION))))
                .build();
        try {
            dynamo.updateItem(request);
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof Stopped) {
                    return;
                }
            }
            throw e;
        }
        throw new IllegalStateException("the priming UpdateItem was sent (expected: stopped before transmission)");
    }
}
