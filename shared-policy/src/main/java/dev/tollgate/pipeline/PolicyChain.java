package dev.tollgate.pipeline;

import dev.tollgate.http.GatewayResponse;

/** The rest of the pipeline, from the next policy to the route's handler. */
@FunctionalInterface
public interface PolicyChain {
    GatewayResponse proceed(Exchange exchange);
}
