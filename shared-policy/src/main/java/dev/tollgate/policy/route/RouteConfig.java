package dev.tollgate.policy.route;

import dev.tollgate.backend.WeightedBackend;
import dev.tollgate.backend.HeaderRules;
import dev.tollgate.backend.PathRewrite;
import dev.tollgate.backend.RetryConfig;
import dev.tollgate.backend.breaker.CircuitBreakerConfig;
import dev.tollgate.policy.auth.AuthConfig;
import dev.tollgate.policy.ip.IpAccessConfig;
import dev.tollgate.policy.ratelimit.RateLimitConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A route: requests whose path matches the template and whose method is listed go to the backend.
 *
 * @param path    the path template, such as {@code /orders/{id}}
 * @param methods the upper-case methods the route accepts
 * @param backends where matching requests go: one backend, or several sharing the requests by weight
 * @param timeout      how long the backend may take to answer, connection and body included
 * @param maxBodyBytes the largest request body the route takes
 * @param ipAccess     the route's own address rules, replacing the file's
 * @param requestHeaders  header changes on the way to the backend
 * @param responseHeaders header changes on the way back
 * @param rewrite         how the path the backend sees is made
 * @param retry           when failed tries are repeated
 * @param circuitBreaker  the circuit breaker settings of the route's backend endpoint, if it has one
 * @param auth            which credentials the route accepts, and what they must grant
 * @param connectTimeout  how long connecting to the backend may take, within {@code timeout}
 * @param rateLimit       the route's own rate limit, per consumer (per caller address without credentials)
 */
public record RouteConfig(String path, Set<String> methods, List<WeightedBackend> backends, Duration timeout, long maxBodyBytes,
                          Optional<IpAccessConfig> ipAccess, HeaderRules requestHeaders, HeaderRules responseHeaders,
                          PathRewrite rewrite, RetryConfig retry, Optional<CircuitBreakerConfig> circuitBreaker,
                          AuthConfig auth, Duration connectTimeout, Optional<RateLimitConfig> rateLimit) {

    /** API Gateway's HTTP API waits at most 30 seconds for an integration. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(29);
    /** A backend in the same VPC connects in milliseconds; seconds mean it is gone. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Lambda's limit for a synchronous request payload. */
    public static final long DEFAULT_MAX_BODY_BYTES = 6L * 1024 * 1024;

    public RouteConfig {
        methods = Set.copyOf(methods);
        backends = List.copyOf(backends);
    }
}
