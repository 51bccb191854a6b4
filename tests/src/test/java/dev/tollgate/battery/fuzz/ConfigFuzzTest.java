package dev.tollgate.battery.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.testing.ConfigFailures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The configuration loader: any text either loads or fails with a {@link ConfigException} whose every
 * problem names the file, a place (a line or a field) and what was expected; never another exception,
 * never a hang (the fuzz run's per-input timeout). Inputs start from the example and deployed files.
 */
class ConfigFuzzTest {

    static final String SOURCE = "fuzz.yaml";

    /** The example and the deployed configuration. */
    static Stream<byte[]> files() throws IOException {
        return Stream.of(Files.readAllBytes(Path.of("..", "examples", "tollgate.yaml")),
                Files.readAllBytes(Path.of("..", "deploy", "tollgate.yaml")));
    }

    @MethodSource("files")
    @FuzzTest
    @DictionaryEntries({"stages:", "plans:", "apiKeys:", "routes:", "cors:", "ipAccess:", "jwt:", "issuers:", "path: ",
            "methods: ", "backend: ", "${stageVariables.", "quota: ", "rateLimit: ", "limit: ", "period: ", "auth: ",
            "requestHeaders: ", "stripPrefix: ", "targetPath: ", "retry: ", "circuitBreaker: ", "timeout: ", "ecs://", "- "})
    void anyTextLoadsOrNamesItsProblems(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            ConfigLoader.parse(text, SOURCE);
        } catch (ConfigException e) {
            ConfigFailures.checkNamed(e, text);
        }
    }
}
