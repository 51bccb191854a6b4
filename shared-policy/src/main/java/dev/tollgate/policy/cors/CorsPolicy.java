package dev.tollgate.policy.cors;

import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.pipeline.Policy;
import dev.tollgate.pipeline.PolicyChain;
import dev.tollgate.policy.route.RouteConfig;
import dev.tollgate.problem.AccessDeniedException;
import dev.tollgate.problem.GatewayException;
import dev.tollgate.problem.Problems;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * CORS: the gateway answers preflight requests itself (204, or 403 for an origin it does not
 * allow), and puts the CORS headers on every answer to an allowed origin, the problems the
 * gateway makes included, so that a browser can read why it was refused. With {@code *} the
 * headers go on every answer, Origin or not, so nothing varies; with listed origins every answer,
 * refusals included, says {@code Vary: Origin}, beside any {@code Vary} of the backend's, so that a
 * cache never hands one origin's answer to another. Without a {@code cors} section, nothing is
 * added and {@code OPTIONS} is routed like any other method.
 */
public final class CorsPolicy implements Policy {

    private static final String VARY = "vary";
    private static final String ORIGIN = "origin";

    private final Optional<CorsConfig> cors;
    private final String allowMethods;

    /**
     * @param cors   the file's CORS rules, if browsers may call the API
     * @param routes the routes, whose methods a preflight answer allows
     */
    public CorsPolicy(Optional<CorsConfig> cors, List<RouteConfig> routes) {
        this.cors = cors;
        Set<String> methods = new TreeSet<>();
        for (RouteConfig route : routes) {
            methods.addAll(route.methods());
        }
        this.allowMethods = String.join(", ", methods);
    }

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        if (cors.isEmpty()) {
            return next.proceed(exchange);
        }
        CorsConfig config = cors.get();
        GatewayRequest request = exchange.request();
        Optional<String> origin = request.headers().first(ORIGIN);
        boolean any = config.allowOrigins().contains(CorsConfig.ANY_ORIGIN);
        boolean preflight = origin.isPresent() && request.method().equals("OPTIONS")
                && request.headers().contains("access-control-request-method");
        GatewayResponse response;
        if (preflight && !config.allows(origin.get())) {
            response = Problems.answer(exchange, new AccessDeniedException("Origin " + origin.get() + " may not call this API."));
        } else if (preflight) {
            Headers.Builder headers = corsHeaders(config, origin.get())
                    .set("access-control-allow-methods", allowMethods)
                    .set("access-control-max-age", Long.toString(config.maxAgeSeconds()));
            setList(headers, "access-control-allow-headers", config.allowHeaders());
            response = new GatewayResponse(204, headers.build(), null);
        } else {
            response = proceedRenderingProblems(exchange, next);
            if (any || origin.isPresent() && config.allows(origin.get())) {
                Headers.Builder headers = corsHeaders(config, origin.orElse(CorsConfig.ANY_ORIGIN));
                setList(headers, "access-control-expose-headers", config.exposeHeaders());
                Headers cors = headers.build();
                response = response.withHeaders(h -> h.setAll(cors));
            }
        }
        return any ? response : varyOnOrigin(response);
    }

    /** A problem made further on is rendered here, so that it carries the CORS headers too. */
    private static GatewayResponse proceedRenderingProblems(Exchange exchange, PolicyChain next) {
        try {
            return next.proceed(exchange);
        } catch (GatewayException failure) {
            return Problems.answer(exchange, failure);
        }
    }

    private static Headers.Builder corsHeaders(CorsConfig config, String origin) {
        boolean any = config.allowOrigins().contains(CorsConfig.ANY_ORIGIN);
        Headers.Builder headers = Headers.builder()
                .set("access-control-allow-origin", any ? CorsConfig.ANY_ORIGIN : origin);
        if (config.allowCredentials()) {
            headers.set("access-control-allow-credentials", "true");
        }
        return headers;
    }

    /** A list-valued header, left out when the list is empty rather than sent empty. */
    private static void setList(Headers.Builder headers, String name, List<String> values) {
        if (!values.isEmpty()) {
            headers.set(name, String.join(", ", values));
        }
    }

    /** Adds {@code origin} to the answer's {@code Vary}, keeping what the backend listed there. */
    private static GatewayResponse varyOnOrigin(GatewayResponse response) {
        boolean listed = response.headers().all(VARY).stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::strip)
                .anyMatch(token -> token.equalsIgnoreCase(ORIGIN) || token.equals("*"));
        return listed ? response : response.withHeaders(h -> h.add(VARY, ORIGIN));
    }
}
