package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The function app folder azure-functions-maven-plugin writes ({@code mvn package} in functions-azure):
 * the function's bindings, host.json's empty route prefix, the bundled configuration, and libraries
 * without the Functions library (the worker has it), test libraries, emulators or other platforms' natives.
 */
class AzureFunctionAppPackageTest {

    private static final Path APP = Path.of("..", "functions-azure", "target", "azure-functions", "tollgate");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void functionJson_bindsTheCatchAllAnonymousBinaryTrigger_toTollgateFunction() throws Exception {
        JsonNode function = JSON.readTree(APP.resolve("tollgate").resolve("function.json").toFile());

        assertThat(function.path("entryPoint").asText()).isEqualTo("dev.tollgate.azure.TollgateFunction.run");
        assertThat(APP.resolve("tollgate").resolve(function.path("scriptFile").asText()).normalize()).exists();
        JsonNode trigger = function.path("bindings").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("httpTrigger");
        assertThat(trigger.path("route").asText()).isEqualTo("{*path}");
        assertThat(trigger.path("authLevel").asText()).isEqualTo("ANONYMOUS");
        assertThat(trigger.path("dataType").asText()).isEqualTo("binary");
        assertThat(JSON.convertValue(trigger.path("methods"), List.class))
                .containsExactlyInAnyOrder("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
        JsonNode output = function.path("bindings").get(1);
        assertThat(output.path("type").asText()).isEqualTo("http");
        assertThat(output.path("name").asText()).isEqualTo("$return");
    }

    @Test
    void hostJson_hasAnEmptyRoutePrefix_soCallersPathsReachTollgateUnchanged() throws Exception {
        JsonNode host = JSON.readTree(APP.resolve("host.json").toFile());

        assertThat(host.path("version").asText()).isEqualTo("2.0");
        assertThat(host.path("extensions").path("http").has("routePrefix")).isTrue();
        assertThat(host.path("extensions").path("http").path("routePrefix").asText()).isEmpty();
    }

    @Test
    void theJar_bundlesTheDeploymentConfiguration_asTollgateYaml() throws Exception {
        Path jar = jars(APP).get(0);
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getEntry("dev/tollgate/azure/TollgateFunction.class")).isNotNull();
            assertThat(file.getInputStream(file.getEntry("tollgate.yaml")).readAllBytes())
                    .isEqualTo(Files.readAllBytes(Path.of("..", "deploy", "tollgate.yaml")));
        }
    }

    @Test
    void lib_holdsWhatTheAppRunsOn_andNoFunctionsLibraryTestLibraryEmulatorOrForeignNative() throws Exception {
        List<String> libs = jars(APP.resolve("lib")).stream().map(path -> path.getFileName().toString()).toList();

        assertThat(libs).anyMatch(name -> name.startsWith("azure-cosmos-"))
                .anyMatch(name -> name.startsWith("shared-policy-"))
                .anyMatch(name -> name.startsWith("ecs-"))
                .anyMatch(name -> name.startsWith("url-connection-client-"));
        assertThat(libs).noneMatch(name -> name.startsWith("azure-functions-java-"))
                .noneMatch(name -> name.startsWith("junit") || name.startsWith("assertj") || name.startsWith("opentest4j"))
                .noneMatch(name -> name.startsWith("emulators-") || name.startsWith("local-") || name.startsWith("DynamoDBLocal")
                        || name.startsWith("jetty-") || name.startsWith("sqlite4java"))
                .noneMatch(name -> name.startsWith("dynamodb-") || name.startsWith("aws-lambda-java-")
                        || name.startsWith("apache5-client") || name.startsWith("netty-nio-client"))
                .noneMatch(name -> name.contains("tcnative") || name.contains("kqueue") || name.contains("macos")
                        || name.contains("windows") || name.contains("osx"));
        assertThat(folderBytes(APP)).isLessThan(30L * 1024 * 1024);
    }

    private static List<Path> jars(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(path -> path.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        }
    }

    private static long folderBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(path -> {
                try {
                    return Files.size(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
