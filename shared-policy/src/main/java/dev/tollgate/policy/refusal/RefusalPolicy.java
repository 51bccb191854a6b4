package dev.tollgate.policy.refusal;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.pipeline.Policy;
import dev.tollgate.pipeline.PolicyChain;

/**
 * Gives the answer the adapter decided ({@link dev.tollgate.http.GatewayRequest#refusal()}), if any;
 * otherwise hands the request on. It runs after the request id and CORS policies, so the adapter needs
 * no exception mapper of its own.
 */
public final class RefusalPolicy implements Policy {

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        if (exchange.request().refusal() != null) {
            throw exchange.request().refusal();
        }
        return next.proceed(exchange);
    }
}
