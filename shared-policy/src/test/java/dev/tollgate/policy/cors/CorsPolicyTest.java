package dev.tollgate.policy.cors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ConfigProblem;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CorsPolicyTest {

    private static final String CONFIG = TestGateways.keyedDev("ordersBackend", "%s") + """
            routes:
              - {path: /orders, methods: [GET, POST], backend: "${stageVariables.ordersBackend}"}
              - {path: "/orders/{id}", methods: [PUT], backend: "${stageVariables.ordersBackend}"}
            """;

    private final TestBackend backend = new TestBackend();

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void aPreflight_fromAnAllowedOrigin_isAnsweredByTheGateway_withoutAKey() {
        Gateway gateway = gateway("cors: {allowOrigins: [\"https://app.example.com\"], maxAge: 300}");

        GatewayResponse response = gateway.handle(request("OPTIONS", null, "https://app.example.com",
                Headers.builder().set("access-control-request-method", "POST")));

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.headers().first("access-control-allow-origin")).contains("https://app.example.com");
        assertThat(response.headers().first("access-control-allow-methods")).contains("GET, POST, PUT");
        assertThat(response.headers().first("access-control-allow-headers")).contains("authorization, content-type, x-api-key, x-request-id");
        assertThat(response.headers().first("access-control-max-age")).contains("300");
        assertThat(response.headers().first("vary")).contains("origin");
        assertThat(response.headers().first("x-request-id")).isPresent();
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aPreflight_fromAnotherOrigin_is403() {
        Gateway gateway = gateway("cors: {allowOrigins: [\"https://app.example.com\"]}");

        GatewayResponse response = gateway.handle(request("OPTIONS", null, "https://evil.example.net",
                Headers.builder().set("access-control-request-method", "GET")));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.bodyAsString()).contains("Origin https://evil.example.net may not call this API.");
        assertThat(response.headers().contains("access-control-allow-origin")).isFalse();
        assertThat(response.headers().all("vary")).as("a cache must not hand this refusal to an allowed origin").contains("origin");
    }

    @Test
    void everyAnswer_varyingWithTheOrigin_saysSo_besideTheBackendsVary() {
        backend.answerHeader("vary", "accept-encoding");
        Gateway gateway = gateway("cors: {allowOrigins: [\"https://app.example.com\"]}");

        GatewayResponse allowed = gateway.handle(request("GET", "dev-secret-key", "https://app.example.com", Headers.builder()));
        GatewayResponse other = gateway.handle(request("GET", "dev-secret-key", "https://evil.example.net", Headers.builder()));
        GatewayResponse none = gateway.handle(request("GET", "dev-secret-key", null, Headers.builder()));
        GatewayResponse problem = gateway.handle(request("GET", null, null, Headers.builder()));

        assertThat(allowed.headers().all("vary")).containsExactlyInAnyOrder("accept-encoding", "origin");
        assertThat(other.headers().all("vary")).containsExactlyInAnyOrder("accept-encoding", "origin");
        assertThat(none.headers().all("vary")).as("without an Origin the answer lacks the CORS headers it would have with one")
                .containsExactlyInAnyOrder("accept-encoding", "origin");
        assertThat(problem.status()).isEqualTo(401);
        assertThat(problem.headers().all("vary")).containsExactly("origin");
    }

    @Test
    void theDefaultExposedHeaders_letAScriptReadWhyItWasRefused_andWhenToComeBack() {
        Gateway gateway = gateway("cors: {allowOrigins: [\"https://app.example.com\"]}");

        GatewayResponse response = gateway.handle(request("GET", null, "https://app.example.com", Headers.builder()));

        assertThat(response.headers().first("access-control-expose-headers")).contains(
                "x-request-id, www-authenticate, allow, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset");
    }

    @Test
    void gatewayMadeErrors_carryTheCorsHeaders_soABrowserCanReadThem() {
        Gateway gateway = gateway("cors: {allowOrigins: [\"https://app.example.com\"], allowCredentials: true}");

        GatewayResponse unauthorized = gateway.handle(request("GET", null, "https://app.example.com", Headers.builder()));

        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.headers().first("access-control-allow-origin")).contains("https://app.example.com");
        assertThat(unauthorized.headers().first("access-control-allow-credentials")).contains("true");
        assertThat(unauthorized.headers().first("access-control-expose-headers")).hasValueSatisfying(
                exposed -> assertThat(exposed.split(", ")).contains("www-authenticate", "x-request-id"));
        assertThat(unauthorized.headers().first("content-type")).contains("application/problem+json");
    }

    @Test
    void anyOrigin_getsTheWildcard_withoutVary() {
        Gateway gateway = gateway("cors: {allowOrigins: [\"*\"]}");

        GatewayResponse response = gateway.handle(request("GET", "dev-secret-key", "https://anyone.example", Headers.builder()));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().first("access-control-allow-origin")).contains("*");
        assertThat(response.headers().contains("vary")).isFalse();
    }

    @Test
    void emptyLists_leaveTheirHeadersOut_ratherThanSendThemEmpty() {
        Gateway gateway = gateway("cors: {allowOrigins: [\"https://app.example.com\"], allowHeaders: [], exposeHeaders: []}");

        GatewayResponse preflight = gateway.handle(request("OPTIONS", null, "https://app.example.com",
                Headers.builder().set("access-control-request-method", "GET")));
        GatewayResponse answer = gateway.handle(request("GET", "dev-secret-key", "https://app.example.com", Headers.builder()));

        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.headers().contains("access-control-allow-headers")).isFalse();
        assertThat(answer.headers().first("access-control-allow-origin")).contains("https://app.example.com");
        assertThat(answer.headers().contains("access-control-expose-headers")).isFalse();
    }

    @Test
    void anyOrigin_getsTheSameHeaders_withOrWithoutAnOrigin_soNothingVaries() {
        GatewayResponse noOrigin = gateway("cors: {allowOrigins: [\"*\"]}").handle(request("GET", "dev-secret-key", null, Headers.builder()));

        assertThat(noOrigin.headers().first("access-control-allow-origin")).contains("*");
        assertThat(noOrigin.headers().first("access-control-expose-headers")).isPresent();
        assertThat(noOrigin.headers().contains("vary")).isFalse();
    }

    @Test
    void withoutACorsSection_nothingIsAdded() {
        GatewayResponse noSection = gateway("").handle(request("GET", "dev-secret-key", "https://app.example.com", Headers.builder()));

        assertThat(noSection.headers().contains("access-control-allow-origin")).isFalse();
        assertThat(noSection.headers().contains("vary")).isFalse();
    }

    @Test
    void badCorsSettings_areNamed() {
        String config = CONFIG.formatted(backend.url())
                + "cors:\n  allowOrigins: [\"*\", \"app.example.com/x\"]\n  allowCredentials: true\n  maxAge: 100000\n";

        assertThatThrownBy(() -> ConfigLoader.parse(config, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().stream().map(ConfigProblem::toString))
                        .containsExactly(
                                "t.yaml:11: cors.allowOrigins[1]: app.example.com/x (expected: an origin such as"
                                        + " https://app.example.com (scheme, host, optional port, no path), or *)",
                                "t.yaml:12: cors.allowCredentials: true (expected: false while allowOrigins has *, which"
                                        + " browsers refuse with credentials; list the origins instead)",
                                "t.yaml:13: cors.maxAge: 100000 (expected: whole seconds from 0 to 86400)"));
    }

    private Gateway gateway(String cors) {
        return TestGateways.from(CONFIG.formatted(backend.url()) + cors);
    }

    private static GatewayRequest request(String method, String key, String origin, Headers.Builder headers) {
        if (key != null) {
            headers.set("x-api-key", key);
        }
        if (origin != null) {
            headers.set("origin", origin);
        }
        return new GatewayRequest(method, "/orders", "", headers.build(), null, "192.0.2.1", "https", "dev", Map.of());
    }
}
