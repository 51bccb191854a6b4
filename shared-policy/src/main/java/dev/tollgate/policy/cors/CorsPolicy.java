package dev.tollgate.policy.cors;

import dev.tollgate.config.GatewayConfig;
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
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * CORS: the gateway answers preflight requests itself (204, or 403 for an origin it does not
 * allow), and puts the CORS headers on every answer to an allowed origin, the problems the
 * gateway makes included, so that a browser can read why it was refused. Without a {@code cors}
 * section, nothing is added and {@code OPTIONS} is routed like any other method.
 */
public final class CorsPolicy implements Policy {

    private final Optional<CorsConfig> cors;
    private final String allowMethods;

    public CorsPolicy(GatewayConfig config) {
        this.cors = config.cors();
        Set<String> methods = new TreeSet<>();
        for (RouteConfig route : config.routes()) {
            methods.addAll(route.methods());
        }
        this.allowMethods = String.join(", ", methods);
    }

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        GatewayRequest request = exchange.request();
        Optional<String> origin = request.headers().first("origin");
        if (cors.isEmpty() || origin.isEmpty()) {
            return next.proceed(exchange);
        }
        CorsConfig config = cors.get();
        boolean preflight = request.method().equals("OPTIONS") && request.headers().contains("access-control-request-method");
        if (preflight) {
            if (!config.allows(origin.get())) {
                throw new AccessDeniedException("Origin " + origin.get() + " may not call this API.");
            }
            return new GatewayResponse(204, corsHeaders(config, origin.get())
                    .set("access-control-allow-methods", allowMethods)
                    .set("access-control-allow-headers", String.join(", ", config.allowHeaders()))
                    .set("access-control-max-age", Long.toString(config.maxAgeSeconds()))
                    .build(), null);
        }
        GatewayResponse response = proceedRenderingProblems(exchange, next);
        if (!config.allows(origin.get())) {
            return response.withHeaders(h -> h.add("vary", "origin"));
        }
        Headers headers = corsHeaders(config, origin.get())
                .set("access-control-expose-headers", String.join(", ", config.exposeHeaders()))
                .build();
        return response.withHeaders(h -> h.setAll(headers));
    }

    /** A problem made further on is rendered here, so that it carries the CORS headers too. */
    private static GatewayResponse proceedRenderingProblems(Exchange exchange, PolicyChain next) {
        try {
            return next.proceed(exchange);
        } catch (GatewayException failure) {
            exchange.observed().problem(failure.type());
            return Problems.render(failure, exchange.requestId(), exchange.request().path());
        }
    }

    private static Headers.Builder corsHeaders(CorsConfig config, String origin) {
        boolean any = config.allowOrigins().contains(CorsConfig.ANY_ORIGIN);
        Headers.Builder headers = Headers.builder()
                .set("access-control-allow-origin", any ? CorsConfig.ANY_ORIGIN : origin);
        if (!any) {
            headers.set("vary", "origin");
        }
        if (config.allowCredentials()) {
            headers.set("access-control-allow-credentials", "true");
        }
        return headers;
    }
}
