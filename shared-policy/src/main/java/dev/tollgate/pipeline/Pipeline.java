package dev.tollgate.pipeline;

import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import java.time.Clock;
import java.util.List;

/**
 * Runs a request through the policies in order, then through the matched route's handler.
 * The order is given once, by {@link dev.tollgate.Gateway}.
 */
public final class Pipeline {

    private final List<Policy> policies;
    private final Clock clock;

    public Pipeline(List<Policy> policies, Clock clock) {
        this.policies = List.copyOf(policies);
        this.clock = clock;
    }

    public GatewayResponse handle(GatewayRequest request) {
        return proceed(new Exchange(request, clock.instant()), 0);
    }

    private GatewayResponse proceed(Exchange exchange, int index) {
        if (index == policies.size()) {
            return exchange.route().handler().handle(exchange);
        }
        return policies.get(index).apply(exchange, next -> proceed(next, index + 1));
    }
}
