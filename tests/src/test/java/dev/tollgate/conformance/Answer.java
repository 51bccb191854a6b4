package dev.tollgate.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** An answer as a caller receives it: the status, header fields by lower-case name with all their values, the body's bytes. */
public record Answer(int status, Map<String, List<String>> headers, byte[] body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Answer {
        Map<String, List<String>> lower = new TreeMap<>();
        headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new java.util.ArrayList<>())
                .addAll(values));
        headers = lower;
    }

    public List<String> all(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** The header's values joined by ", " (as a repeated field means the same as one joined), or null when absent. */
    public String header(String name) {
        List<String> values = all(name);
        return values.isEmpty() ? null : String.join(", ", values);
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as JSON; a missing node when it is not JSON. */
    public JsonNode json() {
        try {
            return body.length == 0 ? JSON.missingNode() : JSON.readTree(body);
        } catch (IOException notJson) {
            return JSON.missingNode();
        }
    }

    @Override
    public String toString() {
        String shown = text();
        return status + " " + headers + " " + (shown.length() > 600 ? shown.substring(0, 600) + "..." : shown);
    }
}
