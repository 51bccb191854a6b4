package dev.tollgate.policy.refusal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.problem.BadRequestException;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A refusal the adapter decided is answered like every problem the gateway makes: request id, CORS
 * headers, one observation (the request log's line and metrics), and nothing further down the path.
 */
class RefusalPolicyTest {

    private static final String ORIGIN = "https://app.example.com";

    @Test
    void anAdaptersRefusal_isAProblem_withRequestIdCorsAndOneObservation_andReachesNoBackend() {
        List<RequestObservation> observed = new CopyOnWriteArrayList<>();
        try (TestBackend backend = new TestBackend()) {
            Gateway gateway = TestGateways.builder("""
                    stages:
                      dev: {variables: {backend: "%s"}}
                    plans:
                      p: {quota: {limit: 10, period: day}}
                    routes:
                      - {path: /orders, methods: [POST], backend: "${stageVariables.backend}", public: true}
                    cors:
                      allowOrigins: ["%s"]
                    """.formatted(backend.url(), ORIGIN)).observer(observed::add).build();
            GatewayRequest request = new GatewayRequest("POST", "/orders", "", Headers.builder().set("origin", ORIGIN).build(),
                    null, "198.51.100.7", "https", "dev", Map.of(),
                    new BadRequestException("The request body is marked base64 but is not valid base64.", null));

            GatewayResponse response = gateway.handle(request);

            assertThat(response.status()).isEqualTo(400);
            String requestId = response.headers().first("x-request-id").orElseThrow();
            assertThat(response.headers().first("content-type")).contains("application/problem+json");
            assertThat(response.headers().first("access-control-allow-origin")).contains(ORIGIN);
            assertThat(new String(response.body(), StandardCharsets.UTF_8))
                    .contains("\"detail\":\"The request body is marked base64 but is not valid base64.\"")
                    .contains("\"requestId\":\"" + requestId + "\"");
            assertThat(observed).singleElement().satisfies(o -> {
                assertThat(o.requestId()).isEqualTo(requestId);
                assertThat(o.status()).isEqualTo(400);
                assertThat(o.problem()).contains("urn:tollgate:problem:bad-request");
            });
            assertThat(backend.received()).isEmpty();
        }
    }
}
