package dev.tollgate.policy.auth.jwt;

/** An issuer's keys could not be fetched: the endpoint is down, slow, or answered something else. */
public final class JwksFetchException extends Exception {

    public JwksFetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
