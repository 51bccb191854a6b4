package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.lambda.RuntimeInvoker;
import dev.tollgate.testing.TestBackend;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged Lambda artifact, run as the Lambda Java runtime runs it: a JVM of its own over
 * {@code tollgate-lambda.jar} (and the runtime's serialization library), each handler made from the
 * environment by its no-argument constructor and given every one of AWS's published sample events
 * ({@code functions-aws/src/test/resources/aws-sample-events}) as bytes, then copies of them broken as
 * a platform might break them. Every event gets an answer: a 200 from the backend where the sample's
 * stage and path are configured ({@code $default} being {@code TOLLGATE_STAGE}), a problem with the
 * request id otherwise; never a failed invocation, and always exactly one request-log line.
 * The system property {@value #ARTIFACT_PROPERTY} runs another artifact, such as an older build.
 */
class LambdaRuntimeEventsTest {

    static final String ARTIFACT_PROPERTY = "tollgate.lambdaArtifact";
    private static final Path ARTIFACT = Path.of(System.getProperty(ARTIFACT_PROPERTY,
            Path.of("..", "functions-aws", "target", "tollgate-lambda.jar").toString()));
    private static final Path SAMPLES = Path.of("..", "functions-aws", "src", "test", "resources", "aws-sample-events");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORIGIN = "https://app.example.com";
    private static final String UNREADABLE = "The API Gateway event cannot be read: ";

    private static TestBackend backend;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBackend() {
        backend = new TestBackend();
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    @Test
    void everyPublishedRestEvent_isAnswered_byTheRestHandler_inTheArtifact() throws Exception {
        assertEveryPublishedEventAnswered("v1--", "dev.tollgate.aws.RestApiHandler", new Object[][] {
            {"v1--go-apigw-request.json", 200},
            {"v1--go-apigw-restapi-openapi-request.json", 200},
            {"v1--javalibs-apigw_event.json", 200},
            {"v1--javalibs-apigw_event_nobody.json", 200},
            // Marked base64, but "Hello from Lambda!" is not.
            {"v1--javalibs-apigw_rest_event.at-46ec9fa.json", 400},
            // An HTTP API's payload-1.0 event of the stage $default: TOLLGATE_STAGE's stage.
            {"v1--javalibs-apigw_rest_event.json", 200},
            // Its requestContext names no stage.
            {"v1--powertools-apiGatewayProxyEventV1.json", 400},
            {"v1--samcli-AwsProxy.rendered.json", 200}});
    }

    @Test
    void everyPublishedHttpApiEvent_isAnswered_byTheHttpApiHandler_inTheArtifact() throws Exception {
        assertEveryPublishedEventAnswered("v2--", "dev.tollgate.aws.HttpApiHandler", new Object[][] {
            // The stage $default: TOLLGATE_STAGE's stage, and the raw path has no stage prefix.
            {"v2--go-apigw-v2-request-iam.json", 200},
            {"v2--go-apigw-v2-request-jwt-authorizer.json", 200},
            {"v2--go-apigw-v2-request-lambda-authorizer.json", 200},
            {"v2--go-apigw-v2-request-no-authorizer.json", 200},
            {"v2--javalibs-apigw_http_event.json", 200},
            // The stage "default" is not configured.
            {"v2--powertools-apiGatewayProxyEventV2.json", 404},
            // Its rawPath is "rawPath", which is no path.
            {"v2--powertools-apigwv2_event.json", 400},
            {"v2--samcli-HttpApi.rendered.json", 200}});
        assertThat(backend.received()).extracting(TestBackend.Received::pathAndQuery).contains("/my/path?parameter1=value1&parameter1=value2&parameter2=value", "/");
    }

    /**
     * Every published sample of a payload format ({@code prefix}) is listed in {@code expected} with the
     * status its handler answers it with, and the packaged handler answers each so.
     */
    private void assertEveryPublishedEventAnswered(String prefix, String handler, Object[][] expected) throws Exception {
        List<Path> events = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        for (Object[] sample : expected) {
            events.add(SAMPLES.resolve((String) sample[0]));
            statuses.add((Integer) sample[1]);
        }
        assertThat(samples(prefix)).containsExactlyInAnyOrderElementsOf(events.stream().map(e -> e.getFileName().toString()).toList());

        List<Answer> answers = run(handler, events);

        assertAnswered(answers, statuses);
    }

    @Test
    void brokenHttpApiEvents_getAProblemWithTheRequestId_andOneLogLine_neverAFailedInvocation() throws Exception {
        String sample = "v2--javalibs-apigw_http_event.json";
        List<Broken> broken = List.of(
                new Broken(sample, edit(e -> e.remove("requestContext")), 400, UNREADABLE + "it has no requestContext."),
                new Broken(sample, edit(e -> context(e).set("http", NullNode.instance)), 400, UNREADABLE + "it has no requestContext.http."),
                new Broken(sample, edit(e -> ((ObjectNode) context(e).path("http")).set("method", NullNode.instance)), 400,
                        UNREADABLE + "it has no requestContext.http.method."),
                new Broken(sample, edit(e -> context(e).set("stage", NullNode.instance)), 400, UNREADABLE + "it has no requestContext.stage."),
                new Broken(sample, edit(e -> ((ObjectNode) e.path("headers")).set("header2", NullNode.instance)), 200, null),
                new Broken(sample, edit(e -> e.putArray("cookies").add("a=1").addNull()), 200, null),
                new Broken(sample, edit(e -> e.set("body", NullNode.instance)), 200, null),
                new Broken(sample, edit(e -> e.putArray("body")), 400, UNREADABLE + "its body is not a string."),
                new Broken(sample, edit(e -> e.put("isBase64Encoded", true).put("body", "%%% not base64 %%%")), 400,
                        "The request body is marked base64 but is not valid base64."),
                new Broken(sample, e -> JSON.createArrayNode().add("not an event"), 400, UNREADABLE + "it is not a JSON object."));

        List<Answer> answers = run("dev.tollgate.aws.HttpApiHandler", write(broken));

        assertBroken(answers, broken);
    }

    @Test
    void brokenRestEvents_getAProblemWithTheRequestId_andOneLogLine_neverAFailedInvocation() throws Exception {
        String sample = "v1--javalibs-apigw_event.json";
        String multi = "v1--javalibs-apigw_rest_event.json";
        List<Broken> broken = List.of(
                new Broken(sample, edit(e -> e.remove("requestContext")), 400, UNREADABLE + "it has no requestContext."),
                new Broken(sample, edit(e -> e.set("httpMethod", NullNode.instance)), 400, UNREADABLE + "it has no httpMethod."),
                new Broken(sample, edit(e -> context(e).set("stage", NullNode.instance)), 400, UNREADABLE + "it has no requestContext.stage."),
                new Broken(sample, edit(e -> ((ObjectNode) e.path("headers")).set("Accept", NullNode.instance)), 200, null),
                new Broken(multi, edit(e -> ((ArrayNode) e.path("multiValueHeaders").path("Header2")).addNull()),
                        200, null),
                new Broken(multi, edit(e -> ((ArrayNode) e.path("multiValueQueryStringParameters")
                        .path("parameter2")).addNull()), 200, null),
                new Broken(multi, edit(e -> ((ObjectNode) e.path("queryStringParameters")).set("parameter1", NullNode.instance)), 200, null),
                new Broken(sample, edit(e -> e.set("body", NullNode.instance)), 200, null),
                new Broken(sample, edit(e -> e.putArray("body")), 400, UNREADABLE + "its body is not a string."),
                new Broken(sample, edit(e -> e.put("isBase64Encoded", true).put("body", "%%% not base64 %%%")), 400,
                        "The request body is marked base64 but is not valid base64."));

        List<Answer> answers = run("dev.tollgate.aws.RestApiHandler", write(broken));

        assertBroken(answers, broken);
    }

    /** A sample event, changed; every one carries an allowed Origin, so its answer must carry CORS headers. */
    private record Broken(String sample, Function<ObjectNode, JsonNode> change, int status, String detail) {
    }

    private static Function<ObjectNode, JsonNode> edit(Consumer<ObjectNode> change) {
        return event -> {
            change.accept(event);
            return event;
        };
    }

    private record Answer(JsonNode response, String error, List<String> logLines) {
        int status() {
            return response.path("statusCode").asInt();
        }

        String header(String name) {
            JsonNode single = response.path("headers").path(name);
            return single.isMissingNode() ? response.path("multiValueHeaders").path(name).path(0).asText(null) : single.asText();
        }

        JsonNode body() {
            try {
                return JSON.readTree(response.path("body").asText());
            } catch (IOException e) {
                return NullNode.instance;
            }
        }
    }

    private List<Path> write(List<Broken> broken) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < broken.size(); i++) {
            ObjectNode event = (ObjectNode) JSON.readTree(SAMPLES.resolve(broken.get(i).sample()).toFile());
            JsonNode headers = event.path("headers");
            if (headers.isObject()) {
                ((ObjectNode) headers).put("origin", ORIGIN);
            }
            JsonNode multi = event.path("multiValueHeaders");
            if (multi.isObject()) {
                ((ObjectNode) multi).putArray("origin").add(ORIGIN);
            }
            Path file = dir.resolve("broken-" + i + ".json");
            JSON.writeValue(file.toFile(), broken.get(i).change().apply(event));
            files.add(file);
        }
        return files;
    }

    private static ObjectNode context(ObjectNode event) {
        return (ObjectNode) event.path("requestContext");
    }

    private static void assertAnswered(List<Answer> answers, List<Integer> statuses) {
        for (int i = 0; i < answers.size(); i++) {
            Answer answer = answers.get(i);
            assertThat(answer.error()).as("event %d failed the invocation", i).isNull();
            assertThat(answer.status()).as("event %d: %s", i, answer.response()).isEqualTo(statuses.get(i));
            String requestId = answer.header("x-request-id");
            assertThat(requestId).as("event %d's request id", i).isNotBlank();
            if (answer.status() >= 400) {
                assertThat(answer.header("content-type")).isEqualTo("application/problem+json");
                assertThat(answer.body().path("requestId").asText()).isEqualTo(requestId);
            }
            assertThat(answer.logLines()).as("event %d's request-log lines", i).hasSize(1);
            JsonNode line = parse(answer.logLines().get(0));
            assertThat(line.path("requestId").asText()).isEqualTo(requestId);
            assertThat(line.path("status").asInt()).isEqualTo(answer.status());
            assertThat(line.path("_aws").path("CloudWatchMetrics").isArray()).as("event %d's metrics", i).isTrue();
        }
    }

    private static void assertBroken(List<Answer> answers, List<Broken> broken) {
        assertAnswered(answers, broken.stream().map(Broken::status).toList());
        for (int i = 0; i < answers.size(); i++) {
            Answer answer = answers.get(i);
            if (broken.get(i).detail() != null) {
                assertThat(answer.body().path("detail").asText()).as("event %d", i).isEqualTo(broken.get(i).detail());
                assertThat(answer.body().path("status").asInt()).isEqualTo(broken.get(i).status());
            }
            boolean hasOrigin = broken.get(i).detail() == null || !broken.get(i).detail().contains("not a JSON object");
            if (hasOrigin) {
                assertThat(answer.header("access-control-allow-origin")).as("event %d's CORS", i).isEqualTo(ORIGIN);
            }
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static List<String> samples(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(prefix) && n.endsWith(".json")).toList();
        }
    }

    /** Runs the events through the handler in a fresh JVM over the artifact, as the Lambda runtime would. */
    private List<Answer> run(String handler, List<Path> events) throws Exception {
        assertThat(ARTIFACT).exists();
        Path config = dir.resolve("tollgate.yaml");
        Files.writeString(config, """
                stages:
                  prod: {variables: {backend: "%1$s"}}
                  testStage: {variables: {backend: "%1$s"}}
                plans:
                  unused: {quota: {limit: 1, period: day}}
                routes:
                  - {path: /, methods: [GET], backend: "${stageVariables.backend}", public: true}
                  - {path: /my/path, methods: [GET, POST], backend: "${stageVariables.backend}", public: true}
                  - {path: /path/to/resource, methods: [POST], backend: "${stageVariables.backend}", public: true}
                  - {path: /hello/world, methods: [POST], backend: "${stageVariables.backend}", public: true}
                cors:
                  allowOrigins: ["%2$s"]
                """.formatted(backend.url(), ORIGIN));
        Path out = Files.createDirectories(dir.resolve("out-" + handler));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", classpath(), RuntimeInvoker.class.getName(), handler, out.toString()));
        events.forEach(event -> command.add(event.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("TOLLGATE_"));
        String nowhere = "http://127.0.0.1:" + closedPort();
        env.putAll(Map.of("TOLLGATE_CONFIG", config.toString(), "TOLLGATE_STAGE", "prod", "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                "TOLLGATE_DYNAMODB_ENDPOINT", nowhere, "TOLLGATE_ECS_ENDPOINT", nowhere));
        Path stdout = dir.resolve("stdout-" + handler);
        Path stderr = dir.resolve("stderr-" + handler);
        Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the invoker did not finish in 60 s");
        }
        assertThat(process.exitValue()).as(Files.readString(stderr)).isZero();
        List<String> lines = Files.readAllLines(stdout);
        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            int start = lines.indexOf(RuntimeInvoker.START + " " + i);
            int end = lines.indexOf(RuntimeInvoker.END + " " + i);
            List<String> logLines = lines.subList(start + 1, end).stream().filter(line -> line.startsWith("{")).toList();
            Path error = out.resolve(i + ".error");
            answers.add(Files.exists(error)
                    ? new Answer(NullNode.instance, Files.readString(error), logLines)
                    : new Answer(JSON.readTree(out.resolve(i + ".json").toFile()), null, logLines));
        }
        return answers;
    }

    /** The artifact, the runtime's serialization library (for typed handlers) and the invoker. */
    private static String classpath() throws Exception {
        return String.join(File.pathSeparator, ARTIFACT.toAbsolutePath().toString(),
                Path.of(LambdaEventSerializers.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                Path.of(RuntimeInvoker.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
