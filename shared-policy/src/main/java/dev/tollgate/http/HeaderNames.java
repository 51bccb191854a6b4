package dev.tollgate.http;

/** The header names Tollgate reads or writes, written once. */
public final class HeaderNames {

    /** The correlation id: kept from the caller when sent, otherwise made by the gateway. */
    public static final String REQUEST_ID = "x-request-id";
    /** The API key header, as API Gateway names it. */
    public static final String API_KEY = "x-api-key";

    /** Bearer tokens (RFC 6750). */
    public static final String AUTHORIZATION = "authorization";
    /** The challenges of a 401, and of a 403 for a token without the scopes a route needs. */
    public static final String WWW_AUTHENTICATE = "www-authenticate";

    /**
     * Headers that tell the backend who is calling, set by the gateway only: any the caller sends
     * are removed first, so a backend can trust them.
     */
    public static final String IDENTITY_PREFIX = "x-tollgate-";
    public static final String IDENTITY_CONSUMER = "x-tollgate-consumer";
    public static final String IDENTITY_PLAN = "x-tollgate-plan";
    public static final String IDENTITY_SUBJECT = "x-tollgate-subject";
    public static final String IDENTITY_SCOPES = "x-tollgate-scopes";

    public static final String CONTENT_TYPE = "content-type";
    public static final String CONTENT_ENCODING = "content-encoding";
    public static final String HOST = "host";
    public static final String RETRY_AFTER = "retry-after";

    /** IETF draft-ietf-httpapi-ratelimit-headers, the separate-fields form. */
    public static final String RATE_LIMIT_LIMIT = "ratelimit-limit";
    public static final String RATE_LIMIT_REMAINING = "ratelimit-remaining";
    public static final String RATE_LIMIT_RESET = "ratelimit-reset";

    public static final String X_FORWARDED_FOR = "x-forwarded-for";
    public static final String X_FORWARDED_PROTO = "x-forwarded-proto";
    public static final String X_FORWARDED_HOST = "x-forwarded-host";
    /** The address the request came from, as the platform saw it: set by the gateway, as nginx and Kong set it. */
    public static final String X_REAL_IP = "x-real-ip";
    /** RFC 7239's: the gateway sets the {@code X-Forwarded-*} headers instead, and removes the caller's. */
    public static final String FORWARDED = "forwarded";

    /** W3C Trace Context; the gateway passes a caller's valid one on, or makes one. */
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    /** AWS X-Ray's trace header: the caller's, or the Lambda runtime's when the function is traced. */
    public static final String X_AMZN_TRACE_ID = "x-amzn-trace-id";

    private HeaderNames() {
    }
}
