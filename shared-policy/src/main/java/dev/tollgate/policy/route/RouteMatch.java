package dev.tollgate.policy.route;

import dev.tollgate.policy.auth.AuthConfig;
import java.util.Map;
import java.util.Objects;

/**
 * What a request matched: one of the file's routes, or one of the gateway's own endpoints (the
 * usage endpoint). Each carries what the policies after the match ask of it, the credentials it
 * accepts among them, so no policy needs the whole configuration.
 */
public sealed interface RouteMatch {

    /** How the match is named in logs and headers, {@code GET /orders/{id}}. */
    String name();

    /** The values of the template's parameters; none for a gateway endpoint. */
    Map<String, String> pathParameters();

    /** Which credentials the match accepts and what they must grant. */
    AuthConfig auth();

    /** Whether the request counts against the consumer's rate limits and quotas. */
    boolean metered();

    /**
     * A route of the file: metered, and answered by forwarding to its backend.
     *
     * @param route the route's configuration
     */
    record Configured(String name, RouteConfig route, Map<String, String> pathParameters) implements RouteMatch {

        public Configured {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(route, "route");
            pathParameters = Map.copyOf(pathParameters);
        }

        @Override
        public AuthConfig auth() {
            return route.auth();
        }

        @Override
        public boolean metered() {
            return true;
        }
    }

    /**
     * One of the gateway's own endpoints: answered by the gateway, counted against nothing, and
     * without a route's settings (address rules are the file's, the body size is not bounded).
     *
     * @param auth    the credentials it accepts
     * @param handler what answers it
     */
    record GatewayEndpoint(String name, AuthConfig auth, RouteHandler handler) implements RouteMatch {

        public GatewayEndpoint {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(auth, "auth");
            Objects.requireNonNull(handler, "handler");
        }

        @Override
        public Map<String, String> pathParameters() {
            return Map.of();
        }

        @Override
        public boolean metered() {
            return false;
        }
    }
}
