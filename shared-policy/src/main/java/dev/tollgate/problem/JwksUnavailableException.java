package dev.tollgate.problem;

/** A trusted issuer's keys could not be fetched, and none are held: its tokens cannot be verified now. */
public final class JwksUnavailableException extends GatewayException {

    public JwksUnavailableException(String detail) {
        super(503, "jwks-unavailable", "Service Unavailable", detail, null, null);
    }
}
