package dev.tollgate.problem;

import dev.tollgate.http.Headers;

/**
 * An {@code ecs://} backend has no task to take the request: the service has none running and
 * healthy, or its tasks could not be listed and none are known yet.
 */
public final class NoBackendTaskException extends GatewayException {

    public NoBackendTaskException(String detail, long retryAfterSeconds) {
        super(503, "no-backend-task", "Service Unavailable", detail,
                Headers.builder().set("retry-after", Long.toString(retryAfterSeconds)).build(), null);
    }
}
