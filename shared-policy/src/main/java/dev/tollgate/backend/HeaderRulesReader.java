package dev.tollgate.backend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ConfigReader;
import dev.tollgate.config.StageConfig;
import dev.tollgate.http.HeaderNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a route's {@code requestHeaders} or {@code responseHeaders: {set, add, remove}} into {@link HeaderRules}. */
public final class HeaderRulesReader {

    private static final Pattern HEADER_VALUE = Pattern.compile("[\\x20-\\x7e]*");

    private HeaderRulesReader() {
    }

    /** The rules at {@code path}; {@link HeaderRules#NONE} when not given, the valid entries with each problem named. */
    public static HeaderRules read(ConfigReader in, JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) {
            return HeaderRules.NONE;
        }
        if (!node.isObject()) {
            in.problem(path, ConfigReader.describe(node) + " (expected: a map with set, add and/or remove)");
            return HeaderRules.NONE;
        }
        in.unknownFields(node, path, Set.of("set", "add", "remove"));
        Map<String, String> set = values(in, node.path("set"), path + ".set");
        Map<String, String> add = values(in, node.path("add"), path + ".add");
        List<String> remove = node.has("remove")
                ? in.texts(node.path("remove"), path + ".remove", false, HeaderRulesReader::ruleHeaderName,
                        "a header name the gateway does not manage itself").stream().map(h -> h.toLowerCase(Locale.ROOT)).toList()
                : List.of();
        return new HeaderRules(set, add, remove);
    }

    private static Map<String, String> values(ConfigReader in, JsonNode node, String path) {
        Map<String, String> values = new LinkedHashMap<>();
        if (node.isMissingNode()) {
            return values;
        }
        if (!node.isObject()) {
            in.problem(path, ConfigReader.describe(node) + " (expected: a map of header names to values)");
            return values;
        }
        node.fields().forEachRemaining(entry -> {
            String name = entry.getKey();
            String place = path + "." + name;
            JsonNode value = entry.getValue();
            if (!ConfigReader.HEADER_NAME.matcher(name).matches()) {
                in.problem(place, "not a header name (expected: letters, digits and !#$%&'*+.^_`|~-)");
            } else if (!ruleHeaderName(name)) {
                in.problem(place, "a header the gateway manages itself (expected: none of "
                        + String.join(", ", ConfigReader.sorted(HeaderRules.MANAGED)) + ", nor " + HeaderNames.IDENTITY_PREFIX
                        + "*, in any case, with _ or -)");
            } else if (!value.isValueNode() || value.isNull() || !HEADER_VALUE.matcher(value.asText()).matches()) {
                in.problem(place, ConfigReader.describe(value) + " (expected: a header value of visible characters and spaces)");
            } else if (value.asText().contains("${") && StageConfig.variableReference(value.asText()).isEmpty()) {
                in.problem(place, value.asText() + " (expected: a literal value, or ${stageVariables.NAME} alone)");
            } else {
                values.put(name.toLowerCase(Locale.ROOT), value.asText());
            }
        });
        return values;
    }

    private static boolean ruleHeaderName(String name) {
        return ConfigReader.HEADER_NAME.matcher(name).matches() && !HeaderRules.managed(name);
    }
}
