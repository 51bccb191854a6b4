package dev.tollgate.policy.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.policy.auth.AuthConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the route policy puts on the exchange: a configured route, or the gateway's usage endpoint. */
class RouteMatchTest {

    private final GatewayConfig config = ConfigLoader.parse("""
            stages:
              dev: {}
            plans:
              free: {quota: {limit: 100, period: day}}
            jwt:
              issuers:
                idp: {issuer: "https://login.example.com/", jwksUri: "http://127.0.0.1:1/jwks.json", audiences: [api], plan: free}
            routes:
              - {path: "/orders/{id}", methods: [GET], backend: "http://127.0.0.1:1", auth: {jwt: [idp], scopes: [orders:read]}}
            """, "test.yaml");
    private final RouteHandler usage = exchange -> GatewayResponse.json(200, "{}");
    private final RoutePolicy policy = new RoutePolicy(config.stages().keySet(), config.routes(),
            AuthConfig.anyCredential(config.jwt().issuers().keySet()), usage);

    @Test
    void aRoutesPath_isAConfiguredMatch_carryingTheRoutesCredentials() {
        RouteMatch match = matched("/orders/7");

        assertThat(match).isInstanceOf(RouteMatch.Configured.class);
        assertThat(((RouteMatch.Configured) match).route()).isSameAs(config.routes().get(0));
        assertThat(match.name()).isEqualTo("GET /orders/{id}");
        assertThat(match.pathParameters()).isEqualTo(Map.of("id", "7"));
        assertThat(match.auth()).isSameAs(config.routes().get(0).auth());
        assertThat(match.metered()).isTrue();
    }

    @Test
    void theUsagePath_isAGatewayEndpoint_unmetered_takingAnyCredentialTheFileConfigures() {
        RouteMatch match = matched(RoutePolicy.USAGE_PATH);

        assertThat(match).isInstanceOf(RouteMatch.GatewayEndpoint.class);
        assertThat(((RouteMatch.GatewayEndpoint) match).handler()).isSameAs(usage);
        assertThat(match.name()).isEqualTo("GET /_tollgate/usage");
        assertThat(match.pathParameters()).isEmpty();
        assertThat(match.metered()).isFalse();
        assertThat(match.auth()).isEqualTo(new AuthConfig(false, true, List.of("idp"),
                Set.of(), Map.of()));
    }

    private RouteMatch matched(String path) {
        Exchange exchange = new Exchange(new GatewayRequest("GET", path, "", Headers.empty(), null, "198.51.100.7",
                "https", "dev", Map.of()), Instant.EPOCH);
        policy.apply(exchange, e -> GatewayResponse.json(204, "{}"));
        return exchange.route();
    }
}
