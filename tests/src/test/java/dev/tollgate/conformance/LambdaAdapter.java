package dev.tollgate.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.DynamoDbCounterStore;
import dev.tollgate.aws.DynamoDbKeyAdmin;
import dev.tollgate.aws.DynamoDbKeyStore;
import dev.tollgate.aws.LambdaBodies;
import dev.tollgate.emulators.lambda.LocalLambdaRuntimeApi;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The Lambda function as API Gateway invokes it: the packaged artifact
 * ({@code functions-aws/target/tollgate-lambda.jar}, unpacked as Lambda unpacks it into its task root)
 * run by the Lambda Java runtime itself (the runtime interface client, {@code tests/target/lambda-runtime/})
 * in JVMs of their own, each an execution environment polling a {@link LocalLambdaRuntimeApi} of its own,
 * configured by the environment variables a deployed function gets. Each call becomes the proxy event
 * API Gateway sends, built on one of AWS's published sample events (its fields filled in, none invented),
 * which the runtime hands to the stream handler as bytes; the response event is read back as API Gateway
 * reads it. Payload 2.0 (HTTP API, {@code HttpApiHandler}): the raw path with the stage, repeated headers
 * joined by commas, cookies apart; back, {@code cookies} and joined headers. Payload 1.0 (REST API,
 * {@code RestApiHandler}): the path without the stage, {@code multiValueHeaders} and decoded
 * {@code multiValueQueryStringParameters}; back, {@code multiValueHeaders}. Bodies that are not text go
 * base64 both ways. The function counts in DynamoDB Local, in tables of its own.
 *
 * <p>An event goes to the environment that finished last (as Lambda reuses its warmest one), so that a
 * sequence of calls meets one instance's state (its circuit breakers); calls at once spread over the
 * {@value #INSTANCES} environments, as a burst does over several Lambda instances.
 */
final class LambdaAdapter implements Adapter {

    static final Path SAMPLES = Path.of("..", "functions-aws", "src", "test", "resources", "aws-sample-events");
    static final Path ARTIFACT = Path.of("..", "functions-aws", "target", "tollgate-lambda.jar");
    /** The Lambda Java runtime and the libraries it ships with (tests/pom.xml copies them there). */
    static final Path RUNTIME = Path.of("target", "lambda-runtime");
    /** How many execution environments each function runs. */
    static final int INSTANCES = 2;
    /** The function's timeout, as configured on Lambda. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** API Gateway's payload quota (HTTP and REST APIs): past it, API Gateway answers 413 itself. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean v2;
    private final Map<String, Map<String, String>> stageVariables;
    private final JsonNode sample;
    private final KeyAdmin keys;
    private final List<Environment> environments = new ArrayList<>();
    private final LinkedBlockingDeque<Environment> idle = new LinkedBlockingDeque<>();

    /** One execution environment: the runtime's process and the Runtime API it polls. */
    private record Environment(LocalLambdaRuntimeApi api, Process process, Path log) {
    }

    private LambdaAdapter(boolean v2, Map<String, Map<String, String>> stageVariables, JsonNode sample, KeyAdmin keys) {
        this.v2 = v2;
        this.stageVariables = stageVariables;
        this.sample = sample;
        this.keys = keys;
    }

    /**
     * Unpacks the artifact into a task root, as Lambda does with a deployment package.
     */
    static Path taskRoot(Path dir) throws IOException {
        if (!Files.isRegularFile(ARTIFACT)) {
            throw new IllegalStateException(ARTIFACT.toAbsolutePath() + " is missing (expected: the packaged Lambda"
                    + " artifact; build functions-aws with mvn package first)");
        }
        Path root = Files.createDirectories(dir);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(ARTIFACT))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("an entry outside the task root: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return root;
    }

    /**
     * The runtime's native client (JNI) for this machine, unpacked from the runtime's jar once. Left to
     * itself, each runtime unpacks it to {@code /tmp/.libaws-lambda-jni.so}, one file for every process on
     * the machine: runtimes starting at once overwrite it under each other's feet (on Lambda, one runtime
     * runs per environment). Its system property names the file to load instead.
     */
    static Path nativeClient() throws IOException {
        String arch = System.getProperty("os.arch");
        String name = "libaws-lambda-jni.linux-" + (arch.equals("aarch64") ? "aarch_64" : "x86_64") + ".so";
        Path target = RUNTIME.resolve(name).toAbsolutePath();
        if (!Files.isRegularFile(target)) {
            try (var jars = Files.newDirectoryStream(RUNTIME, "aws-lambda-java-runtime-interface-client-*.jar");
                 var jar = new java.util.jar.JarFile(jars.iterator().next().toFile())) {
                Path partial = Files.createTempFile(RUNTIME, name, ".part");
                try (var in = jar.getInputStream(jar.getEntry("jni/" + name))) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return target;
    }

    /**
     * Starts the function's environments; {@link #awaitStarted} waits for them.
     *
     * @param taskRoot the unpacked artifact ({@link #taskRoot})
     * @param config   the configuration file the function reads ({@code TOLLGATE_CONFIG})
     * @param dynamo   a client of DynamoDB Local at {@code endpoint}, where it makes the function's tables
     * @param tables   a prefix of the counters and keys tables, so that functions sharing DynamoDB Local count apart
     */
    static LambdaAdapter start(boolean v2, Path taskRoot, Path config, Map<String, Map<String, String>> stageVariables,
                               DynamoDbClient dynamo, URI endpoint, String tables) throws Exception {
        String counters = tables + "-counters";
        String keysTable = tables + "-keys";
        dynamo.createTable(DynamoDbCounterStore.tableDefinition(counters));
        dynamo.createTable(DynamoDbKeyStore.tableDefinition(keysTable));
        JsonNode sample = JSON.readTree(SAMPLES.resolve(v2 ? "v2--go-apigw-v2-request-no-authorizer.json"
                : "v1--javalibs-apigw_rest_event.json").toFile());
        LambdaAdapter adapter = new LambdaAdapter(v2, stageVariables, sample, new DynamoDbKeyAdmin(dynamo, keysTable));
        try {
            String handler = "dev.tollgate.aws." + (v2 ? "HttpApiHandler" : "RestApiHandler") + "::handleRequest";
            Map<String, String> env = new LinkedHashMap<>();
            env.put("AWS_LAMBDA_FUNCTION_NAME", "tollgate-conformance-" + tables);
            env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
            env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/tollgate-conformance-" + tables);
            env.put("AWS_LAMBDA_LOG_STREAM_NAME", "conformance");
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_DEFAULT_REGION", "us-east-1");
            env.put("AWS_ACCESS_KEY_ID", "test");
            env.put("AWS_SECRET_ACCESS_KEY", "test");
            env.put("LAMBDA_TASK_ROOT", taskRoot.toAbsolutePath().toString());
            env.put("LAMBDA_RUNTIME_DIR", RUNTIME.toAbsolutePath().toString());
            env.put("_HANDLER", handler);
            env.put("TZ", ":UTC");
            // What the stacks set (infra-cdk), pointed at DynamoDB Local and at no ECS.
            env.put(AwsGateway.CONFIG, config.toAbsolutePath().toString());
            env.put(AwsGateway.STAGE, "dev");
            env.put(AwsGateway.COUNTERS_TABLE, counters);
            env.put(AwsGateway.KEYS_TABLE, keysTable);
            env.put(AwsGateway.DYNAMODB_ENDPOINT, endpoint.toString());
            env.put(AwsGateway.ECS_ENDPOINT, "http://127.0.0.1:1");
            for (int i = 0; i < INSTANCES; i++) {
                LocalLambdaRuntimeApi api = LocalLambdaRuntimeApi.start("arn:aws:lambda:us-east-1:000000000000:function:"
                        + env.get("AWS_LAMBDA_FUNCTION_NAME"));
                Path log = Path.of("target", "conformance", "lambda-" + tables + "-" + i + ".log");
                ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        // The options Lambda's Java 17 runtime starts its JVM with (a 1024 MB function).
                        "-XX:MaxHeapSize=870m", "-XX:+UseSerialGC", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                        "-Xshare:auto", "-Djava.net.preferIPv4Stack=true",
                        "-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=" + nativeClient(),
                        "-cp", RUNTIME.toAbsolutePath() + File.separator + "*",
                        "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler)
                        // The runtime loads the function from its working directory, /var/task on Lambda.
                        .directory(taskRoot.toAbsolutePath().toFile())
                        .redirectErrorStream(true).redirectOutput(log.toAbsolutePath().toFile());
                builder.environment().keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("TOLLGATE_")
                        || name.startsWith("JAVA_TOOL") || name.startsWith("_JAVA"));
                builder.environment().putAll(env);
                builder.environment().put("AWS_LAMBDA_RUNTIME_API", api.address());
                adapter.environments.add(new Environment(api, builder.start(), log));
            }
        } catch (Exception | Error e) {
            adapter.close();
            throw e;
        }
        return adapter;
    }

    /** Waits until each environment polls for its first event: its init is done (the others start meanwhile). */
    LambdaAdapter awaitStarted() throws InterruptedException {
        for (Environment environment : environments) {
            if (!environment.api().awaitPolling(Duration.ofSeconds(60))) {
                throw new IllegalStateException(name() + ": an environment did not start: "
                        + environment.api().initError().orElse("no init error posted") + "; its log: " + tail(environment.log()));
            }
            idle.addFirst(environment);
        }
        return this;
    }

    @Override
    public String name() {
        return v2 ? "lambda-v2" : "lambda-v1";
    }

    @Override
    public KeyAdmin keys() {
        return keys;
    }

    @Override
    public Answer send(Call call) throws Exception {
        if (!stageVariables.containsKey(call.stage())) {
            // API Gateway's own answer for a stage that does not exist; the function is not called.
            return new Answer(404, Map.of("content-type", List.of("application/json")),
                    "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
        }
        if (call.body().length > MAX_BODY_BYTES) {
            // API Gateway's own answer past its payload quota; the function is not called.
            return new Answer(413, Map.of("content-type", List.of("application/json")),
                    "{\"message\":\"Request Entity Too Large\"}".getBytes(StandardCharsets.UTF_8));
        }
        return invoke(v2 ? v2Event(call) : v1Event(call));
    }

    /** Invokes the function with an event as API Gateway would send it; its answer as API Gateway reads it. */
    Answer invoke(ObjectNode event) throws Exception {
        Environment environment = idle.pollFirst(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (environment == null) {
            throw new IllegalStateException(name() + ": no execution environment free in " + TIMEOUT);
        }
        LocalLambdaRuntimeApi.Result result;
        try {
            result = environment.api().invoke(JSON.writeValueAsBytes(event), TIMEOUT);
        } finally {
            // Back in line once it polls for the next event, as an environment is free only then.
            environment.api().awaitPolling(Duration.ofSeconds(5));
            idle.addFirst(environment);
        }
        if (result.failed()) {
            // A failed invocation: API Gateway answers 502 (the test fails on it, with the function's error).
            return new Answer(502, Map.of("x-lambda-error", List.of(result.errorType().get())), result.payload());
        }
        return answer(JSON.readTree(result.payload()));
    }

    /** The event of a call, for scenarios that then change it as a platform may. */
    ObjectNode event(Call call) {
        return v2 ? v2Event(call) : v1Event(call);
    }

    boolean v2() {
        return v2;
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
        for (Environment environment : environments) {
            environment.process().destroy();
        }
        for (Environment environment : environments) {
            try {
                if (!environment.process().waitFor(5, TimeUnit.SECONDS)) {
                    environment.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            environment.api().close();
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
