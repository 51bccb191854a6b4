package dev.tollgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ConfigProblem;
import dev.tollgate.config.ConfigReader;
import dev.tollgate.config.YamlDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Runs one policy's configuration reader over a YAML snippet named {@code t.yaml}, for tests that assert the
 * value read and the exact messages: {@code read("retry: {retries: 9}", (in, root) -> RetryConfigReader.read(in,
 * root.path("retry"), "retry"))}.
 */
public final class ConfigReading {

    private ConfigReading() {
    }

    /** What a reader made of a snippet: its value, and each problem as {@code t.yaml:line: path: message}. */
    public record Read<T>(T value, List<String> problems) {
    }

    public static <T> Read<T> read(String yaml, BiFunction<ConfigReader, JsonNode, T> reader) {
        YamlDocument document = YamlDocument.parse(yaml, "t.yaml");
        List<ConfigProblem> problems = new ArrayList<>(document.syntaxProblems());
        T value = reader.apply(new ConfigReader(document, "t.yaml", problems::add), document.root());
        return new Read<>(value, problems.stream().map(ConfigProblem::toString).toList());
    }
}
