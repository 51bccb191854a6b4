package dev.tollgate.battery.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.tollgate.Gateway;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.DynamoDbCounterStore;
import dev.tollgate.aws.DynamoDbKeyAdmin;
import dev.tollgate.aws.DynamoDbKeyStore;
import dev.tollgate.aws.EmfRequestLog;
import dev.tollgate.aws.HttpApiHandler;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.local.LocalDynamoDb;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.testing.FaultyProxy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** As the function's init does ({@link AwsGateway#fromEnvironment}): a new client, which touches no store until a request. */
    @Override
    ColdStart coldStart(GatewayConfig config, RequestObserver requestLog, BackendResolver backends) {
        DynamoDbClient client = AwsGateway.dynamoDb(Map.of(AwsGateway.DYNAMODB_ENDPOINT, proxy.endpoint()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        return new ColdStart(AwsGateway.create(config, client, TABLE, AwsGateway.DEFAULT_KEYS_TABLE, clock, requestLog, backends),
                client);
    }

    /** Lambda: the HTTP API's payload 2.0 event through {@link HttpApiHandler}, which holds answers to Lambda's 6 MB. */
    @Override
    Answered throughFunction(Gateway gateway, String path, String key) throws IOException {
        ObjectNode event = JSON.createObjectNode().put("version", "2.0").put("rawPath", "/dev" + path).put("rawQueryString", "");
        event.putObject("headers").put("x-api-key", key);
        event.putObject("requestContext").put("stage", "dev")
                .putObject("http").put("method", "GET").put("path", "/dev" + path).put("sourceIp", "127.0.0.1");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        new HttpApiHandler(gateway, Optional.empty()).handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), output,
                null);
        JsonNode response = JSON.readTree(output.toByteArray());
        Map<String, String> headers = new HashMap<>();
        response.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText()));
        String body = response.path("body").asText();
        return new Answered(response.path("statusCode").asInt(), headers, response.path("isBase64Encoded").asBoolean()
                ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8));
    }

    /** Beyond Lambda's 6 MB, within the gateway's own 10 MB. */
    @Override
    int oversized() {
        return 7 * 1024 * 1024;
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
