package dev.tollgate.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML document read into a tree that remembers the line of every place, so that problems
 * found later can say where they are. Duplicate keys are problems, not silent overwrites.
 * Paths are written as in messages: {@code stages.dev.variables.ordersBackend}, {@code routes[2].path}.
 * It also remembers each number as written ({@code 017}, {@code 1e3}), for {@link ConfigNumbers} to
 * check and name. The configuration file and the deployment's stages file ({@code infra-cdk}) are both read with it.
 */
public final class YamlDocument {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonNode root;
    private final Map<String, Integer> lines;
    private final Map<String, String> numbers;
    private final List<ConfigProblem> problems;
    private final boolean readable;

    private YamlDocument(JsonNode root, Map<String, Integer> lines, Map<String, String> numbers, List<ConfigProblem> problems,
                         boolean readable) {
        this.root = root;
        this.lines = lines;
        this.numbers = numbers;
        this.problems = problems;
        this.readable = readable;
    }

    public static YamlDocument parse(String text, String source) {
        Map<String, Integer> lines = new HashMap<>();
        Map<String, String> numbers = new HashMap<>();
        List<ConfigProblem> problems = new ArrayList<>();
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new YamlDocument(NODES.objectNode(), lines, numbers, problems, true);
            }
            JsonNode root = new Tree(lines, numbers, problems, source).read(parser, "");
            return new YamlDocument(root, lines, numbers, problems, true);
        } catch (IOException e) {
            int line = e instanceof JsonProcessingException jpe && jpe.getLocation() != null
                    ? jpe.getLocation().getLineNr() : 0;
            String message = e instanceof JsonProcessingException jpe
                    ? jpe.getOriginalMessage() : e.getMessage();
            problems.add(new ConfigProblem(source, line, "", "not valid YAML: " + firstLine(message) + hint(text, line)));
            return new YamlDocument(NODES.objectNode(), lines, numbers, problems, false);
        }
    }

    /** The one YAML mistake this file invites: {@code ${...}} unquoted inside {@code [ ]} or {@code { }}, where braces are syntax. */
    private static String hint(String text, int line) {
        String written = line > 0 ? text.lines().skip(line - 1).findFirst().orElse("") : "";
        int reference = written.indexOf("${");
        boolean inFlow = reference > 0 && (written.lastIndexOf('[', reference) >= 0 || written.lastIndexOf('{', reference - 1) >= 0);
        return inFlow ? " (expected: quotes around ${...} inside [ ] or { }, such as [\"${stageVariables.NAME}\"])" : "";
    }

    /** The tree being read, with what is remembered of its places. */
    private record Tree(Map<String, Integer> lines, Map<String, String> numbers, List<ConfigProblem> problems, String source) {

        JsonNode read(JsonParser parser, String path) throws IOException {
            lines.putIfAbsent(path, parser.currentTokenLocation().getLineNr());
            JsonToken token = parser.currentToken();
            switch (token) {
                case START_OBJECT -> {
                    ObjectNode object = NODES.objectNode();
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        String child = path.isEmpty() ? name : path + "." + name;
                        int line = parser.currentTokenLocation().getLineNr();
                        parser.nextToken();
                        if (name.isEmpty()) {
                            // An empty key names no field: a problem on its line, since no path can point at it.
                            problems.add(new ConfigProblem(source, line, path, "an empty key (expected: a field name)"));
                            read(parser, child + "#empty");
                            continue;
                        }
                        if (object.has(name)) {
                            problems.add(new ConfigProblem(source, line, child, "duplicate key (expected: each key once)"));
                            read(parser, child + "#duplicate");
                            continue;
                        }
                        lines.put(child, line);
                        object.set(name, read(parser, child));
                    }
                    return object;
                }
                case START_ARRAY -> {
                    ArrayNode array = NODES.arrayNode();
                    int index = 0;
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        array.add(read(parser, path + "[" + index++ + "]"));
                    }
                    return array;
                }
                case VALUE_STRING -> {
                    return NODES.textNode(parser.getText());
                }
                case VALUE_NUMBER_INT -> {
                    numbers.put(path, parser.getText());
                    return NODES.numberNode(parser.getBigIntegerValue());
                }
                case VALUE_NUMBER_FLOAT -> {
                    try {
                        JsonNode number = NODES.numberNode(parser.getDecimalValue());
                        numbers.put(path, parser.getText());
                        return number;
                    } catch (JsonProcessingException | NumberFormatException e) {
                        // .inf, -.inf and .nan: no number a setting can hold; kept as written, for the setting to refuse.
                        return NODES.textNode(parser.getText());
                    }
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
                }
                case VALUE_NULL -> {
                    return NODES.nullNode();
                }
                default -> throw new IOException("unexpected YAML token " + token + " at " + path);
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    public JsonNode root() {
        return root;
    }

    /** The line of a place, or of its nearest enclosing place that has one. */
    public int lineOf(String path) {
        String place = path;
        while (true) {
            if (place.isEmpty()) {
                // The whole document is no place to point at: a missing section has no line.
                return 0;
            }
            Integer line = lines.get(place);
            if (line != null) {
                return line;
            }
            int cut = Math.max(place.lastIndexOf('.'), place.lastIndexOf('['));
            place = cut < 0 ? "" : place.substring(0, cut);
        }
    }

    /** A number as the file writes it ({@code 017}, {@code 1e3}, {@code -0}), when the place holds one. */
    public Optional<String> writtenNumber(String path) {
        return Optional.ofNullable(numbers.get(path));
    }

    /** False when the text is not YAML at all, so that there is no tree worth checking. */
    public boolean readable() {
        return readable;
    }

    public List<ConfigProblem> syntaxProblems() {
        return problems;
    }
}
