package dev.tollgate.backend;

import dev.tollgate.problem.BackendUnavailableException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Finds the task that takes a try of a request to an {@code ecs://} backend, spreading requests
 * across the service's running tasks. The AWS function's implementation asks the ECS API and
 * caches the answer; fixed http(s) backends never come here.
 */
public interface BackendResolver {

    /**
     * The base URL of the task for the next try, such as {@code http://10.0.1.7:8080}. The time this
     * takes is spent from the request's budget, not counted as the backend's.
     *
     * @param service the service
     * @param avoid   tasks this request has tried already: another is chosen while there is one,
     *                and one of these only when there is none
     * @param now     the request's time
     * @param within  the longest the request can wait here, for a lookup of the service's tasks: what
     *                is left of its budget, less what a try needs at least; possibly zero. A resolver
     *                that would wait longer answers {@code NoBackendTaskException} instead, and may let
     *                the lookup go on for the requests after this one
     * @throws dev.tollgate.problem.NoBackendTaskException when the service has no task to send it to,
     *         or none is known within {@code within}
     */
    URI endpoint(EcsService service, Set<URI> avoid, Instant now, Duration within);

    /** A try could not connect to the task at {@code endpoint}: the resolver passes it over for a while. */
    void connectionFailed(EcsService service, URI endpoint, Instant now);

    /** Lookups of services' tasks that failed in this instance; tasks found before stay in use. */
    long discoveryFailures();

    /**
     * For a gateway without ECS discovery: an {@code ecs://} backend is a 502 problem that tells the
     * caller nothing of it; the log names the service.
     */
    BackendResolver NONE = new BackendResolver() {
        @Override
        public URI endpoint(EcsService service, Set<URI> avoid, Instant now, Duration within) {
            Logger.getLogger(BackendResolver.class.getName()).warning("a request to " + service + " is 502: it is an ECS"
                    + " service, and this gateway has no ECS discovery; use an http(s) URL");
            throw new BackendUnavailableException("The backend could not be reached.", null);
        }

        @Override
        public void connectionFailed(EcsService service, URI endpoint, Instant now) {
        }

        @Override
        public long discoveryFailures() {
            return 0;
        }
    };
}
