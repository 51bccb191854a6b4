package dev.tollgate.config;

import com.fasterxml.jackson.core.JsonParser;
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

/**
 * A YAML document read into a tree that remembers the line of every place, so that problems
 * found later can say where they are. Duplicate keys are problems, not silent overwrites.
 * Paths are written as in messages: {@code stages.dev.variables.ordersBackend}, {@code routes[2].path}.
 * The configuration file and the deployment's stages file ({@code infra-cdk}) are both read with it.
 */
public final class YamlDocument {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonNode root;
    private final Map<String, Integer> lines;
    private final List<ConfigProblem> problems;
    private final boolean readable;

    private YamlDocument(JsonNode root, Map<String, Integer> lines, List<ConfigProblem> problems, boolean readable) {
        this.root = root;
        this.lines = lines;
        this.problems = problems;
        this.readable = readable;
    }

    public static YamlDocument parse(String text, String source) {
        Map<String, Integer> lines = new HashMap<>();
        List<ConfigProblem> problems = new ArrayList<>();
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new YamlDocument(NODES.objectNode(), lines, problems, true);
            }
            JsonNode root = read(parser, "", lines, problems, source);
            return new YamlDocument(root, lines, problems, true);
        } catch (IOException e) {
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? jpe.getLocation().getLineNr() : 0;
            String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                    ? jpe.getOriginalMessage() : e.getMessage();
            problems.add(new ConfigProblem(source, line, "", "not valid YAML: " + firstLine(message) + hint(text, line)));
            return new YamlDocument(NODES.objectNode(), lines, problems, false);
        }
    }

    /** The one YAML mistake this file invites: {@code ${...}} unquoted inside {@code [ ]} or {@code { }}, where braces are syntax. */
    private static String hint(String text, int line) {
        String written = line > 0 ? text.lines().skip(line - 1).findFirst().orElse("") : "";
        int reference = written.indexOf("${");
        boolean inFlow = reference > 0 && (written.lastIndexOf('[', reference) >= 0 || written.lastIndexOf('{', reference - 1) >= 0);
        return inFlow ? " (expected: quotes around ${...} inside [ ] or { }, such as [\"${stageVariables.NAME}\"])" : "";
    }

    private static JsonNode read(JsonParser parser, String path, Map<String, Integer> lines,
                                 List<ConfigProblem> problems, String source) throws IOException {
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
                    if (object.has(name)) {
                        problems.add(new ConfigProblem(source, line, child, "duplicate key (expected: each key once)"));
                        read(parser, child + "#duplicate", lines, problems, source);
                        continue;
                    }
                    lines.put(child, line);
                    object.set(name, read(parser, child, lines, problems, source));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(read(parser, path + "[" + index++ + "]", lines, problems, source));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return NODES.numberNode(parser.getBigIntegerValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(parser.getDecimalValue());
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

    /** False when the text is not YAML at all, so that there is no tree worth checking. */
    public boolean readable() {
        return readable;
    }

    public List<ConfigProblem> syntaxProblems() {
        return problems;
    }
}
