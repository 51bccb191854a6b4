package dev.tollgate.problem;

import dev.tollgate.http.Headers;

/** The consumer's quota for the current period is used up; the headers say when it resets. */
public final class QuotaExceededException extends GatewayException {

    public QuotaExceededException(String detail, Headers rateLimitHeaders) {
        super(429, "quota-exceeded", "Too Many Requests", detail, rateLimitHeaders, null);
    }
}
