package dev.tollgate.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A request as a caller sends it, in no platform's shape: the method, the path with its stage
 * ({@code /dev/echo}, as the local runners' URLs have it), the raw query (without {@code ?}, empty for
 * none), header fields in order (a name may repeat) and the body's bytes.
 */
public record Call(String method, String path, String query, List<Map.Entry<String, String>> headers, byte[] body) {

    public Call {
        headers = List.copyOf(headers);
        body = body.clone();
    }

    public static Call get(String path) {
        return new Call("GET", path, "", List.of(), new byte[0]);
    }

    public static Call of(String method, String path) {
        return new Call(method, path, "", List.of(), new byte[0]);
    }

    /** The same with one more header field (after any of the same name). */
    public Call header(String name, String value) {
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new Call(method, path, query, more, body);
    }

    public Call query(String raw) {
        return new Call(method, path, raw, headers, body);
    }

    public Call body(byte[] bytes) {
        return new Call(method, path, query, headers, bytes);
    }

    /** The stage: the path's first segment. */
    String stage() {
        int end = path.indexOf('/', 1);
        return end < 0 ? path.substring(1) : path.substring(1, end);
    }

    /** The path without the stage, as the function of that stage sees it. */
    String stagePath() {
        int end = path.indexOf('/', 1);
        return end < 0 ? "/" : path.substring(end);
    }

    /** The header fields but those named {@code name}. */
    List<Map.Entry<String, String>> without(String name) {
        return headers.stream().filter(h -> !h.getKey().equalsIgnoreCase(name)).toList();
    }

    /** A header's values joined by ", " (one field for several), or null when there is none. */
    String joined(String name) {
        List<String> values = headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        return values.isEmpty() ? null : String.join(", ", values);
    }

    /** The first value of a header, or null. */
    String first(String name) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
