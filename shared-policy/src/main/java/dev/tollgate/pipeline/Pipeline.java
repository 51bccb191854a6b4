package dev.tollgate.pipeline;

import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.observe.Observed;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.observe.Ticker;
import dev.tollgate.policy.auth.Identity;
import dev.tollgate.policy.route.RouteMatch;
import dev.tollgate.policy.size.ResponseLimit;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a request through the policies in order, the last of which answers (the route's handler), and
 * tells the observer what it came to. The order is given once, by {@link dev.tollgate.Gateway}.
 */
public final class Pipeline {

    private static final Logger LOG = Logger.getLogger(Pipeline.class.getName());

    private final List<Policy> policies;
    private final Clock clock;
    private final Ticker ticker;
    private final RequestObserver observer;

    public Pipeline(List<Policy> policies, Clock clock) {
        this(policies, clock, Ticker.SYSTEM, RequestObserver.NONE);
    }

    public Pipeline(List<Policy> policies, Clock clock, Ticker ticker, RequestObserver observer) {
        this.policies = List.copyOf(policies);
        this.clock = clock;
        this.ticker = ticker;
        this.observer = observer;
    }

    public GatewayResponse handle(GatewayRequest request) {
        return handle(request, ResponseLimit.NONE);
    }

    /** Answers a request whose platform carries answers up to {@code limit} back. */
    public GatewayResponse handle(GatewayRequest request, ResponseLimit limit) {
        Exchange exchange = new Exchange(request, clock.instant(), ticker, limit);
        GatewayResponse response = proceed(exchange, 0);
        observe(exchange, response, exchange.elapsedNanos());
        return response;
    }

    private GatewayResponse proceed(Exchange exchange, int index) {
        if (index == policies.size()) {
            throw new IllegalStateException("the pipeline's last policy answers; none may go on past it");
        }
        return policies.get(index).apply(exchange, next -> proceed(next, index + 1));
    }

    /** A failing observer costs the caller nothing: the answer is made and stands. */
    private void observe(Exchange exchange, GatewayResponse response, long nanos) {
        try {
            observer.observe(observation(exchange, response, nanos));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the observer failed for request " + exchange.requestId(), e);
        }
    }

    private static RequestObservation observation(Exchange exchange, GatewayResponse response, long nanos) {
        Observed observed = exchange.observed();
        Optional<Identity> identity = exchange.identity();
        int tries = observed.backendTries();
        return new RequestObservation(
                exchange.now(),
                exchange.requestId() == null ? "" : exchange.requestId(),
                exchange.request().stage(),
                exchange.request().method(),
                exchange.request().path(),
                exchange.request().sourceIp(),
                exchange.routeIfMatched().map(RouteMatch::name),
                observed.credential(),
                identity.map(Identity::credentialId),
                identity.map(Identity::consumer),
                response.status(),
                observed.problem(),
                observed.outcomes(),
                Duration.ofNanos(nanos),
                tries == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(observed.backendNanos())),
                Math.max(0, tries - 1),
                observed.circuit(),
                observed.circuitChanges(),
                exchange.trace().traceId());
    }
}
