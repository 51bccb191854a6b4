package dev.tollgate.problem;

import dev.tollgate.http.Headers;

/**
 * An {@code ecs://} backend has no task to take the request: the service has none running and
 * healthy, or its tasks could not be listed and none are known yet. Callers get one detail whatever
 * the cause, {@link #DETAIL}: the service's cluster, name and port are the deployment's business,
 * and the resolver's log line names them.
 */
public final class NoBackendTaskException extends GatewayException {

    public static final String DETAIL = "No backend task can take the request now; try again shortly.";

    public NoBackendTaskException(long retryAfterSeconds) {
        super(503, "no-backend-task", "Service Unavailable", DETAIL,
                Headers.builder().set("retry-after", Long.toString(retryAfterSeconds)).build(), null);
    }
}
