package dev.tollgate.problem;

/**
 * A request the gateway cannot read or will not route: a body marked base64 that is not, a path with
 * a dot segment or an encoded separator.
 */
public final class BadRequestException extends GatewayException {

    public BadRequestException(String detail, Throwable cause) {
        super(400, "bad-request", "Bad Request", detail, null, cause);
    }
}
