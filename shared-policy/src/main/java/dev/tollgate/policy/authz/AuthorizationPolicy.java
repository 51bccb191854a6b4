package dev.tollgate.policy.authz;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.http.Headers;
import dev.tollgate.observe.Outcome;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.pipeline.Policy;
import dev.tollgate.pipeline.PolicyChain;
import dev.tollgate.policy.auth.AuthConfig;
import dev.tollgate.policy.auth.AuthenticationPolicy;
import dev.tollgate.policy.auth.Identity;
import dev.tollgate.problem.AccessDeniedException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses, with 403, an authenticated caller whose token lacks a scope or claim the route requires.
 * A missing scope gets the {@code insufficient_scope} challenge of RFC 6750, naming the scopes needed.
 */
public final class AuthorizationPolicy implements Policy {

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        AuthConfig auth = exchange.route().auth();
        Identity identity = exchange.identity().orElse(null);
        if (identity == null || !auth.needsGrants()) {
            return next.proceed(exchange);
        }
        Set<String> missing = new TreeSet<>(auth.scopes());
        missing.removeAll(identity.scopes());
        if (!missing.isEmpty()) {
            exchange.observed().outcome(Outcome.AUTH_FAILURE);
            String needed = String.join(" ", new TreeSet<>(auth.scopes()));
            throw new AccessDeniedException("The token lacks the scope" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + " that this route needs.",
                    Headers.builder().set(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"" + AuthenticationPolicy.REALM
                            + "\", error=\"insufficient_scope\", scope=\""
                            + needed + "\"").build());
        }
        for (Map.Entry<String, List<String>> required : new java.util.TreeMap<>(auth.claims()).entrySet()) {
            if (!matches(identity.claims().get(required.getKey()), required.getValue())) {
                exchange.observed().outcome(Outcome.AUTH_FAILURE);
                throw new AccessDeniedException("The token's " + required.getKey() + " claim does not allow this route"
                        + " (expected: " + String.join(" or ", required.getValue()) + ").");
            }
        }
        return next.proceed(exchange);
    }

    /** A text claim equal to one of the values, or a list claim that contains one. */
    private static boolean matches(Object claim, List<String> values) {
        if (claim instanceof List<?> list) {
            return list.stream().anyMatch(item -> values.contains(String.valueOf(item)));
        }
        return claim != null && values.contains(String.valueOf(claim));
    }
}
