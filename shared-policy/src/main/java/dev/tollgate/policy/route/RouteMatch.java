package dev.tollgate.policy.route;

import java.util.Map;

/**
 * The route a request matched.
 *
 * @param name           how the route is named in logs and headers, {@code GET /orders/{id}}
 * @param route          the route's configuration; null for the gateway's own endpoints
 * @param pathParameters the values of the template's parameters
 * @param handler        what answers the request once every policy has passed
 * @param metered        whether the request counts against the consumer's quota
 */
public record RouteMatch(String name, RouteConfig route, Map<String, String> pathParameters,
                         RouteHandler handler, boolean metered) {
}
