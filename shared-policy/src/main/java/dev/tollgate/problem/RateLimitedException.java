package dev.tollgate.problem;

import dev.tollgate.http.Headers;

/** A rate limit refused the request: too many too fast. The headers say when a request passes again. */
public final class RateLimitedException extends GatewayException {

    public RateLimitedException(String detail, Headers rateLimitHeaders) {
        super(429, "rate-limited", "Too Many Requests", detail, rateLimitHeaders, null);
    }
}
