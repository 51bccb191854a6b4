package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The function's DynamoDB client ends every call within {@link AwsGateway#DYNAMODB_CALL_TIMEOUT}, retries
 * included, so that a counter or key store that hangs or throttles fails a request's counting in time,
 * not after the SDK's 30 s read timeout and its retries; a throttled call is tried twice, then fails with
 * DynamoDB's own error. Its behaviour against a DynamoDB that hangs or
 * throttles is the battery's ({@code dev.tollgate.battery.faults.AwsFaultsTest} in tests).
 */
class AwsGatewayDynamoDbTest {

    @Test
    void theClientsCalls_endWithinTheCallTimeout_andAThrottledCallIsTriedTwice() {
        try (DynamoDbClient dynamo = AwsGateway.dynamoDb(Map.of(AwsGateway.DYNAMODB_ENDPOINT, "http://127.0.0.1:1"),
                AnonymousCredentialsProvider.create())) {
            assertThat(dynamo.serviceClientConfiguration().overrideConfiguration().apiCallTimeout())
                    .contains(AwsGateway.DYNAMODB_CALL_TIMEOUT);
            assertThat(dynamo.serviceClientConfiguration().overrideConfiguration().retryStrategy().orElseThrow().maxAttempts())
                    .isEqualTo(AwsGateway.DYNAMODB_ATTEMPTS);
        }
    }

    @Test
    void theCallTimeout_isTheSettingWhenSet_andABadOneFailsNamingIt() {
        try (DynamoDbClient dynamo = AwsGateway.dynamoDb(Map.of(AwsGateway.DYNAMODB_ENDPOINT, "http://127.0.0.1:1",
                AwsGateway.DYNAMODB_TIMEOUT, "10s"), AnonymousCredentialsProvider.create())) {
            assertThat(dynamo.serviceClientConfiguration().overrideConfiguration().apiCallTimeout()).contains(Duration.ofSeconds(10));
        }
        assertThatThrownBy(() -> AwsGateway.dynamoDb(Map.of(AwsGateway.DYNAMODB_TIMEOUT, "31s"), AnonymousCredentialsProvider.create()))
                .hasMessage("TOLLGATE_DYNAMODB_TIMEOUT: 31s (expected: a duration from 100ms to 30s, such as 2s or 500ms)");
    }
}
