package dev.tollgate.problem;

/** The request carries no credentials, or credentials the gateway does not know. */
public final class AuthenticationException extends GatewayException {

    public AuthenticationException(String detail) {
        super(401, "unauthenticated", "Unauthorized", detail, null, null);
    }
}
