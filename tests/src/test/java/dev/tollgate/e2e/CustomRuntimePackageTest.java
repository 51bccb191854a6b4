package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.DynamoDbCounterStore;
import dev.tollgate.aws.DynamoDbKeyStore;
import dev.tollgate.emulators.lambda.RuntimeRun;
import dev.tollgate.emulators.lambda.TrainingEndpoint;
import dev.tollgate.local.LocalDynamoDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * The custom-runtime package (functions-aws/package-custom-runtime): its bootstrap's class path is what
 * the package carries, and, built and unzipped as Lambda unpacks it, its bootstrap answers an API Gateway
 * event through the Lambda Runtime API on the AOT cache it ships (a cache the JVM could not use fails the
 * run: {@code -XX:AOTMode=on}), the quota counted in DynamoDB Local. The build takes about a minute:
 * it runs with {@code -P custom-runtime} only.
 */
class CustomRuntimePackageTest {

    private static final Path FUNCTIONS = Path.of("..", "functions-aws").toAbsolutePath().normalize();
    private static final Path BOOTSTRAP = FUNCTIONS.resolve("src/custom-runtime/bootstrap");
    private static final Path ZIP = FUNCTIONS.resolve("target/tollgate-lambda-custom-runtime.zip");
    private static final Path CONFIG = Path.of("..", "examples", "tollgate.yaml").toAbsolutePath().normalize();

    /** The jars the bootstrap puts on its class path, in its order. */
    private static List<String> classPath() throws Exception {
        Matcher cp = Pattern.compile("-cp (\\S+)").matcher(Files.readString(BOOTSTRAP));
        assertThat(cp.find()).as("the bootstrap's -cp").isTrue();
        return List.of(cp.group(1).split(":"));
    }

    @Test
    void theBootstrapsClassPath_isTheRuntimeClientsJarsThePackageCopies_thenTheFunctionsJar() throws Exception {
        List<String> copied;
        try (Stream<Path> jars = Files.list(FUNCTIONS.resolve("target/custom-runtime-jars"))) {
            copied = jars.map(jar -> "jars/" + jar.getFileName()).sorted().toList();
        }

        List<String> classPath = classPath();

        // The runtime client's jars first, as the managed runtime has them; the function's jar last.
        assertThat(classPath.get(0)).isEqualTo("jars/aws-lambda-java-runtime-interface-client.jar");
        assertThat(classPath.get(classPath.size() - 1)).isEqualTo("jars/tollgate-lambda.jar");
        assertThat(classPath.subList(0, classPath.size() - 1)).containsExactlyInAnyOrderElementsOf(copied);
        assertThat(Files.isExecutable(BOOTSTRAP)).as("the bootstrap is executable").isTrue();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void thePackage_unzippedAsLambdaDoes_answersAnEvent_onItsOwnAotCache(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("tollgate.customRuntime"),
                "builds the custom-runtime package (about a minute): run with -P custom-runtime");
        Process build = new ProcessBuilder(FUNCTIONS.resolve("package-custom-runtime").toString()).inheritIO().start();
        assertThat(build.waitFor(8, TimeUnit.MINUTES)).as("the package built in time").isTrue();
        assertThat(build.exitValue()).as("functions-aws/package-custom-runtime's exit status").isZero();
        Path task = Files.createDirectories(dir.resolve("task"));
        // unzip keeps the files' times and modes, as Lambda's unpacking does: the cache checks the jars' times.
        Process unzip = new ProcessBuilder("unzip", "-q", ZIP.toString()).directory(task.toFile()).inheritIO().start();
        assertThat(unzip.waitFor(2, TimeUnit.MINUTES) && unzip.exitValue() == 0).as("unzipped").isTrue();

        assertThat(Files.isExecutable(task.resolve("bootstrap"))).isTrue();
        assertThat(Files.isExecutable(task.resolve("java/bin/java"))).isTrue();
        assertThat(task.resolve("jni/libaws-lambda-jni.linux-x86_64.so")).isRegularFile();
        assertThat(task.resolve("tollgate.aot")).isRegularFile();
        for (String jar : classPath()) {
            assertThat(task.resolve(jar)).isRegularFile();
        }

        try (LocalDynamoDb dynamo = LocalDynamoDb.start(0); TrainingEndpoint backend = TrainingEndpoint.start()) {
            dynamo.client().createTable(DynamoDbCounterStore.tableDefinition(AwsGateway.DEFAULT_COUNTERS_TABLE));
            dynamo.client().createTable(DynamoDbKeyStore.tableDefinition(AwsGateway.DEFAULT_KEYS_TABLE));
            Path event = Files.writeString(dir.resolve("event.json"), "{\"version\":\"2.0\",\"rawPath\":\"/dev/orders\","
                    + "\"rawQueryString\":\"\",\"headers\":{\"x-api-key\":\"demo-dev-key\"},\"stageVariables\":{\"ordersBackend\":\""
                    + backend.url() + "\"},\"requestContext\":{\"stage\":\"dev\",\"http\":{\"method\":\"GET\",\"path\":\"/dev/orders\","
                    + "\"sourceIp\":\"127.0.0.1\"}}}");
            Map<String, String> env = new TreeMap<>(Map.of(
                    "PATH", "/usr/bin:/bin",
                    "LAMBDA_TASK_ROOT", task.toString(),
                    "_HANDLER", "dev.tollgate.aws.HttpApiHandler::handleRequest",
                    "AWS_REGION", "us-east-1",
                    "AWS_ACCESS_KEY_ID", "local",
                    "AWS_SECRET_ACCESS_KEY", "local",
                    AwsGateway.CONFIG, CONFIG.toString(),
                    AwsGateway.DYNAMODB_ENDPOINT, dynamo.endpoint().toString(),
                    "TOLLGATE_AOT", "-XX:AOTMode=on -XX:AOTCache=tollgate.aot"));
            boolean answered = RuntimeRun.run(dir.resolve("out"), List.of(event), List.of(task.resolve("bootstrap").toString()), env);

            assertThat(answered).as("answered and exited; its log: %s", log(dir.resolve("out/runtime.log"))).isTrue();
            assertThat(dir.resolve("out/0.json")).content().contains("\"statusCode\":200", "training");
            assertThat(dynamo.client().scan(ScanRequest.builder().tableName(AwsGateway.DEFAULT_COUNTERS_TABLE).build()).items())
                    .as("the quota's counter").isNotEmpty();
        }
    }

    private static String log(Path file) throws Exception {
        return Files.isRegularFile(file) ? Files.readString(file) : "(none)";
    }
}
