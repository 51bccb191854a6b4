package dev.tollgate.policy.route;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A route's path: literal segments and {@code {name}} parameters, matched segment by segment.
 *
 * <p>A request path is matched only if {@link #unroutableSegment} finds nothing in it: a backend
 * that resolves dot segments or decodes {@code %2F} would otherwise serve a path no route allows
 * ({@code /public/..%2Fadmin} reaching {@code /admin}).
 */
public final class PathTemplate {

    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9\\-._~]+");
    private static final Pattern PARAMETER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final String written;
    /** Each segment: the literal text, or the parameter name in braces. */
    private final List<String> segments;

    private PathTemplate(String written, List<String> segments) {
        this.written = written;
        this.segments = segments;
    }

    public static Optional<PathTemplate> parse(String written) {
        if (!written.startsWith("/")) {
            return Optional.empty();
        }
        if (written.equals("/")) {
            return Optional.of(new PathTemplate(written, List.of()));
        }
        List<String> segments = new ArrayList<>();
        for (String segment : written.substring(1).split("/", -1)) {
            boolean literal = LITERAL.matcher(segment).matches() && !isDotSegment(segment);
            if (!literal && !PARAMETER.matcher(segment).matches()) {
                return Optional.empty();
            }
            segments.add(segment);
        }
        return Optional.of(new PathTemplate(written, Collections.unmodifiableList(segments)));
    }

    /** The parameters of a matching path, or empty when the path does not match. One trailing slash is ignored. */
    public Optional<Map<String, String>> match(String path) {
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String[] parts = trimmed.equals("/") ? new String[0] : trimmed.substring(1).split("/", -1);
        if (parts.length != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String segment = segments.get(i);
            if (isParameter(segment)) {
                if (parts[i].isEmpty()) {
                    return Optional.empty();
                }
                parameters.put(segment.substring(1, segment.length() - 1), parts[i]);
            } else if (!segment.equals(parts[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(parameters);
    }

    /**
     * The first segment of a request path (as sent, percent-encoded) that no route may match, if any:
     * one that, percent-decoded once, is {@code .} or {@code ..}, also before a {@code ;} (servlet
     * containers read {@code ..;x} as {@code ..}), or holds a {@code /} or {@code \} ({@code %2F},
     * {@code %5C}), or holds a {@code %} without two hex digits after it ({@code %zz}, {@code 100%}),
     * which one HTTP server refuses and another passes on as it is. Other dots are ordinary characters:
     * {@code report.pdf} and {@code ...} pass.
     */
    public static Optional<String> unroutableSegment(String path) {
        for (String segment : path.split("/", -1)) {
            if (hasMalformedEscape(segment)) {
                return Optional.of(segment);
            }
            String decoded = percentDecoded(segment);
            int parameters = decoded.indexOf(';');
            if (isDotSegment(parameters < 0 ? decoded : decoded.substring(0, parameters))
                    || decoded.indexOf('/') >= 0 || decoded.indexOf('\\') >= 0) {
                return Optional.of(segment);
            }
        }
        return Optional.empty();
    }

    private static boolean hasMalformedEscape(String segment) {
        for (int i = segment.indexOf('%'); i >= 0; i = segment.indexOf('%', i + 1)) {
            if (i + 2 >= segment.length() || hexDigit(segment.charAt(i + 1)) < 0 || hexDigit(segment.charAt(i + 2)) < 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDotSegment(String segment) {
        return segment.equals(".") || segment.equals("..");
    }

    /** Each {@code %XX} as the character XX; a {@code %} without two hex digits stays as it is. */
    private static String percentDecoded(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        StringBuilder decoded = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            int high = c == '%' && i + 2 < segment.length() ? hexDigit(segment.charAt(i + 1)) : -1;
            int low = high >= 0 ? hexDigit(segment.charAt(i + 2)) : -1;
            if (low >= 0) {
                decoded.append((char) (high * 16 + low));
                i += 2;
            } else {
                decoded.append(c);
            }
        }
        return decoded.toString();
    }

    private static int hexDigit(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** How many segments are literal; the more, the more specific the route. */
    int literalCount() {
        return (int) segments.stream().filter(s -> !isParameter(s)).count();
    }

    /** The names of the template's parameters, in order. */
    public List<String> parameterNames() {
        return segments.stream().filter(PathTemplate::isParameter).map(s -> s.substring(1, s.length() - 1)).toList();
    }

    /** The template with parameter names left out: two templates of one shape match the same paths. */
    public String shape() {
        StringBuilder shape = new StringBuilder();
        for (String segment : segments) {
            shape.append('/').append(isParameter(segment) ? "{}" : segment);
        }
        return shape.length() == 0 ? "/" : shape.toString();
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{");
    }

    @Override
    public String toString() {
        return written;
    }
}
