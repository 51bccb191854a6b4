package dev.tollgate.problem;

/** The credentials are valid but do not grant this request. */
public final class AccessDeniedException extends GatewayException {

    public AccessDeniedException(String detail) {
        super(403, "forbidden", "Forbidden", detail, null, null);
    }
}
