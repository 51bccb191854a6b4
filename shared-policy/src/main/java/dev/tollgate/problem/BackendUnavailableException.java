package dev.tollgate.problem;

/** The backend could not be reached or gave no valid HTTP answer. */
public final class BackendUnavailableException extends GatewayException {

    public BackendUnavailableException(String detail, Throwable cause) {
        super(502, "bad-gateway", "Bad Gateway", detail, null, cause);
    }
}
