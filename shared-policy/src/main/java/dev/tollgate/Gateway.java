package dev.tollgate;

import dev.tollgate.backend.BackendResolver;
import dev.tollgate.backend.HttpForwarder;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.PlatformLimits;
import dev.tollgate.config.StageConfig;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.observe.Ticker;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.policy.auth.AuthConfig;
import dev.tollgate.policy.auth.AuthenticationPolicy;
import dev.tollgate.policy.auth.apikey.ApiKeyAuthenticator;
import dev.tollgate.policy.auth.apikey.KeyStore;
import dev.tollgate.policy.auth.jwt.HttpJwksSource;
import dev.tollgate.policy.auth.jwt.JwksSource;
import dev.tollgate.policy.auth.jwt.JwtAuthenticator;
import dev.tollgate.policy.authz.AuthorizationPolicy;
import dev.tollgate.policy.correlation.CorrelationIdPolicy;
import dev.tollgate.policy.cors.CorsPolicy;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.quota.CounterStoreFailures;
import dev.tollgate.policy.quota.QuotaLeases;
import dev.tollgate.policy.quota.QuotaPolicy;
import dev.tollgate.policy.ip.IpAccessPolicy;
import dev.tollgate.policy.ratelimit.RateLeases;
import dev.tollgate.policy.ratelimit.RateLimitPolicy;
import dev.tollgate.policy.refusal.RefusalPolicy;
import dev.tollgate.policy.route.RouteHandlerPolicy;
import dev.tollgate.policy.route.RoutePolicy;
import dev.tollgate.policy.size.RequestSizePolicy;
import dev.tollgate.policy.size.ResponseLimit;
import dev.tollgate.policy.size.ResponseSizePolicy;
import dev.tollgate.usage.UsageEndpoint;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The gateway: one configuration, its stores, and the pipeline in the order of the request path.
 * Built once per function instance and shared by every request; safe for concurrent use.
 */
public final class Gateway {

    private final GatewayConfig config;
    private final Pipeline pipeline;
    private final CounterStoreFailures counterStoreFailures = new CounterStoreFailures();
    private final JwtAuthenticator tokens;
    private final AuthenticationPolicy authentication;
    private final BackendResolver backends;

    private Gateway(Builder builder) {
        this.config = Objects.requireNonNull(builder.config, "config");
        CounterStore counters = Objects.requireNonNull(builder.counters, "counters");
        KeyStore keys = Objects.requireNonNull(builder.keys, "keys");
        if (builder.forwarder != null && builder.backends != null) {
            throw new IllegalStateException("give the backend resolver to the forwarder, not beside it");
        }
        if (builder.forwarder != null && builder.platform != null) {
            throw new IllegalStateException("give the platform's limits to the forwarder, not beside it");
        }
        HttpForwarder forwarder = builder.forwarder != null ? builder.forwarder
                : new HttpForwarder(builder.backends != null ? builder.backends : BackendResolver.NONE,
                        builder.platform != null ? builder.platform : PlatformLimits.DEFAULT);
        forwarder.prepare(config.routes());
        this.backends = forwarder.resolver();
        this.tokens = new JwtAuthenticator(config.jwt(), config.plans().keySet(),
                builder.jwks != null ? builder.jwks : new HttpJwksSource());
        QuotaLeases leases = new QuotaLeases(counters);
        RateLeases rateLeases = new RateLeases(counters);
        this.authentication = new AuthenticationPolicy(config.plans(), new ApiKeyAuthenticator(keys), tokens);
        // The request path, in order (docs/design.md). Each policy is given only its own part of the
        // configuration; what it needs of the request's route or plan comes on the exchange.
        this.pipeline = new Pipeline(List.of(
                new CorrelationIdPolicy(builder.requestIds),
                new CorsPolicy(config.cors(), config.routes()),
                new RefusalPolicy(),
                new ResponseSizePolicy(),
                new RoutePolicy(config.stages().keySet(), config.routes(),
                        AuthConfig.anyCredential(config.jwt().issuers().keySet()), new UsageEndpoint(counters, leases, rateLeases)),
                new IpAccessPolicy(config.ipAccess()),
                new RequestSizePolicy(),
                authentication,
                new AuthorizationPolicy(),
                // Rate limits (the plan's, then the route's) before quotas: a request refused for its
                // rate uses nothing of a quota.
                new RateLimitPolicy(counters, rateLeases, counterStoreFailures),
                new QuotaPolicy(counters, leases, counterStoreFailures),
                // The route's handler answers: forwarding to the backend, or the usage endpoint.
                new RouteHandlerPolicy(builder.answers != null ? builder.answers : forwarder::forward)),
                builder.clock, builder.ticker, builder.observer);
    }

    public static Builder builder() {
        return new Builder();
    }

    public GatewayConfig config() {
        return config;
    }

    /**
     * Requests of this instance that met a failing counter store, for a rate limit or a quota,
     * whether served (failOpen) or refused.
     */
    public long counterStoreFailures() {
        return counterStoreFailures.requests();
    }

    /** Fetches of a JWT issuer's keys that failed in this instance; the keys held before stay in use. */
    public long jwksFailures() {
        return tokens.jwksFailures();
    }

    /** Requests of this instance whose API key could not be checked because the key store failed (503). */
    public long keyStoreFailures() {
        return authentication.keyStoreFailures();
    }

    /** Lookups of an ecs:// backend's tasks that failed in this instance; the tasks found before stay in use. */
    public long backendDiscoveryFailures() {
        return backends.discoveryFailures();
    }

    /**
     * Answers one request. Stage variables the platform handed in win over those of the file, since
     * the deployed stage is what the caller reached.
     */
    public GatewayResponse handle(GatewayRequest request) {
        return handle(request, ResponseLimit.NONE);
    }

    /** Answers one request of a platform that carries answers up to {@code limit} back to the caller. */
    public GatewayResponse handle(GatewayRequest request, ResponseLimit limit) {
        return pipeline.handle(withFileVariables(request), limit);
    }

    private GatewayRequest withFileVariables(GatewayRequest request) {
        StageConfig stage = config.stages().get(request.stage());
        if (stage == null || stage.variables().isEmpty()) {
            return request;
        }
        Map<String, String> variables = new HashMap<>(stage.variables());
        variables.putAll(request.stageVariables());
        return new GatewayRequest(request.method(), request.path(), request.rawQuery(), request.headers(),
                request.body(), request.sourceIp(), request.scheme(), request.stage(), variables, request.refusal());
    }

    /** Assembles a {@link Gateway}; config, counters and keys are required. */
    public static final class Builder {
        private GatewayConfig config;
        private CounterStore counters;
        private KeyStore keys;
        private HttpForwarder forwarder;
        private BackendResolver backends;
        private PlatformLimits platform;
        private JwksSource jwks;
        private Clock clock = Clock.systemUTC();
        private Ticker ticker = Ticker.SYSTEM;
        private RequestObserver observer = RequestObserver.NONE;
        private Supplier<String> requestIds = () -> UUID.randomUUID().toString();
        private RouteHandlerPolicy.Forwarder answers;

        public Builder config(GatewayConfig config) {
            this.config = config;
            return this;
        }

        public Builder counters(CounterStore counters) {
            this.counters = counters;
            return this;
        }

        public Builder keys(KeyStore keys) {
            this.keys = keys;
            return this;
        }

        public Builder forwarder(HttpForwarder forwarder) {
            this.forwarder = forwarder;
            return this;
        }

        /** Finds the tasks of ecs:// backends; without it, such a backend is a 502 problem. */
        public Builder backends(BackendResolver backends) {
            this.backends = backends;
            return this;
        }

        /**
         * What the platform allows, from its adapter: a request's tries fit in its longest wait.
         * {@link PlatformLimits#DEFAULT} unless given; a {@link #forwarder} given brings its own.
         */
        public Builder platform(PlatformLimits platform) {
            this.platform = Objects.requireNonNull(platform, "platform");
            return this;
        }

        /** Where JWT issuers' keys come from; by default fetched over HTTP. */
        public Builder jwks(JwksSource jwks) {
            this.jwks = jwks;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Times durations (latencies); {@link System#nanoTime()} unless a test moves its own. */
        public Builder ticker(Ticker ticker) {
            this.ticker = ticker;
            return this;
        }

        /** Told what each request came to, for metrics and access logs; by default nobody. */
        public Builder observer(RequestObserver observer) {
            this.observer = observer;
            return this;
        }

        public Builder requestIds(Supplier<String> requestIds) {
            this.requestIds = requestIds;
            return this;
        }

        /**
         * Configured routes answered in-process instead of by their backends: the benchmarks of the policy
         * work alone (module bench), and tests of the pipeline around the forwarder.
         */
        Builder answers(RouteHandlerPolicy.Forwarder answers) {
            this.answers = Objects.requireNonNull(answers, "answers");
            return this;
        }

        public Gateway build() {
            return new Gateway(this);
        }
    }
}
