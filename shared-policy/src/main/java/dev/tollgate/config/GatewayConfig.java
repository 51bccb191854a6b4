package dev.tollgate.config;

import dev.tollgate.policy.auth.apikey.ApiKeyConfig;
import dev.tollgate.policy.auth.jwt.JwtConfig;
import dev.tollgate.policy.cors.CorsConfig;
import dev.tollgate.policy.ip.IpAccessConfig;
import dev.tollgate.policy.route.RouteConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated configuration: every reference resolves, every value is in range.
 * Made only by {@link ConfigLoader}.
 *
 * @param stages  the stages by name, in file order
 * @param plans   the plans by name, in file order
 * @param apiKeys the API keys the file declares
 * @param routes  the routes, in file order
 * @param cors    the CORS rules, if browsers may call the API
 * @param ipAccess the address rules of every route that has none of its own
 * @param jwt      the trusted JWT issuers
 */
public record GatewayConfig(
        Map<String, StageConfig> stages,
        Map<String, PlanConfig> plans,
        List<ApiKeyConfig> apiKeys,
        List<RouteConfig> routes,
        Optional<CorsConfig> cors,
        IpAccessConfig ipAccess,
        JwtConfig jwt) {

    public GatewayConfig {
        stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages));
        plans = Collections.unmodifiableMap(new LinkedHashMap<>(plans));
        apiKeys = List.copyOf(apiKeys);
        routes = List.copyOf(routes);
    }

    /** The same configuration with other JWT issuers. */
    public GatewayConfig withJwt(JwtConfig replacement) {
        return new GatewayConfig(stages, plans, apiKeys, routes, cors, ipAccess, replacement);
    }

    public Optional<StageConfig> stage(String name) {
        return Optional.ofNullable(stages.get(name));
    }

    public Optional<PlanConfig> plan(String name) {
        return Optional.ofNullable(plans.get(name));
    }
}
