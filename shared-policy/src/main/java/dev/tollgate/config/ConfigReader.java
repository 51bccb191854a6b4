package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the typed values of one {@link YamlDocument}, each refused with its line, its path, the value found and
 * what was expected: booleans, bounded numbers (through {@link ConfigNumbers}), durations, patterns, lists,
 * one-of choices, names, references and unknown fields. Each policy's configuration reader, the
 * {@link ConfigLoader} and the deployment's stages file read through one of these.
 * <pre>{@code
 * ConfigReader in = new ConfigReader(document, "tollgate.yaml", problems::add);
 * in.unknownFields(node, path, Set.of("requests", "per", "burst"));
 * Duration openFor = in.duration(node, "openFor", path, Duration.ofSeconds(1), Duration.ofMinutes(10), "30s", fallback);
 * }</pre>
 */
public final class ConfigReader {

    /** Names of plans, keys, consumers and issuers. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    /** RFC 9110's token: a header's name. */
    public static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    private final YamlDocument document;
    private final String source;
    private final Consumer<ConfigProblem> sink;
    private final ConfigNumbers numbers;
    private int reported;

    /**
     * @param source the file's name as messages show it
     * @param sink   takes each problem found
     */
    public ConfigReader(YamlDocument document, String source, Consumer<ConfigProblem> sink) {
        this.document = document;
        this.source = source;
        this.sink = sink;
        this.numbers = new ConfigNumbers(document, this::problem);
    }

    /** Names a problem at {@code path}: the value found and what was expected. */
    public void problem(String path, String message) {
        reported++;
        sink.accept(new ConfigProblem(source, document.lineOf(path), path, message));
    }

    /** How many problems this reader has named so far, to tell whether a part read cleanly. */
    public int problems() {
        return reported;
    }

    public ConfigNumbers numbers() {
        return numbers;
    }

    /** A whole number from {@code min} to {@code max}, or empty after naming the problem. */
    public OptionalLong whole(JsonNode node, String path, long min, long max) {
        return numbers.whole(node, path, min, max);
    }

    /** The optional whole-number {@code field} of {@code parent}: {@code fallback} when absent or refused. */
    public int whole(JsonNode parent, String field, String path, int min, int max, int fallback) {
        JsonNode node = parent.path(field);
        if (node.isMissingNode()) {
            return fallback;
        }
        return (int) numbers.whole(node, child(path, field), min, max).orElse(fallback);
    }

    /** {@code true} or {@code false}, or empty after naming the problem. */
    public Optional<Boolean> bool(JsonNode node, String path) {
        if (!node.isBoolean()) {
            problem(path, describe(node) + " (expected: true or false)");
            return Optional.empty();
        }
        return Optional.of(node.booleanValue());
    }

    /** The optional boolean {@code field} of {@code parent}: {@code fallback} when absent or refused. */
    public boolean bool(JsonNode parent, String field, String path, boolean fallback) {
        JsonNode node = parent.path(field);
        return node.isMissingNode() ? fallback : bool(node, child(path, field)).orElse(fallback);
    }

    /**
     * A duration from {@code min} to {@code max} in {@link Durations#CONFIG_UNITS}, or empty after naming the
     * problem: {@code 90s (expected: a duration from 1ms to 30s, such as 500ms or 10s)}.
     */
    public Optional<Duration> duration(JsonNode node, String path, Duration min, Duration max, String example) {
        return duration(node, path, Durations.CONFIG_UNITS, min, max, example);
    }

    /** As {@link #duration(JsonNode, String, Duration, Duration, String)}, in the given {@link Durations} units only. */
    public Optional<Duration> duration(JsonNode node, String path, Set<String> units, Duration min, Duration max,
                                       String example) {
        Optional<Duration> duration = Durations.parse(node.isTextual() ? node.asText() : "", units)
                .filter(d -> d.compareTo(min) >= 0 && d.compareTo(max) <= 0);
        if (duration.isEmpty()) {
            problem(path, describe(node) + " (expected: a duration from " + Durations.show(min) + " to "
                    + Durations.show(max) + ", such as " + example + ")");
        }
        return duration;
    }

    /** The optional duration {@code field} of {@code parent}: {@code fallback}, also the example, when absent or refused. */
    public Duration duration(JsonNode parent, String field, String path, Duration min, Duration max, Duration fallback) {
        JsonNode node = parent.path(field);
        if (node.isMissingNode()) {
            return fallback;
        }
        return duration(node, child(path, field), min, max, Durations.show(fallback)).orElse(fallback);
    }

    /** A value matching {@code pattern}, or empty after naming the problem. */
    public Optional<String> text(JsonNode node, String path, Pattern pattern, String expected) {
        if (!node.isValueNode() || node.isNull() || !pattern.matcher(node.asText()).matches()) {
            problem(path, describe(node) + " (expected: " + expected + ")");
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }

    /** A name of letters, digits, {@code .}, {@code -} and {@code _}, or empty after naming the problem. */
    public Optional<String> name(JsonNode node, String path, String expected) {
        if (!node.isTextual() || !NAME.matcher(node.asText()).matches()) {
            problem(path, describe(node) + " (expected: " + expected + ")");
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }

    /** A list of texts, each checked; an empty list is a problem only when {@code required}. */
    public List<String> texts(JsonNode node, String path, boolean required, Predicate<String> valid, String expected) {
        List<String> values = new ArrayList<>();
        if (!node.isArray() || (required && node.isEmpty())) {
            problem(path, describe(node) + " (expected: a list, each " + expected + ")");
            return values;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode value = node.get(i);
            if (!value.isTextual() || !valid.test(value.asText())) {
                problem(path + "[" + i + "]", describe(value) + " (expected: " + expected + ")");
            } else {
                values.add(value.asText());
            }
        }
        return values;
    }

    /** One of an enum's constants, written in lower case, or empty after naming the problem. */
    public <E extends Enum<E>> Optional<E> oneOf(JsonNode node, String path, Class<E> type) {
        List<String> names = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.toList());
        if (node.isTextual() && names.contains(node.asText())) {
            return Optional.of(Enum.valueOf(type, node.asText().toUpperCase(Locale.ROOT)));
        }
        problem(path, describe(node) + " (expected: one of " + String.join(", ", names) + ")");
        return Optional.empty();
    }

    /** A name among {@code known}, things this file defines, or empty after naming the problem. */
    public Optional<String> reference(JsonNode node, String path, Set<String> known, String what) {
        if (node.isTextual() && known.contains(node.asText())) {
            return Optional.of(node.asText());
        }
        String choices = known.isEmpty() ? "none are defined" : String.join(", ", known);
        problem(path, describe(node) + " (expected: " + what + " defined in this file: " + choices + ")");
        return Optional.empty();
    }

    /** Whether {@code node} is a map with at least one entry; names the problem if not. */
    public boolean requireMap(JsonNode node, String path, String expected) {
        if (node.isObject() && !node.isEmpty()) {
            return true;
        }
        problem(path, (node.isObject() ? "an empty map" : describe(node)) + " (expected: " + expected + ")");
        return false;
    }

    /** Names each field of {@code node} outside {@code known}. */
    public void unknownFields(JsonNode node, String path, Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                problem(child(path, name),
                        "unknown field (expected one of: " + String.join(", ", sorted(known)) + ")");
            }
        }
    }

    /** An absolute {@code http(s)} URL with a host and no user info, or empty. */
    public static Optional<URI> httpUrl(String value) {
        try {
            URI uri = new URI(value);
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            return http && uri.getHost() != null && uri.getRawUserInfo() == null ? Optional.of(uri) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** The path of {@code field} in the map at {@code path}; the top level's path is empty. */
    private static String child(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** How a value is named in a message: the text itself, or what kind of thing it is. */
    public static String describe(JsonNode node) {
        if (node.isMissingNode()) {
            return "missing";
        }
        if (node.isNull()) {
            return "empty";
        }
        if (node.isArray()) {
            return node.isEmpty() ? "an empty list" : "a list";
        }
        if (node.isObject()) {
            return "a map";
        }
        String text = node.asText();
        return text.isEmpty() ? "\"\"" : text;
    }

    /** Names in alphabetical order, for messages. */
    public static List<String> sorted(Set<String> names) {
        return names.stream().sorted().collect(Collectors.toList());
    }
}
