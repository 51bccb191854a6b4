package dev.tollgate.problem;

/**
 * The key store failed, so an API key cannot be checked: 503, since the caller's key may well be
 * good (a 401 would tell a client to drop it), and it is no defect of the gateway (not a 500).
 */
public final class KeyStoreException extends GatewayException {

    public KeyStoreException(String detail, Throwable cause) {
        super(503, "key-store-unavailable", "Service Unavailable", detail, null, cause);
    }
}
