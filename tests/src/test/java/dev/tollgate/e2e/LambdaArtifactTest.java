package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The deployable Lambda artifact holds the handlers and what they need (the DynamoDB and ECS
 * clients among them), and nothing of the local runner nor of the emulators (the local ECS API among them).
 */
class LambdaArtifactTest {

    private static final Path ARTIFACT = Path.of("..", "functions-aws", "target", "tollgate-lambda.jar");

    @Test
    void theArtifact_holdsTheHandlers_andNoEmulatorTestOrUnusedHttpClient() throws Exception {
        assertThat(ARTIFACT).exists();
        List<String> entries;
        try (JarFile jar = new JarFile(ARTIFACT.toFile())) {
            entries = jar.stream().map(e -> e.getName()).collect(Collectors.toList());
        }

        assertThat(entries).contains(
                "dev/tollgate/aws/HttpApiHandler.class",
                "dev/tollgate/aws/RestApiHandler.class",
                "dev/tollgate/Gateway.class",
                "dev/tollgate/aws/EcsBackendResolver.class",
                "software/amazon/awssdk/services/ecs/EcsClient.class",
                "software/amazon/awssdk/services/ecs/model/DescribeTasksResponse.class",
                "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class");
        assertThat(entries).noneMatch(e -> e.startsWith("dev/tollgate/local/") || e.startsWith("dev/tollgate/aws/local/"));
        assertThat(entries).noneMatch(e -> e.startsWith("dev/tollgate/emulators/"));
        assertThat(entries).noneMatch(e -> e.startsWith("software/amazon/dynamodb/services/local/"));
        assertThat(entries).noneMatch(e -> e.startsWith("com/almworks/sqlite4java/"));
        assertThat(entries).noneMatch(e -> e.startsWith("org/eclipse/jetty/"));
        assertThat(entries).noneMatch(e -> e.startsWith("org/junit/") || e.startsWith("org/assertj/"));
        assertThat(entries).noneMatch(e -> e.startsWith("dev/tollgate/testing/"));
        // The handlers read their events as JSON themselves: no event classes, nor the Joda-Time they would need.
        assertThat(entries).noneMatch(e -> e.startsWith("com/amazonaws/services/lambda/runtime/events/")
                || e.startsWith("org/joda/"));
        assertThat(entries).noneMatch(e -> e.startsWith("io/netty/") || e.startsWith("org/apache/hc/")
                || e.startsWith("org/apache/http/"));
        assertThat(Files.size(ARTIFACT)).isLessThan(20L * 1024 * 1024);
    }
}
