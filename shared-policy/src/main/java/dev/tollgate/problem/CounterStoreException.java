package dev.tollgate.problem;

/**
 * The counter store failed, so the quota cannot be checked. Tollgate then fails closed: the
 * request is refused rather than let through uncounted, unless the caller's plan fails open.
 * A store that refused the request itself as invalid is the subclass
 * {@link CounterStoreRejectedException}, which never fails open.
 */
public class CounterStoreException extends GatewayException {

    public CounterStoreException(String detail, Throwable cause) {
        super(503, "counter-store-unavailable", "Service Unavailable", detail, null, cause);
    }

    protected CounterStoreException(int status, String typeName, String title, String detail, Throwable cause) {
        super(status, typeName, title, detail, null, cause);
    }
}
