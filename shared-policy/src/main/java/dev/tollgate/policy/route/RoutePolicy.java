package dev.tollgate.policy.route;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.pipeline.Policy;
import dev.tollgate.pipeline.PolicyChain;
import dev.tollgate.policy.auth.AuthConfig;
import dev.tollgate.problem.BadRequestException;
import dev.tollgate.problem.MethodNotAllowedException;
import dev.tollgate.problem.RouteNotFoundException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the route for the request's stage, method and path: 404 when no route has the path, 405
 * (with {@code Allow}) when routes have it for other methods. Literal segments beat parameters. A
 * path with a dot segment, an encoded separator or a malformed escape ({@link PathTemplate#unroutableSegment}) is 400,
 * whatever the routes.
 */
public final class RoutePolicy implements Policy {

    /** The gateway's own usage endpoint, under every stage. */
    public static final String USAGE_PATH = "/_tollgate/usage";

    private final Set<String> stages;
    private final List<Candidate> candidates;
    private final RouteMatch.GatewayEndpoint usage;

    /**
     * @param stages    the stages the file configures
     * @param routes    the validated routes, in file order
     * @param usageAuth the credentials {@link #USAGE_PATH} accepts
     * @param usage     answers {@link #USAGE_PATH}
     */
    public RoutePolicy(Set<String> stages, List<RouteConfig> routes, AuthConfig usageAuth, RouteHandler usage) {
        this.stages = Set.copyOf(stages);
        this.usage = new RouteMatch.GatewayEndpoint("GET " + USAGE_PATH, usageAuth, usage);
        List<Candidate> list = new ArrayList<>();
        for (RouteConfig route : routes) {
            PathTemplate template = PathTemplate.parse(route.path()).orElseThrow();
            list.add(new Candidate(template, route));
        }
        list.sort(Comparator.comparingInt((Candidate c) -> c.template.literalCount()).reversed());
        this.candidates = List.copyOf(list);
    }

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        exchange.route(match(exchange));
        return next.proceed(exchange);
    }

    private RouteMatch match(Exchange exchange) {
        String stage = exchange.request().stage();
        String method = exchange.request().method();
        String path = exchange.request().path();
        if (!stages.contains(stage)) {
            throw new RouteNotFoundException("Stage " + stage + " is not configured.");
        }
        Optional<String> unroutable = PathTemplate.unroutableSegment(path);
        if (unroutable.isPresent()) {
            throw new BadRequestException("The path segment " + unroutable.get() + " is refused: a segment may not be . or ..,"
                    + " encoded or not, nor hold an encoded / or \\ (%2F, %5C) or a % without two hex digits.", null);
        }
        if (path.equals(USAGE_PATH)) {
            if (!method.equals("GET")) {
                throw new MethodNotAllowedException(method, Set.of("GET"));
            }
            return usage;
        }
        Set<String> allowed = new TreeSet<>();
        for (Candidate candidate : candidates) {
            Optional<Map<String, String>> parameters = candidate.template.match(path);
            if (parameters.isEmpty()) {
                continue;
            }
            if (candidate.route.methods().contains(method)) {
                return new RouteMatch.Configured(method + " " + candidate.route.path(), candidate.route,
                        parameters.get());
            }
            allowed.addAll(candidate.route.methods());
        }
        if (!allowed.isEmpty()) {
            throw new MethodNotAllowedException(method, allowed);
        }
        throw new RouteNotFoundException("No route matches " + method + " " + path + " on stage " + stage + ".");
    }

    private record Candidate(PathTemplate template, RouteConfig route) {
    }
}
