package dev.tollgate.problem;

import dev.tollgate.http.Headers;

/** The backend's circuit is open: the gateway answers without calling it. */
public final class CircuitOpenException extends GatewayException {

    public CircuitOpenException(String detail, long retryAfterSeconds) {
        super(503, "circuit-open", "Service Unavailable", detail,
                Headers.builder().set("retry-after", Long.toString(retryAfterSeconds)).build(), null);
    }
}
