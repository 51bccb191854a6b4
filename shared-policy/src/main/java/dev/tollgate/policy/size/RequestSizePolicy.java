package dev.tollgate.policy.size;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.pipeline.Policy;
import dev.tollgate.pipeline.PolicyChain;
import dev.tollgate.policy.route.RouteConfig;
import dev.tollgate.policy.route.RouteMatch;
import dev.tollgate.problem.PayloadTooLargeException;

/**
 * Refuses a body larger than the route's {@code maxBodySize} with 413, before anything is
 * authenticated, counted or forwarded.
 */
public final class RequestSizePolicy implements Policy {

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        if (!(exchange.route() instanceof RouteMatch.Configured configured)) {
            return next.proceed(exchange);
        }
        RouteConfig route = configured.route();
        int size = exchange.request().body().length;
        if (size > route.maxBodyBytes()) {
            throw new PayloadTooLargeException("The request body is " + size + " bytes; this route takes at most "
                    + route.maxBodyBytes() + " bytes.");
        }
        return next.proceed(exchange);
    }
}
