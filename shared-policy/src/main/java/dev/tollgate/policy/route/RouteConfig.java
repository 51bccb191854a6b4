package dev.tollgate.policy.route;

import dev.tollgate.backend.BackendTarget;
import java.time.Duration;
import java.util.Set;

/**
 * A route: requests whose path matches the template and whose method is listed go to the backend.
 *
 * @param path    the path template, such as {@code /orders/{id}}
 * @param methods the upper-case methods the route accepts
 * @param backend where matching requests go
 * @param timeout how long the backend may take to answer, connection included
 */
public record RouteConfig(String path, Set<String> methods, BackendTarget backend, Duration timeout) {

    /** API Gateway's HTTP API waits at most 30 seconds for an integration. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(29);
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

    public RouteConfig {
        methods = Set.copyOf(methods);
    }
}
