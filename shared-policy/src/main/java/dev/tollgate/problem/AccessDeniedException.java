package dev.tollgate.problem;

import dev.tollgate.http.Headers;

/** The credentials are valid but do not grant this request. */
public final class AccessDeniedException extends GatewayException {

    public AccessDeniedException(String detail) {
        this(detail, null);
    }

    /** With headers that say what was missing, such as an {@code insufficient_scope} challenge. */
    public AccessDeniedException(String detail, Headers headers) {
        super(403, "forbidden", "Forbidden", detail, headers, null);
    }
}
