package dev.tollgate.problem;

/**
 * The counter store failed, so the quota cannot be checked. Tollgate then fails closed: the
 * request is refused rather than let through uncounted.
 */
public final class CounterStoreException extends GatewayException {

    public CounterStoreException(String detail, Throwable cause) {
        super(503, "counter-store-unavailable", "Service Unavailable", detail, null, cause);
    }
}
