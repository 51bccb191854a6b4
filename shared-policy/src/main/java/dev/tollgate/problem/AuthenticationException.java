package dev.tollgate.problem;

import dev.tollgate.http.Headers;

/** The request carries no credentials, or credentials the gateway does not know. */
public final class AuthenticationException extends GatewayException {

    public AuthenticationException(String detail) {
        this(detail, null);
    }

    /** With the challenges ({@code WWW-Authenticate}) that tell the caller which credentials would do. */
    public AuthenticationException(String detail, Headers challenges) {
        super(401, "unauthenticated", "Unauthorized", detail, challenges, null);
    }
}
