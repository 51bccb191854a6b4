package dev.tollgate.cdk;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.config.ConfigException;
import dev.tollgate.testing.ConfigFailures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stages file: any text either loads (with the repository's deploy/tollgate.yaml beside it) or fails
 * with a {@link ConfigException} whose every problem names its file (the stages file, or the configuration
 * it names), a place and what was expected; never another exception, never a hang (the fuzz run's
 * per-input timeout). Inputs start from the repository's deploy/stages.yaml.
 */
class StagesFileFuzzTest {

    private static final Path REPOSITORY = Path.of("..");
    private static final Path ROOT = repository();

    private static Path repository() {
        try {
            Path root = Files.createTempDirectory("stages-fuzz");
            Files.createDirectories(root.resolve("deploy"));
            Files.copy(REPOSITORY.resolve("deploy/tollgate.yaml"), root.resolve("deploy/tollgate.yaml"));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void removeRepository() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    static Stream<byte[]> files() throws IOException {
        return Stream.of(Files.readAllBytes(REPOSITORY.resolve("deploy/stages.yaml")));
    }

    @MethodSource("files")
    @FuzzTest
    @DictionaryEntries({"config: ", "stages:", "account: ", "region: ", "api: ", "variables: ", "function: ", "memory: ",
            "timeout: ", "architecture: ", "snapStart: ", "throttle: ", "rate: ", "burst: ", "network: ", "azure: ",
            "alarms: ", "logRetentionDays: ", "ecsClusters: ", "protectData: ", "dev:", "prod:", "${stageVariables."})
    void anyStagesFileLoadsOrNamesItsProblems(byte[] input) throws IOException {
        Path file = ROOT.resolve("deploy/stages.yaml");
        Files.write(file, input);
        try {
            StagesFile.load(file, ROOT);
        } catch (ConfigException e) {
            ConfigFailures.checkNamed(e, new String(input, StandardCharsets.UTF_8));
        }
    }
}
