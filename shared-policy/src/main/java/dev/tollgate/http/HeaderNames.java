package dev.tollgate.http;

/** The header names Tollgate reads or writes, written once. */
public final class HeaderNames {

    /** The correlation id: kept from the caller when sent, otherwise made by the gateway. */
    public static final String REQUEST_ID = "x-request-id";
    /** The API key header, as API Gateway names it. */
    public static final String API_KEY = "x-api-key";

    public static final String CONTENT_TYPE = "content-type";
    public static final String HOST = "host";
    public static final String RETRY_AFTER = "retry-after";

    /** IETF draft-ietf-httpapi-ratelimit-headers, the separate-fields form. */
    public static final String RATE_LIMIT_LIMIT = "ratelimit-limit";
    public static final String RATE_LIMIT_REMAINING = "ratelimit-remaining";
    public static final String RATE_LIMIT_RESET = "ratelimit-reset";

    public static final String X_FORWARDED_FOR = "x-forwarded-for";
    public static final String X_FORWARDED_PROTO = "x-forwarded-proto";
    public static final String X_FORWARDED_HOST = "x-forwarded-host";

    private HeaderNames() {
    }
}
