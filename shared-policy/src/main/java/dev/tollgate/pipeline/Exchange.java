package dev.tollgate.pipeline;

import dev.tollgate.config.PlanConfig;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.observe.Observed;
import dev.tollgate.observe.Ticker;
import dev.tollgate.policy.auth.Identity;
import dev.tollgate.policy.correlation.TraceContext;
import dev.tollgate.policy.quota.LimitStatus;
import dev.tollgate.policy.route.RouteMatch;
import dev.tollgate.policy.size.ResponseLimit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One request on its way through the pipeline: the request, the time it arrived, and what the
 * policies learned about it so far. Confined to the thread that handles the request.
 */
public final class Exchange {

    private final GatewayRequest request;
    private final Instant now;
    private final Ticker ticker;
    private final long started;
    private final ResponseLimit responseLimit;
    private final Observed observed = new Observed();
    private TraceContext trace;
    private String requestId;
    private RouteMatch route;
    private Identity identity;
    private PlanConfig plan;
    private final List<LimitStatus> limits = new ArrayList<>();
    private boolean uncounted;

    public Exchange(GatewayRequest request, Instant now) {
        this(request, now, Ticker.SYSTEM, ResponseLimit.NONE);
    }

    /**
     * @param ticker        times durations, such as the backend's
     * @param responseLimit the largest answer the platform can carry back
     */
    public Exchange(GatewayRequest request, Instant now, Ticker ticker, ResponseLimit responseLimit) {
        this.request = Objects.requireNonNull(request);
        this.now = Objects.requireNonNull(now);
        this.ticker = Objects.requireNonNull(ticker);
        this.started = ticker.read();
        this.responseLimit = Objects.requireNonNull(responseLimit);
    }

    public GatewayRequest request() {
        return request;
    }

    /** When the request arrived; policies use this, never the wall clock. */
    public Instant now() {
        return now;
    }

    /** A reading of the gateway's ticker in nanoseconds, for durations; never the wall clock. */
    public long nanoTime() {
        return ticker.read();
    }

    /** The ticker's reading when the request arrived. */
    public long arrivedNanos() {
        return started;
    }

    /** The ticker's nanoseconds since the request arrived. */
    public long elapsedNanos() {
        return ticker.read() - started;
    }

    /**
     * The time at a reading of {@link #nanoTime()}: when the request arrived, moved on by the ticker.
     * What happens later in the request, such as a backend's answer, is dated with this.
     */
    public Instant at(long nanoTime) {
        return now.plusNanos(nanoTime - started);
    }

    public ResponseLimit responseLimit() {
        return responseLimit;
    }

    /** What policies note about this request for its observation. */
    public Observed observed() {
        return observed;
    }

    /** The trace context for the backend call, decided from the request's headers when first asked. */
    public TraceContext trace() {
        if (trace == null) {
            trace = TraceContext.of(request.headers());
        }
        return trace;
    }

    public String requestId() {
        return requestId;
    }

    public void requestId(String requestId) {
        this.requestId = requestId;
    }

    /** The matched route; set by the route policy, so present for every later policy. */
    public RouteMatch route() {
        if (route == null) {
            throw new IllegalStateException("no route matched yet");
        }
        return route;
    }

    /** The matched route, or empty before (or without) a match. */
    public Optional<RouteMatch> routeIfMatched() {
        return Optional.ofNullable(route);
    }

    public void route(RouteMatch route) {
        this.route = route;
    }

    /** Who is calling; set by the authentication policy. */
    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
    }

    /** The caller's plan, resolved once with its identity; empty without an identity. */
    public Optional<PlanConfig> plan() {
        return Optional.ofNullable(plan);
    }

    /** Sets who is calling and the plan their identity names, as the authentication policy found them. */
    public void identity(Identity identity, PlanConfig plan) {
        if (!plan.name().equals(identity.plan())) {
            throw new IllegalArgumentException("identity " + identity.credentialId() + " names plan " + identity.plan()
                    + ", not " + plan.name());
        }
        this.identity = identity;
        this.plan = plan;
    }

    /** The limits this request was counted against so far, rate limits then quotas. */
    public List<LimitStatus> limits() {
        return List.copyOf(limits);
    }

    public void limit(LimitStatus status) {
        limits.add(status);
    }

    /** Whether the counter store failed for this request and its plan served it uncounted (failOpen). */
    public boolean uncounted() {
        return uncounted;
    }

    public void uncounted(boolean uncounted) {
        this.uncounted = uncounted;
    }
}
