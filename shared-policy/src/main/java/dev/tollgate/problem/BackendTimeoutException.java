package dev.tollgate.problem;

/** The backend did not answer within the route's timeout. */
public final class BackendTimeoutException extends GatewayException {

    public BackendTimeoutException(String detail, Throwable cause) {
        super(504, "gateway-timeout", "Gateway Timeout", detail, null, cause);
    }
}
