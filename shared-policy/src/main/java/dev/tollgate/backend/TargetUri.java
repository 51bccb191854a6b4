package dev.tollgate.backend;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The URL a try goes to: the backend's base, the request's path (rewritten as the route says) and
 * its raw query, with what a URI cannot hold percent-encoded and the rest as the caller sent it.
 */
final class TargetUri {

    /** What java.net.URI takes as it is in a path (RFC 3986's pchar and {@code /}), beside ASCII letters and digits. */
    private static final String PATH_CHARACTERS = "-._~!$&'()*+,;=:@/";
    /** In a query, {@code ?} too, and the brackets java.net.URI allows there. */
    private static final String QUERY_CHARACTERS = PATH_CHARACTERS + "?[]";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private TargetUri() {
    }

    /**
     * The backend URL for the request's path and raw query. API Gateway passes the query as the caller
     * sent it, and a path may hold what a URI cannot, such as {@code |}, {@code {}} or a space: those
     * characters are percent-encoded (UTF-8), the rest passes unchanged.
     */
    static URI of(URI base, String path, String rawQuery) {
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        if (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        String query = rawQuery.isEmpty() ? "" : "?" + uriSafe(rawQuery, QUERY_CHARACTERS);
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + basePath + uriSafe(path, PATH_CHARACTERS) + query);
    }

    /** Percent-encodes (UTF-8) what a URI refuses, a {@code %} that starts no escape included; escapes stay. */
    private static String uriSafe(String part, String allowed) {
        StringBuilder safe = new StringBuilder(part.length() + 16);
        for (int i = 0; i < part.length(); ) {
            char c = part.charAt(i);
            boolean escape = c == '%' && i + 2 < part.length() && hex(part.charAt(i + 1)) && hex(part.charAt(i + 2));
            if (escape || c < 0x80 && (Character.isLetterOrDigit(c) || allowed.indexOf(c) >= 0)) {
                safe.append(c);
                i++;
                continue;
            }
            int end = i + Character.charCount(part.codePointAt(i));
            for (byte b : part.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                safe.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
            i = end;
        }
        return safe.toString();
    }

    private static boolean hex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
