package dev.tollgate.testing;

import dev.tollgate.backend.BackendTarget;
import dev.tollgate.backend.HeaderRules;
import dev.tollgate.backend.PathRewrite;
import dev.tollgate.backend.RetryConfig;
import dev.tollgate.backend.WeightedBackend;
import dev.tollgate.backend.breaker.CircuitBreakerConfig;
import dev.tollgate.policy.auth.AuthConfig;
import dev.tollgate.policy.ip.IpAccessConfig;
import dev.tollgate.policy.ratelimit.RateLimitConfig;
import dev.tollgate.policy.route.RouteConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a {@link RouteConfig} for tests, with the loader's defaults for what a test leaves out:
 * {@code Routes.route("/orders").methods("GET").backend(url).timeout(Duration.ofSeconds(1)).build()}.
 */
public final class Routes {

    private final String path;
    private Set<String> methods = Set.of("GET");
    private final List<WeightedBackend> backends = new ArrayList<>();
    private Duration timeout = RouteConfig.DEFAULT_TIMEOUT;
    private Duration connectTimeout = RouteConfig.DEFAULT_CONNECT_TIMEOUT;
    private long maxBodyBytes = RouteConfig.DEFAULT_MAX_BODY_BYTES;
    private Optional<IpAccessConfig> ipAccess = Optional.empty();
    private HeaderRules requestHeaders = HeaderRules.NONE;
    private HeaderRules responseHeaders = HeaderRules.NONE;
    private PathRewrite rewrite = PathRewrite.NONE;
    private RetryConfig retry = RetryConfig.NONE;
    private Optional<CircuitBreakerConfig> circuitBreaker = Optional.empty();
    private AuthConfig auth = AuthConfig.API_KEY;
    private Optional<RateLimitConfig> rateLimit = Optional.empty();

    private Routes(String path) {
        this.path = path;
    }

    /** A route of {@code path}, GET only, with no backend until one is given. */
    public static Routes route(String path) {
        return new Routes(path);
    }

    public Routes methods(String... methods) {
        this.methods = Set.of(methods);
        return this;
    }

    /** Adds a backend of weight 1, written as in the configuration file (a URL, ecs://… or ${stageVariables.x}). */
    public Routes backend(String backend) {
        backends.add(new WeightedBackend(BackendTarget.parse(backend).orElseThrow(
                () -> new IllegalArgumentException("not a backend: " + backend)), 1));
        return this;
    }

    /** The route's timeout, and its connect timeout too unless {@link #connectTimeout} says otherwise later. */
    public Routes timeout(Duration timeout) {
        this.timeout = timeout;
        this.connectTimeout = timeout;
        return this;
    }

    public Routes connectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
        return this;
    }

    public Routes maxBodyBytes(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
        return this;
    }

    public Routes ipAccess(IpAccessConfig ipAccess) {
        this.ipAccess = Optional.of(ipAccess);
        return this;
    }

    public Routes requestHeaders(HeaderRules requestHeaders) {
        this.requestHeaders = requestHeaders;
        return this;
    }

    public Routes responseHeaders(HeaderRules responseHeaders) {
        this.responseHeaders = responseHeaders;
        return this;
    }

    public Routes rewrite(PathRewrite rewrite) {
        this.rewrite = rewrite;
        return this;
    }

    public Routes retry(RetryConfig retry) {
        this.retry = retry;
        return this;
    }

    public Routes circuitBreaker(CircuitBreakerConfig circuitBreaker) {
        this.circuitBreaker = Optional.of(circuitBreaker);
        return this;
    }

    public Routes auth(AuthConfig auth) {
        this.auth = auth;
        return this;
    }

    public Routes rateLimit(RateLimitConfig rateLimit) {
        this.rateLimit = Optional.of(rateLimit);
        return this;
    }

    public RouteConfig build() {
        return new RouteConfig(path, methods, backends, timeout, maxBodyBytes, ipAccess, requestHeaders, responseHeaders,
                rewrite, retry, circuitBreaker, auth, connectTimeout, rateLimit);
    }
}
