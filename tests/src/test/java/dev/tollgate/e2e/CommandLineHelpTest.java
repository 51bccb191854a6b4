package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code tollgate} script's own commands (those it runs without the Java command line, whose
 * {@code --help} MainTest checks) print their usage for {@code --help} and {@code -h}, and exit 0,
 * before building anything.
 */
class CommandLineHelpTest {

    private static final Path SCRIPT = Path.of("..", "tollgate").toAbsolutePath().normalize();

    @Test
    void scriptCommands_printTheirUsage_forHelp() throws Exception {
        for (List<String> command : List.of(List.of("synth", "--help"), List.of("synth", "dev", "-h"), List.of("diff", "--help"),
                List.of("test", "-h"), List.of("conformance", "--help"), List.of("bench", "--help"))) {
            Process process = new ProcessBuilder(concat(List.of("bash", SCRIPT.toString()), command))
                    .redirectErrorStream(true).start();
            process.getOutputStream().close();
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(ended).as(command + " ended").isTrue();
            assertThat(process.exitValue()).as(command + ": " + output).isZero();
            assertThat(output).as(command.toString()).startsWith("usage: tollgate " + command.get(0));
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
