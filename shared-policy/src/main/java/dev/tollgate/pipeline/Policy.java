package dev.tollgate.pipeline;

import dev.tollgate.http.GatewayResponse;

/**
 * One step of the request path. A policy either answers (usually by throwing a
 * {@link dev.tollgate.problem.GatewayException}) or hands the exchange on and may change the answer.
 */
@FunctionalInterface
public interface Policy {
    GatewayResponse apply(Exchange exchange, PolicyChain next);
}
