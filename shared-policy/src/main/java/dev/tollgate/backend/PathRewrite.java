package dev.tollgate.backend;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a route's request path becomes the backend's: unchanged, with a leading prefix removed
 * ({@code stripPrefix: /api} sends {@code /api/orders} as {@code /orders}), or mapped to a target
 * template filled with the route's parameters ({@code targetPath: /v2/orders/{id}}).
 *
 * @param stripPrefix a literal leading part of the route's path, or null
 * @param targetPath  a path template using the route's parameters, or null
 */
public record PathRewrite(String stripPrefix, String targetPath) {

    public static final PathRewrite NONE = new PathRewrite(null, null);
    private static final Pattern PARAMETER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

    public String apply(String path, Map<String, String> parameters) {
        if (targetPath != null) {
            Matcher matcher = PARAMETER.matcher(targetPath);
            StringBuilder rewritten = new StringBuilder();
            while (matcher.find()) {
                matcher.appendReplacement(rewritten, Matcher.quoteReplacement(parameters.getOrDefault(matcher.group(1), "")));
            }
            matcher.appendTail(rewritten);
            return rewritten.toString();
        }
        if (stripPrefix != null && (path.equals(stripPrefix) || path.startsWith(stripPrefix + "/"))) {
            String rest = path.substring(stripPrefix.length());
            return rest.isEmpty() ? "/" : rest;
        }
        return path;
    }
}
