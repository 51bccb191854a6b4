package dev.tollgate.battery.faults;

import dev.tollgate.Gateway;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.DynamoDbCounterStore;
import dev.tollgate.aws.EmfRequestLog;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.local.LocalDynamoDb;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.quota.CounterStore;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * {@link CounterStoreFaults} on AWS: the gateway {@link AwsGateway#create} builds over the client the
 * function builds ({@link AwsGateway#dynamoDb}, its timeouts), in front of DynamoDB Local. Faults meet
 * {@code UpdateItem} calls, the counter writes. Throttling is DynamoDB's own 400 with
 * {@code com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException}, which the SDK parses
 * and retries within its call timeout.
 */
class DynamoDbCounterStoreFaultsTest extends CounterStoreFaults {

    private static final String THROTTLED = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
            + "\"message\":\"The level of configured provisioned throughput for the table was exceeded. Consider increasing"
            + " your provisioning level with the UpdateTable API.\"}";

    private LocalDynamoDb dynamo;
    private DynamoDbClient direct;
    private DynamoDbClient proxied;

    @Override
    FaultyProxy startStore() throws Exception {
        dynamo = LocalDynamoDb.start(0);
        direct = dynamo.client();
        direct.createTable(DynamoDbCounterStore.tableDefinition(TABLE));
        FaultyProxy faulty = new FaultyProxy(dynamo.endpoint().toString(), exchange -> {
            String target = exchange.getRequestHeaders().getFirst("x-amz-target");
            return target != null && target.endsWith(".UpdateItem");
        });
        proxied = AwsGateway.dynamoDb(Map.of(AwsGateway.DYNAMODB_ENDPOINT, faulty.endpoint()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        return faulty;
    }

    @Override
    Gateway gateway(GatewayConfig config, RequestObserver requestLog) {
        return AwsGateway.create(config, proxied, TABLE, AwsGateway.DEFAULT_KEYS_TABLE, clock, requestLog, BackendResolver.NONE);
    }

    @Override
    CounterStore proxiedCounters() {
        return new DynamoDbCounterStore(proxied, TABLE);
    }

    @Override
    CounterStore directCounters() {
        return new DynamoDbCounterStore(direct, TABLE);
    }

    @Override
    FaultyProxy.Answer throttling() {
        return new FaultyProxy.Answer(400, Map.of("content-type", "application/x-amz-json-1.0",
                "x-amzn-requestid", "BATTERY0THROTTLED0REQUEST0ID0000000000000000000000"), THROTTLED);
    }

    @Override
    boolean isThrottling(Throwable cause) {
        return cause instanceof ProvisionedThroughputExceededException;
    }

    @Override
    Duration storeTimeout() {
        return AwsGateway.DYNAMODB_CALL_TIMEOUT;
    }

    @Override
    String logLine(RequestObservation observation) {
        return EmfRequestLog.line(observation);
    }

    @Override
    void stopStore() throws Exception {
        if (proxied != null) {
            proxied.close();
        }
        if (direct != null) {
            direct.close();
        }
        if (dynamo != null) {
            dynamo.close();
        }
    }
}
