package dev.tollgate.conformance;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.DynamoDbCounterStore;
import dev.tollgate.aws.DynamoDbKeyStore;
import dev.tollgate.aws.HttpApiHandler;
import dev.tollgate.aws.LambdaBodies;
import dev.tollgate.aws.RestApiHandler;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.observe.RequestObserver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The Lambda handler as API Gateway invokes it, in this JVM: each call becomes the proxy event API
 * Gateway sends, built on one of AWS's published sample events (its fields filled in, none invented),
 * handed to the stream handler as JSON bytes, as the Lambda runtime hands them over; the response event
 * is read back as API Gateway reads it. Payload 2.0 (HTTP API, {@link HttpApiHandler}): the raw path
 * with the stage, repeated headers joined by commas, cookies apart; back, {@code cookies} and joined
 * headers. Payload 1.0 (REST API, {@link RestApiHandler}): the path without the stage,
 * {@code multiValueHeaders} and decoded {@code multiValueQueryStringParameters}; back,
 * {@code multiValueHeaders}. Bodies that are not text go base64 both ways. The gateway counts in
 * DynamoDB Local (in-process, tables of its own). The handler runs on this module's classpath, not on
 * the packaged artifact's ({@code LambdaRuntimeEventsTest} covers that).
 */
final class LambdaAdapter implements Adapter {

    static final Path SAMPLES = Path.of("..", "functions-aws", "src", "test", "resources", "aws-sample-events");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean v2;
    private final RequestStreamHandler handler;
    private final Map<String, Map<String, String>> stageVariables;
    private final JsonNode sample;

    private LambdaAdapter(boolean v2, RequestStreamHandler handler, Map<String, Map<String, String>> stageVariables,
                          JsonNode sample) {
        this.v2 = v2;
        this.handler = handler;
        this.stageVariables = stageVariables;
        this.sample = sample;
    }

    /**
     * @param tables a prefix of the counters and keys tables it makes in {@code dynamo}, so that adapters sharing it count apart
     */
    static LambdaAdapter start(boolean v2, GatewayConfig config, Map<String, Map<String, String>> stageVariables,
                               DynamoDbClient dynamo, String tables, Clock clock) throws IOException {
        String counters = tables + "-counters";
        String keys = tables + "-keys";
        dynamo.createTable(DynamoDbCounterStore.tableDefinition(counters));
        dynamo.createTable(DynamoDbKeyStore.tableDefinition(keys));
        var gateway = AwsGateway.create(config, dynamo, counters, keys, clock, RequestObserver.NONE, BackendResolver.NONE);
        RequestStreamHandler handler = v2 ? new HttpApiHandler(gateway, Optional.empty()) : new RestApiHandler(gateway, Optional.empty());
        JsonNode sample = JSON.readTree(SAMPLES.resolve(v2 ? "v2--go-apigw-v2-request-no-authorizer.json"
                : "v1--javalibs-apigw_rest_event.json").toFile());
        return new LambdaAdapter(v2, handler, stageVariables, sample);
    }

    @Override
    public String name() {
        return v2 ? "lambda-v2" : "lambda-v1";
    }

    @Override
    public Answer send(Call call) throws IOException {
        if (!stageVariables.containsKey(call.stage())) {
            // API Gateway's own answer for a stage that does not exist; the function is not called.
            return new Answer(404, Map.of("content-type", List.of("application/json")),
                    "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
        }
        ObjectNode event = v2 ? v2Event(call) : v1Event(call);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), output, null);
        return answer(JSON.readTree(output.toByteArray()));
    }

    private ObjectNode v2Event(Call call) {
        ObjectNode event = sample.deepCopy();
        event.put("rawPath", call.path()).put("rawQueryString", call.query());
        ObjectNode headers = event.putObject("headers");
        ArrayNode cookies = JSON.createArrayNode();
        for (Map.Entry<String, String> field : callerFields(call)) {
            String name = field.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("cookie")) {
                for (String cookie : field.getValue().split(";")) {
                    if (!cookie.isBlank()) {
                        cookies.add(cookie.strip());
                    }
                }
            } else {
                JsonNode earlier = headers.get(name);
                headers.put(name, earlier == null ? field.getValue() : earlier.asText() + "," + field.getValue());
            }
        }
        if (!cookies.isEmpty()) {
            event.set("cookies", cookies);
        }
        event.set("stageVariables", JSON.valueToTree(stageVariables.get(call.stage())));
        ObjectNode context = (ObjectNode) event.path("requestContext");
        context.remove("authentication");
        context.put("requestId", UUID.randomUUID().toString()).put("stage", call.stage());
        ((ObjectNode) context.path("http")).put("method", call.method()).put("path", call.path()).put("sourceIp", "127.0.0.1")
                .put("userAgent", headers.path("user-agent").asText(""));
        body(event, call);
        return event;
    }

    private ObjectNode v1Event(Call call) {
        ObjectNode event = sample.deepCopy();
        event.put("resource", "/{proxy+}").put("path", call.stagePath()).put("httpMethod", call.method());
        Map<String, List<String>> multi = new LinkedHashMap<>();
        for (Map.Entry<String, String> field : callerFields(call)) {
            multi.computeIfAbsent(field.getKey(), name -> new ArrayList<>()).add(field.getValue());
        }
        ObjectNode headers = event.putObject("headers");
        multi.forEach((name, values) -> headers.put(name, values.get(values.size() - 1)));
        event.set("multiValueHeaders", JSON.valueToTree(multi));
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String pair : call.query().split("&")) {
            if (!pair.isEmpty()) {
                int equals = pair.indexOf('=');
                query.computeIfAbsent(decode(equals < 0 ? pair : pair.substring(0, equals)), name -> new ArrayList<>())
                        .add(equals < 0 ? "" : decode(pair.substring(equals + 1)));
            }
        }
        if (query.isEmpty()) {
            event.putNull("queryStringParameters").putNull("multiValueQueryStringParameters");
        } else {
            ObjectNode single = event.putObject("queryStringParameters");
            query.forEach((name, values) -> single.put(name, values.get(values.size() - 1)));
            event.set("multiValueQueryStringParameters", JSON.valueToTree(query));
        }
        event.set("pathParameters", JSON.createObjectNode().put("proxy", call.stagePath().substring(1)));
        event.set("stageVariables", JSON.valueToTree(stageVariables.get(call.stage())));
        ObjectNode context = (ObjectNode) event.path("requestContext");
        context.put("httpMethod", call.method()).put("path", call.path()).put("resourcePath", "/{proxy+}")
                .put("requestId", UUID.randomUUID().toString()).put("stage", call.stage());
        ((ObjectNode) context.path("identity")).put("sourceIp", "127.0.0.1").put("userAgent", call.first("user-agent"));
        body(event, call);
        return event;
    }

    /** The caller's fields and those API Gateway adds: the caller's address appended to X-Forwarded-For, the scheme and port. */
    private static List<Map.Entry<String, String>> callerFields(Call call) {
        List<Map.Entry<String, String>> fields = new ArrayList<>(call.without("x-forwarded-for"));
        String forwardedFor = call.joined("x-forwarded-for");
        fields.add(Map.entry("host", "conformance.execute-api.us-east-1.amazonaws.com"));
        fields.add(Map.entry("x-forwarded-for", forwardedFor == null ? "127.0.0.1" : forwardedFor + ", 127.0.0.1"));
        fields.add(Map.entry("x-forwarded-proto", "https"));
        fields.add(Map.entry("x-forwarded-port", "443"));
        if (call.body().length > 0) {
            fields.add(Map.entry("content-length", Integer.toString(call.body().length)));
        }
        return fields;
    }

    /** As text when API Gateway hands it over as text ({@link LambdaBodies#utf8Text}), base64 otherwise. */
    private static void body(ObjectNode event, Call call) {
        if (call.body().length == 0) {
            event.putNull("body").put("isBase64Encoded", false);
            return;
        }
        String text = LambdaBodies.utf8Text(call.first("content-type"), call.first("content-encoding"), call.body());
        event.put("body", text != null ? text : Base64.getEncoder().encodeToString(call.body())).put("isBase64Encoded", text == null);
    }

    private Answer answer(JsonNode response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (v2) {
            response.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), List.of(h.getValue().asText())));
            List<String> cookies = new ArrayList<>();
            response.path("cookies").forEach(cookie -> cookies.add(cookie.asText()));
            if (!cookies.isEmpty()) {
                headers.put("set-cookie", cookies);
            }
        } else {
            response.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), List.of(h.getValue().asText())));
            response.path("multiValueHeaders").fields().forEachRemaining(h -> {
                List<String> values = new ArrayList<>();
                h.getValue().forEach(value -> values.add(value.asText()));
                headers.put(h.getKey(), values);
            });
        }
        String text = response.path("body").asText("");
        byte[] body = response.path("isBase64Encoded").asBoolean() ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
        return new Answer(response.path("statusCode").asInt(), headers, body);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        // The gateway holds nothing to stop; DynamoDB Local is the suite's.
    }
}
