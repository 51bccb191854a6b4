package dev.tollgate.policy.ip;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.pipeline.Policy;
import dev.tollgate.pipeline.PolicyChain;
import dev.tollgate.policy.route.RouteMatch;
import dev.tollgate.problem.AccessDeniedException;

/**
 * Refuses callers whose address the route's (or else the file's) {@code ipAccess} rules do not
 * permit, with 403. The address is the one the platform saw, never {@code X-Forwarded-For}, which a
 * caller can write.
 */
public final class IpAccessPolicy implements Policy {

    private final IpAccessConfig defaults;

    public IpAccessPolicy(IpAccessConfig defaults) {
        this.defaults = defaults;
    }

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        IpAccessConfig rules = exchange.route() instanceof RouteMatch.Configured configured
                ? configured.route().ipAccess().orElse(defaults) : defaults;
        String address = exchange.request().sourceIp();
        if (!rules.permits(address)) {
            throw new AccessDeniedException("Requests from " + address + " are not allowed here.");
        }
        return next.proceed(exchange);
    }
}
