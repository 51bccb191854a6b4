package dev.tollgate.policy.auth;

/**
 * Credentials that do not authenticate their caller: an unknown API key, a bad token. The message
 * says why; {@link AuthenticationPolicy} answers 401 with it, and for a token it becomes the
 * {@code error_description} of the {@code WWW-Authenticate} challenge (RFC 6750).
 */
public final class CredentialRejectedException extends Exception {

    private final boolean token;

    private CredentialRejectedException(String reason, boolean token) {
        super(reason);
        this.token = token;
    }

    public static CredentialRejectedException badKey(String reason) {
        return new CredentialRejectedException(reason, false);
    }

    public static CredentialRejectedException badToken(String reason) {
        return new CredentialRejectedException(reason, true);
    }

    /** Whether a bearer token was rejected, rather than an API key. */
    public boolean token() {
        return token;
    }
}
