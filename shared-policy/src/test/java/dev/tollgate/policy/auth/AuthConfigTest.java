package dev.tollgate.policy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ConfigProblem;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.policy.auth.jwt.JwtIssuerConfig;
import dev.tollgate.policy.route.RouteConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code jwt} section and the routes' {@code auth}, {@code public} and {@code connectTimeout}: read, defaulted, and refused by name. */
class AuthConfigTest {

    private static final String BASE = """
            stages:
              dev: {variables: {aud: api-dev}}
              prod: {variables: {aud: api-prod}}
            plans:
              free: {quota: {limit: 10, period: day}}
            jwt:
              issuers:
                idp:
                  issuer: https://login.example.com/
                  audiences:
                    - ${stageVariables.aud}
                    - everyone
                  plan: free
            routes:
            """;

    @Test
    void issuerDefaults_andRouteCredentials_areRead() {
        GatewayConfig config = ConfigLoader.parse(BASE + """
                  - {path: /a, methods: [GET], backend: "http://a.internal"}
                  - {path: /b, methods: [GET], backend: "http://b.internal", auth: {jwt: [idp], scopes: [b:read], claims: {tenant: [acme, 7]}}}
                  - {path: /c, methods: [GET], backend: "http://c.internal", auth: {apiKey: true, jwt: [idp]}, timeout: 2s}
                  - {path: /d, methods: [GET], backend: "http://d.internal", public: true, connectTimeout: 250ms}
                """, "t.yaml");

        JwtIssuerConfig idp = config.jwt().issuer("idp").orElseThrow();
        assertThat(idp.jwksUri()).isEmpty();
        assertThat(idp.audiences()).containsExactly("${stageVariables.aud}", "everyone");
        assertThat(idp.algorithms()).containsExactly("RS256");
        assertThat(idp.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(idp.jwksRefreshInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(idp.jwksMaxAge()).isEqualTo(Duration.ofHours(1));
        assertThat(idp.consumerClaim()).isEqualTo("sub");
        assertThat(idp.planClaim()).isEmpty();
        assertThat(idp.maxTokenLifetime()).isEqualTo(Duration.ofHours(24));
        assertThat(config.jwt().tokenCacheSize()).isEqualTo(10_000);

        List<RouteConfig> routes = config.routes();
        assertThat(routes.get(0).auth()).isEqualTo(AuthConfig.API_KEY);
        assertThat(routes.get(1).auth()).isEqualTo(new AuthConfig(false, false, List.of("idp"), Set.of("b:read"),
                Map.of("tenant", List.of("acme", "7"))));
        assertThat(routes.get(2).auth()).isEqualTo(new AuthConfig(false, true, List.of("idp"), Set.of(), Map.of()));
        assertThat(routes.get(3).auth()).isEqualTo(AuthConfig.PUBLIC);
        assertThat(routes.get(0).connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(routes.get(2).connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(routes.get(3).connectTimeout()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void everyIssuerSetting_isRead() {
        GatewayConfig config = ConfigLoader.parse("""
                stages:
                  dev: {variables: {}}
                plans:
                  free: {quota: {limit: 10, period: day}}
                jwt:
                  tokenCacheSize: 0
                  issuers:
                    idp:
                      issuer: urn:example:idp
                      jwksUri: http://127.0.0.1:9000/jwks.json
                      audiences: [api]
                      algorithms: [RS256, ES256]
                      clockSkew: 0s
                      jwksRefreshInterval: 10s
                      jwksMaxAge: 2h
                      consumerClaim: client_id
                      maxTokenLifetime: 720h
                      plan: free
                      planClaim: https://example.com/plan
                routes:
                  - {path: /a, methods: [GET], backend: "http://a.internal"}
                """, "t.yaml");

        JwtIssuerConfig idp = config.jwt().issuer("idp").orElseThrow();
        assertThat(idp.jwksUri()).contains(URI.create("http://127.0.0.1:9000/jwks.json"));
        assertThat(idp.algorithms()).containsExactlyInAnyOrder("RS256", "ES256");
        assertThat(idp.clockSkew()).isZero();
        assertThat(idp.jwksRefreshInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(idp.jwksMaxAge()).isEqualTo(Duration.ofHours(2));
        assertThat(idp.consumerClaim()).isEqualTo("client_id");
        assertThat(idp.planClaim()).isEqualTo(Optional.of("https://example.com/plan"));
        assertThat(idp.maxTokenLifetime()).isEqualTo(Duration.ofDays(30));
        assertThat(config.jwt().tokenCacheSize()).isZero();
    }

    @Test
    void badIssuerSettings_areNamed() {
        String text = """
                stages:
                  dev: {variables: {aud: api-dev}}
                  prod: {variables: {}}
                plans:
                  free: {quota: {limit: 10, period: day}}
                jwt:
                  tokenCacheSize: -1
                  issuers:
                    idp:
                      issuer: login-service
                      audiences: ["${stageVariables.aud}"]
                      algorithms: [RS256, HS256, none]
                      clockSkew: 10m
                      jwksRefreshInterval: 2h
                      plan: gold
                      colour: blue
                routes:
                  - {path: /a, methods: [GET], backend: "http://a.internal", auth: {jwt: [idp]}}
                """;

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:7: jwt.tokenCacheSize: -1 (expected: a whole number from 0 to 1000000)",
                        "t.yaml:16: jwt.issuers.idp.colour: unknown field (expected one of: algorithms, audiences, clockSkew,"
                                + " consumerClaim, issuer, jwksMaxAge, jwksRefreshInterval, jwksUri, maxTokenLifetime, plan,"
                                + " planClaim)",
                        "t.yaml:10: jwt.issuers.idp.issuer: login-service (expected: an http(s) URL to discover the keys from,"
                                + " since jwksUri is not given)",
                        "t.yaml:11: jwt.issuers.idp.audiences[0]: ${stageVariables.aud} (expected: a variable every stage"
                                + " defines; stage prod does not define aud)",
                        "t.yaml:12: jwt.issuers.idp.algorithms[1]: HS256 (expected: one of ES256, ES384, ES512, PS256, PS384,"
                                + " PS512, RS256, RS384, RS512; never none or an HMAC algorithm)",
                        "t.yaml:12: jwt.issuers.idp.algorithms[2]: none (expected: one of ES256, ES384, ES512, PS256, PS384,"
                                + " PS512, RS256, RS384, RS512; never none or an HMAC algorithm)",
                        "t.yaml:13: jwt.issuers.idp.clockSkew: 10m (expected: a duration from 0s to 5m, such as 1m)",
                        "t.yaml:14: jwt.issuers.idp.jwksRefreshInterval: 2h (expected: a duration from 1s to 1h, such as 1m)",
                        "t.yaml:15: jwt.issuers.idp.plan: gold (expected: a plan defined in this file: free)"));
    }

    @Test
    void aMaxTokenLifetime_outsideOneMinuteTo720Hours_isNamed() {
        for (String lifetime : List.of("721h", "59s", "0s", "forever", "43201m")) {
            String text = BASE.replace("      plan: free\n", "      plan: free\n      maxTokenLifetime: " + lifetime + "\n")
                    + "  - {path: /a, methods: [GET], backend: \"http://a.internal\"}\n";

            assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                            "t.yaml:14: jwt.issuers.idp.maxTokenLifetime: " + lifetime
                                    + " (expected: a duration from 1m to 720h, such as 24h)"));
        }
    }

    @Test
    void twoIssuersWithOneIss_areRefused_sinceATokenNamesItsIssuerByIssAlone() {
        String text = BASE.replace("routes:\n", """
                    copy:
                      issuer: https://login.example.com/
                      audiences: [api]
                      plan: free
                routes:
                  - {path: /a, methods: [GET], backend: "http://a.internal"}
                """);

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:15: jwt.issuers.copy.issuer: https://login.example.com/ (expected: an iss no other issuer"
                                + " has; jwt.issuers.idp has it: give one entry a planClaim instead of two entries)"));
    }

    @Test
    void routeCredentials_thatCannotWork_areNamed() {
        String text = BASE + """
                  - path: /none
                    methods: [GET]
                    backend: http://a.internal
                    auth: {apiKey: false}
                  - path: /both
                    methods: [GET]
                    backend: http://a.internal
                    public: true
                    auth: {jwt: [idp]}
                  - path: /scoped-key
                    methods: [GET]
                    backend: http://a.internal
                    auth: {scopes: [orders:read]}
                  - path: /unknown
                    methods: [GET]
                    backend: http://a.internal
                    auth: {jwt: [okta], scopes: ["bad\\"scope"]}
                  - path: /slow
                    methods: [GET]
                    backend: http://a.internal
                    timeout: 1s
                    connectTimeout: 2s
                    requestHeaders: {set: {x-tollgate-consumer: me}}
                """;

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:18: routes[0].auth: no credentials (expected: apiKey: true, jwt issuers, or public: true"
                                + " on the route)",
                        "t.yaml:22: routes[1].public: true together with auth (expected: either public: true, or auth naming"
                                + " the credentials the route accepts)",
                        "t.yaml:27: routes[2].auth: scopes or claims with apiKey: true (expected: jwt issuers and"
                                + " apiKey: false, since API keys carry no scopes or claims)",
                        "t.yaml:31: routes[3].auth.jwt[0]: okta (expected: an issuer defined under jwt.issuers: idp)",
                        "t.yaml:31: routes[3].auth.scopes[0]: bad\"scope (expected: a scope such as orders:read)",
                        "t.yaml:37: routes[4].requestHeaders.set.x-tollgate-consumer: a header the gateway manages itself"
                                + " (expected: none of connection, content-length, expect, forwarded, host, keep-alive, proxy-authenticate,"
                                + " proxy-authorization, proxy-connection, ratelimit-limit, ratelimit-remaining, ratelimit-reset,"
                                + " retry-after, te, traceparent, tracestate, trailer, transfer-encoding, upgrade, x-amzn-trace-id, x-api-key, x-forwarded-for,"
                                + " x-forwarded-host, x-forwarded-proto, x-real-ip, x-request-id, nor x-tollgate-*, in any case, with _ or -)",
                        "t.yaml:36: routes[4].connectTimeout: 2s (expected: at most the route's timeout, 1s)"));
    }

    private static List<String> messages(ConfigException e) {
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }
}
