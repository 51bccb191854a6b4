package dev.tollgate.problem;

import dev.tollgate.http.Headers;

/**
 * A failure the gateway answers itself, as an RFC 9457 problem. One subclass per category;
 * the category fixes the status, the problem type and its title, the instance gives the detail.
 */
public abstract class GatewayException extends RuntimeException {

    /** Problem types are URNs: stable identifiers that need no documentation server. */
    private static final String TYPE_PREFIX = "urn:tollgate:problem:";

    private final int status;
    private final String type;
    private final String title;
    private final Headers headers;

    protected GatewayException(int status, String typeName, String title, String detail,
                               Headers headers, Throwable cause) {
        super(detail, cause);
        this.status = status;
        this.type = TYPE_PREFIX + typeName;
        this.title = title;
        this.headers = headers == null ? Headers.empty() : headers;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    /** Headers the answer must carry, such as {@code Retry-After} or {@code Allow}. */
    public Headers headers() {
        return headers;
    }
}
