package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.emulators.lambda.TrainingEndpoint;
import dev.tollgate.policy.quota.CounterStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The custom-runtime package's training run (functions-aws/package-custom-runtime) goes through the
 * whole request path only if its stand-in for DynamoDB and the backend ({@link TrainingEndpoint}) answers
 * as they do: the counter store's leases, made by the function's own DynamoDB client, are granted
 * there, and a backend request is answered 200.
 */
class TrainingEndpointTest {

    private TrainingEndpoint endpoint;
    private DynamoDbClient dynamo;

    @BeforeEach
    void start() throws Exception {
        endpoint = TrainingEndpoint.start();
        dynamo = AwsGateway.dynamoDb(Map.of("AWS_REGION", "us-east-1", AwsGateway.DYNAMODB_ENDPOINT, endpoint.url()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("training", "training")));
    }

    @AfterEach
    void stop() {
        dynamo.close();
        endpoint.close();
    }

    @Test
    void theFunctionsCounterStore_isGrantedItsLeases_andABackendRequestIsAnswered() throws Exception {
        DynamoDbCounterStore counters = new DynamoDbCounterStore(dynamo, "tollgate-counters");
        Instant expiresAt = Instant.now().plus(1, ChronoUnit.HOURS);

        CounterStore.Lease lease = counters.tryLease("quota#demo", 1, 100, expiresAt);
        CounterStore.TokenLease tokens = counters.tryLeaseTokens("rate#demo", 1, 0, 1_000, 10_000, expiresAt);
        HttpResponse<String> backend = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint.url() + "/orders"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(lease.granted()).isEqualTo(1);
        assertThat(lease.used()).isEqualTo(1);
        assertThat(tokens.granted()).isEqualTo(1);
        assertThat(backend.statusCode()).isEqualTo(200);
    }
}
