package dev.tollgate.policy.route;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.pipeline.Exchange;

/** What answers one of the gateway's own endpoints at the end of the pipeline ({@link RouteHandlerPolicy}). */
@FunctionalInterface
public interface RouteHandler {
    GatewayResponse handle(Exchange exchange);
}
