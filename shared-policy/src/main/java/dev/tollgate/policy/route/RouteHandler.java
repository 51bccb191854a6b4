package dev.tollgate.policy.route;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.pipeline.Exchange;

/** What answers a request at the end of the pipeline: the forwarder, or one of the gateway's own endpoints. */
@FunctionalInterface
public interface RouteHandler {
    GatewayResponse handle(Exchange exchange);
}
