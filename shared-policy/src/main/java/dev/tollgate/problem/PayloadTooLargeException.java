package dev.tollgate.problem;

/** The request body is larger than the route takes. */
public final class PayloadTooLargeException extends GatewayException {

    public PayloadTooLargeException(String detail) {
        super(413, "payload-too-large", "Content Too Large", detail, null, null);
    }
}
