package dev.tollgate.battery.faults;

import com.sun.net.httpserver.HttpExchange;
import dev.tollgate.Gateway;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.DynamoDbCounterStore;
import dev.tollgate.aws.DynamoDbKeyAdmin;
import dev.tollgate.aws.DynamoDbKeyStore;
import dev.tollgate.aws.EmfRequestLog;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.local.LocalDynamoDb;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.testing.FaultyProxy;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * {@link PlatformFaults} on AWS: the gateway {@link AwsGateway#create} builds over the client the
 * function builds ({@link AwsGateway#dynamoDb}, its timeouts), in front of DynamoDB Local. Faults meet
 * {@code UpdateItem} calls (the counter writes) or {@code GetItem} calls (the key lookups). Throttling is DynamoDB's own 400 with
 * {@code com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException}, which the SDK parses
 * and retries within its call timeout.
 */
class AwsFaultsTest extends PlatformFaults {

    private static final String THROTTLED = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
            + "\"message\":\"The level of configured provisioned throughput for the table was exceeded. Consider increasing"
            + " your provisioning level with the UpdateTable API.\"}";

    private LocalDynamoDb dynamo;
    private DynamoDbClient direct;
    private DynamoDbClient proxied;

    @Override
    String startStore() throws Exception {
        dynamo = LocalDynamoDb.start(0);
        direct = dynamo.client();
        direct.createTable(DynamoDbCounterStore.tableDefinition(TABLE));
        direct.createTable(DynamoDbKeyStore.tableDefinition(AwsGateway.DEFAULT_KEYS_TABLE));
        return dynamo.endpoint().toString();
    }

    @Override
    void connect(String endpoint) {
        proxied = AwsGateway.dynamoDb(Map.of(AwsGateway.DYNAMODB_ENDPOINT, endpoint),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
    }

    @Override
    Predicate<HttpExchange> counterWrites() {
        return exchange -> target(exchange).endsWith(".UpdateItem");
    }

    @Override
    Predicate<HttpExchange> keyLookups() {
        return exchange -> target(exchange).endsWith(".GetItem");
    }

    private static String target(HttpExchange exchange) {
        String target = exchange.getRequestHeaders().getFirst("x-amz-target");
        return target == null ? "" : target;
    }

    @Override
    KeyAdmin keyAdmin() {
        return new DynamoDbKeyAdmin(direct, AwsGateway.DEFAULT_KEYS_TABLE);
    }

    @Override
    Gateway gateway(GatewayConfig config, RequestObserver requestLog, BackendResolver backends) {
        return AwsGateway.create(config, proxied, TABLE, AwsGateway.DEFAULT_KEYS_TABLE, clock, requestLog, backends);
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
