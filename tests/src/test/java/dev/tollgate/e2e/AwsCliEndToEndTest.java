package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.aws.AwsGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real AWS CLI against the runner's DynamoDB Local, as a user pokes at it: with whatever dummy
 * credentials and region, it sees the same tables as the gateway, and TTL on the counters as on AWS.
 * Skipped, saying so, where no {@code aws} command is installed.
 */
class AwsCliEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path aws;

    @TempDir
    Path home;

    @BeforeAll
    static void findAws() {
        aws = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, "aws")).filter(Files::isExecutable).findFirst().orElse(null);
        if (aws == null) {
            System.out.println("AwsCliEndToEndTest skipped: no `aws` command on the PATH (apt-get install -y awscli)");
        }
        Assumptions.assumeTrue(aws != null, "no `aws` command on the PATH (apt-get install -y awscli)");
    }

    @Test
    void theAwsCli_withAnyDummyCredentialsAndRegion_seesTheCounters_andTtlEnabled() throws Exception {
        try (LocalTollgate tollgate = LocalTollgate.example()) {
            assertThat(tollgate.get("/dev/orders", "x-api-key", "demo-dev-key").statusCode()).isEqualTo(200);
            String endpoint = "http://127.0.0.1:" + tollgate.runner().dynamoDbPort();

            JsonNode scan = aws("AKIADUMMYEXAMPLE", "eu-west-3", "dynamodb", "scan", "--endpoint-url", endpoint,
                    "--table-name", AwsGateway.DEFAULT_COUNTERS_TABLE);
            JsonNode ttl = aws("SomeoneElse42", "ap-southeast-2", "dynamodb", "describe-time-to-live", "--endpoint-url", endpoint,
                    "--table-name", AwsGateway.DEFAULT_COUNTERS_TABLE);

            assertThat(scan.path("Count").asInt()).isPositive();
            assertThat(scan.path("Items").toString()).contains("demo-dev");
            assertThat(ttl.path("TimeToLiveDescription").path("TimeToLiveStatus").asText()).isEqualTo("ENABLED");
            assertThat(ttl.path("TimeToLiveDescription").path("AttributeName").asText()).isEqualTo("expiresAt");
        }
    }

    /** Runs the CLI with these credentials and region only: no profile, file or instance metadata of this machine. */
    private JsonNode aws(String accessKey, String region, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(aws.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--output", "json"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", accessKey);
        env.put("AWS_SECRET_ACCESS_KEY", "dummy-secret");
        env.put("AWS_DEFAULT_REGION", region);
        env.put("AWS_REGION", region);
        env.put("AWS_CONFIG_FILE", home.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_PAGER", "");
        env.put("HOME", home.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ended).as("aws " + String.join(" ", args) + " ended").isTrue();
        assertThat(process.exitValue()).as("aws " + String.join(" ", args) + ": " + err + out).isZero();
        return JSON.readTree(out);
    }
}
