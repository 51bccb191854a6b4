package dev.tollgate.policy.route;

import static dev.tollgate.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which route a request matches, or why none does, through the pipeline with a real HTTP backend. */
class RoutePolicyTest {

    private static final String CONFIG = """
            stages:
              dev:
                variables: {ordersBackend: "%s", latestBackend: "%s"}
            plans:
              free: {quota: {limit: 100, period: hour}}
            apiKeys:
              - {id: dev-key, value: dev-secret-key, consumer: alice, stage: dev, plan: free}
            routes:
              - {path: /orders, methods: [GET, POST], backend: "${stageVariables.ordersBackend}"}
              - {path: "/orders/{id}", methods: [GET], backend: "${stageVariables.ordersBackend}"}
              - {path: /orders/latest, methods: [GET], backend: "${stageVariables.latestBackend}"}
            """;

    private final TestBackend backend = new TestBackend();
    private final TestBackend latest = new TestBackend();
    private final Gateway gateway = TestGateways.from(CONFIG.formatted(backend.url(), latest.url()));

    @AfterEach
    void tearDown() {
        backend.close();
        latest.close();
    }

    @Test
    void aPathNoRouteHas_is404() throws Exception {
        assertProblem(gateway.handle(Requests.get("/nothing").key("dev-secret-key").build()), 404,
                "urn:tollgate:problem:route-not-found", "No route matches GET /nothing on stage dev.");
    }

    @Test
    void aMethodTheRouteDoesNotTake_is405_withAllow() throws Exception {
        GatewayResponse notAllowed = gateway.handle(Requests.request("DELETE", "/orders").key("dev-secret-key").build());

        assertProblem(notAllowed, 405, "urn:tollgate:problem:method-not-allowed",
                "Method DELETE is not allowed here; allowed: GET, POST.");
        assertThat(notAllowed.headers().first("allow")).contains("GET, POST");
    }

    @Test
    void anUnconfiguredStage_is404() throws Exception {
        assertProblem(gateway.handle(Requests.get("/orders").key("dev-secret-key").stage("staging").build()), 404,
                "urn:tollgate:problem:route-not-found", "Stage staging is not configured.");
    }

    @Test
    void aPathWithADotSegmentAnEncodedSlashOrAMalformedEscape_is400_beforeRouting_andReachesNoBackend() throws Exception {
        for (String path : List.of("/orders/..%2Fadmin%2Fusers", "/orders/..", "/orders/%2e%2e", "/nothing/../orders", "/orders/%zz")) {
            assertProblem(gateway.handle(Requests.get(path).key("dev-secret-key").build()), 400,
                    "urn:tollgate:problem:bad-request", "The path segment " + path.split("/")[2] + " is refused: a segment"
                            + " may not be . or .., encoded or not, nor hold an encoded / or \\ (%2F, %5C) or a % without two hex digits.");
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aDotInsideASegment_isRoutedAsAnyOtherCharacter() {
        assertThat(gateway.handle(Requests.get("/orders/report.pdf").key("dev-secret-key").build()).status()).isEqualTo(200);

        assertThat(backend.received()).singleElement()
                .satisfies(r -> assertThat(r.pathAndQuery()).isEqualTo("/orders/report.pdf"));
    }

    @Test
    void aLiteralSegment_beatsAParameter_whateverTheRoutesOrderInTheFile() {
        assertThat(gateway.handle(Requests.get("/orders/latest").key("dev-secret-key").build()).status()).isEqualTo(200);

        assertThat(latest.received()).hasSize(1);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void theUsageEndpoint_takesOnlyGet_withAllow() throws Exception {
        GatewayResponse notAllowed = gateway.handle(Requests.request("POST", "/_tollgate/usage").key("dev-secret-key").build());

        assertProblem(notAllowed, 405, "urn:tollgate:problem:method-not-allowed",
                "Method POST is not allowed here; allowed: GET.");
        assertThat(notAllowed.headers().first("allow")).contains("GET");
    }
}
