package dev.tollgate.problem;

/** The backend answered more than the platform can carry back to the caller. */
public final class ResponseTooLargeException extends GatewayException {

    public ResponseTooLargeException(String detail) {
        super(502, "response-too-large", "Bad Gateway", detail, null, null);
    }
}
