package dev.tollgate.problem;

/** The platform handed in a request the gateway cannot read, such as a body that is not valid base64. */
public final class BadRequestException extends GatewayException {

    public BadRequestException(String detail, Throwable cause) {
        super(400, "bad-request", "Bad Request", detail, null, cause);
    }
}
