package dev.tollgate.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ConfigProblem;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.testing.ProblemAssertions;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A route's header rules and path rewrites, through the gateway to a real backend. */
class ForwardingRulesTest {

    private static final String CONFIG = TestGateways.keyedDev("b", "%s") + """
            routes:
              - path: /api/orders/{id}
                methods: [GET]
                backend: ${stageVariables.b}
                stripPrefix: /api
                requestHeaders:
                  set: {x-tenant: acme}
                  add: {x-trace-tag: gateway}
                  remove: [cookie]
                responseHeaders:
                  set: {cache-control: no-store}
                  remove: [x-backend]
              - path: /legacy/{id}
                methods: [GET]
                backend: %s/base
                targetPath: /v2/orders/{id}/detail
            """;

    private final TestBackend backend = new TestBackend();

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void headerRules_changeWhatTheBackendGetsAndWhatTheCallerGets() {
        GatewayResponse response = gateway().handle(request("/api/orders/7", Headers.builder()
                .set("cookie", "session=1").set("x-tenant", "spoofed").set("x-trace-tag", "caller")));

        TestBackend.Received received = backend.received().get(0);
        assertThat(received.header("x-tenant")).isEqualTo("acme");
        assertThat(received.headers().get("x-trace-tag")).containsExactly("caller", "gateway");
        assertThat(received.header("cookie")).isNull();
        assertThat(received.header("x-request-id")).isNotNull();
        assertThat(response.headers().first("cache-control")).contains("no-store");
        assertThat(response.headers().contains("x-backend")).isFalse();
    }

    @Test
    void aRuleValue_ofAStageVariable_sendsTheRequestsValue_andWithoutOne_isA502NamingTheVariable() throws Exception {
        Gateway gateway = TestGateways.from(CONFIG.formatted(backend.url(), backend.url())
                .replace("set: {x-tenant: acme}", "set: {x-tenant: acme, x-backend-token: \"${stageVariables.backendToken}\"}"));

        gateway.handle(new GatewayRequest("GET", "/api/orders/7", "", Headers.builder().set("x-api-key", "dev-secret-key").build(),
                null, "192.0.2.1", "https", "dev", Map.of("backendToken", "s3cret-token")));
        GatewayResponse missing = gateway.handle(request("/api/orders/7", Headers.builder()));

        assertThat(backend.received()).singleElement().satisfies(received ->
                assertThat(received.header("x-backend-token")).isEqualTo("s3cret-token"));
        ProblemAssertions.assertProblem(missing, 502, "urn:tollgate:problem:bad-gateway", "Stage dev has no stage variable"
                + " backendToken, whose value the route sends in the header x-backend-token; set it.");
    }

    @Test
    void aRuleValue_withAVariableInsideOtherText_isRefused() {
        String text = CONFIG.formatted(backend.url(), backend.url())
                .replace("set: {x-tenant: acme}", "set: {x-tenant: \"Bearer ${stageVariables.token}\"}");

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().stream().map(ConfigProblem::toString))
                        .containsExactly("t.yaml:13: routes[0].requestHeaders.set.x-tenant: Bearer ${stageVariables.token}"
                                + " (expected: a literal value, or ${stageVariables.NAME} alone)"));
    }

    @Test
    void stripPrefix_removesTheLeadingSegments() {
        gateway().handle(request("/api/orders/7", Headers.builder()));

        assertThat(backend.received().get(0).pathAndQuery()).isEqualTo("/orders/7?x=1");
    }

    @Test
    void targetPath_mapsWithTheTemplatesParameters() {
        gateway().handle(request("/legacy/42", Headers.builder()));

        assertThat(backend.received().get(0).pathAndQuery()).isEqualTo("/base/v2/orders/42/detail?x=1");
    }

    @Test
    void badRules_areNamed() {
        String text = CONFIG.formatted(backend.url(), backend.url())
                .replace("set: {x-tenant: acme}", "set: {x-forwarded-for: 1.2.3.4}")
                .replace("stripPrefix: /api", "stripPrefix: /ap")
                .replace("targetPath: /v2/orders/{id}/detail", "targetPath: /v2/{orderId}");

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().stream().map(ConfigProblem::toString))
                        .containsExactly(
                                "t.yaml:13: routes[0].requestHeaders.set.x-forwarded-for: a header the gateway manages itself"
                                        + " (expected: none of connection, content-length,"
                                        + " expect, forwarded, host, keep-alive, proxy-authenticate, proxy-authorization, proxy-connection,"
                                        + " ratelimit-limit, ratelimit-remaining, ratelimit-reset, retry-after, te, traceparent,"
                                        + " tracestate, trailer, transfer-encoding, upgrade, x-amzn-trace-id, x-api-key,"
                                        + " x-forwarded-for, x-forwarded-host,"
                                        + " x-forwarded-proto, x-real-ip, x-request-id, nor x-tollgate-*, in any case, with _ or -)",
                                "t.yaml:11: routes[0].stripPrefix: /ap (expected: whole leading segments of the route's path"
                                        + " /api/orders/{id}, such as /api)",
                                "t.yaml:22: routes[1].targetPath: /v2/{orderId} (expected: only parameters of the route's path"
                                        + " /legacy/{id}; unknown: orderId)"));
    }

    private Gateway gateway() {
        return TestGateways.from(CONFIG.formatted(backend.url(), backend.url()));
    }

    private static GatewayRequest request(String path, Headers.Builder headers) {
        return new GatewayRequest("GET", path, "x=1", headers.set("x-api-key", "dev-secret-key").build(),
                null, "192.0.2.1", "https", "dev", Map.of());
    }
}
