package dev.tollgate.policy.route;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.pipeline.Policy;
import dev.tollgate.pipeline.PolicyChain;

/**
 * The last step of the request path: a configured route's request is forwarded to its backend,
 * a gateway endpoint answers itself. Nothing comes after it.
 */
public final class RouteHandlerPolicy implements Policy {

    /** Sends a configured route's request to its backend and brings the answer back. */
    @FunctionalInterface
    public interface Forwarder {
        GatewayResponse forward(Exchange exchange, RouteMatch.Configured match);
    }

    private final Forwarder forwarder;

    public RouteHandlerPolicy(Forwarder forwarder) {
        this.forwarder = forwarder;
    }

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        RouteMatch match = exchange.route();
        if (match instanceof RouteMatch.Configured configured) {
            return forwarder.forward(exchange, configured);
        }
        return ((RouteMatch.GatewayEndpoint) match).handler().handle(exchange);
    }
}
