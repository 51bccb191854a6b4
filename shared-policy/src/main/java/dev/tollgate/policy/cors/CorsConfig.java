package dev.tollgate.policy.cors;

import dev.tollgate.config.ConfigChecks;
import java.util.List;

/**
 * Which browser origins may call the API, and what they may send and read.
 *
 * @param allowOrigins     exact origins ({@code https://app.example.com}), or {@code *} for any
 * @param allowHeaders     request headers a browser may send (lower case)
 * @param exposeHeaders    response headers a browser script may read
 * @param allowCredentials whether cookies and {@code Authorization} may be sent; never with {@code *}
 * @param maxAgeSeconds    how long a browser may cache a preflight answer
 */
public record CorsConfig(List<String> allowOrigins, List<String> allowHeaders, List<String> exposeHeaders,
                         boolean allowCredentials, long maxAgeSeconds) {

    public static final String ANY_ORIGIN = "*";
    public static final List<String> DEFAULT_ALLOW_HEADERS = List.of("authorization", "content-type", "x-api-key", "x-request-id");
    /**
     * Every header the gateway itself puts on an answer for a script to act on: the request id, the
     * challenges of a 401, the methods of a 405, when to come back after a 429 or 503, and the limits.
     */
    public static final List<String> DEFAULT_EXPOSE_HEADERS = List.of("x-request-id", "www-authenticate", "allow",
            "retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset");
    public static final long DEFAULT_MAX_AGE_SECONDS = 600;
    public static final long MAX_MAX_AGE_SECONDS = 86_400;

    public CorsConfig {
        ConfigChecks.require(maxAgeSeconds >= 0 && maxAgeSeconds <= MAX_MAX_AGE_SECONDS, "maxAge", maxAgeSeconds,
                "whole seconds from 0 to " + MAX_MAX_AGE_SECONDS);
        ConfigChecks.require(!allowCredentials || !allowOrigins.contains(ANY_ORIGIN), "allowCredentials", true,
                "false while allowOrigins has *");
        allowOrigins = List.copyOf(allowOrigins);
        allowHeaders = List.copyOf(allowHeaders);
        exposeHeaders = List.copyOf(exposeHeaders);
    }

    boolean allows(String origin) {
        return allowOrigins.contains(ANY_ORIGIN) || allowOrigins.contains(origin);
    }
}
