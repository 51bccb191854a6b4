package dev.tollgate.policy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.PlanConfig;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.http.Headers;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.ApiKeyAuthenticator;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import dev.tollgate.policy.auth.jwt.JwtAuthenticator;
import dev.tollgate.policy.route.RouteMatch;
import dev.tollgate.testing.InMemoryJwksSource;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The caller's plan is resolved once, by authentication, and carried on the exchange. */
class AuthenticationPlanTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:10:00Z");

    private final GatewayConfig config = ConfigLoader.parse("""
            stages:
              dev: {}
            plans:
              trial: {quota: {limit: 100, period: day}}
              gold: {quota: {limit: 1000, period: day}}
            routes:
              - {path: /orders, methods: [GET], backend: "http://127.0.0.1:1"}
            """, "test.yaml");
    private final Map<String, ApiKey> keys = Map.of(
            ApiKeyHash.sha256Hex("tg_gold"), new ApiKey("key_g", "alice", "dev", "gold"),
            ApiKeyHash.sha256Hex("tg_lost"), new ApiKey("key_l", "bob", "dev", "platinum"));
    private final AuthenticationPolicy policy = new AuthenticationPolicy(config.plans(),
            new ApiKeyAuthenticator(hash -> Optional.ofNullable(keys.get(hash))),
            new JwtAuthenticator(config.jwt(), config.plans().keySet(), new InMemoryJwksSource()));

    @Test
    void anApiKeysPlan_isOnTheExchange_forEveryLaterPolicy() {
        Exchange exchange = exchange("tg_gold");

        policy.apply(exchange, e -> GatewayResponse.json(200, "{}"));

        PlanConfig plan = exchange.plan().orElseThrow();
        assertThat(plan).isSameAs(config.plans().get("gold"));
    }

    @Test
    void aKeyNamingAPlanTheFileLacks_failsAtAuthentication_beforeAnyLaterPolicy() {
        Exchange exchange = exchange("tg_lost");

        assertThatThrownBy(() -> policy.apply(exchange, e -> {
            throw new AssertionError("a later policy ran");
        })).isInstanceOf(IllegalStateException.class)
                .hasMessage("key key_l names plan platinum, which the configuration does not define");
        assertThat(exchange.plan()).isEmpty();
    }

    private Exchange exchange(String key) {
        Exchange exchange = new Exchange(new GatewayRequest("GET", "/orders", "",
                Headers.builder().set(HeaderNames.API_KEY, key).build(), null, "198.51.100.7", "https", "dev", Map.of()),
                NOW);
        exchange.route(new RouteMatch.Configured("GET /orders", config.routes().get(0), Map.of()));
        return exchange;
    }
}
