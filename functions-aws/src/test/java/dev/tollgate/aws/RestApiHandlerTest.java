package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.testing.TestBackend;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The REST API (payload 1.0) adapter: multi-value headers and query strings survive. */
class RestApiHandlerTest {

    @Test
    void multiValueHeadersAndQueries_areKept() {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("tag", List.of("a b", "c&d"));
        APIGatewayProxyRequestEvent event = event("GET", "/orders")
                .withMultiValueHeaders(Map.of("Accept", List.of("text/plain", "application/json")))
                .withMultiValueQueryStringParameters(query);

        GatewayRequest request = RestApiHandler.toRequest(event);

        assertThat(request.path()).isEqualTo("/orders");
        assertThat(request.stage()).isEqualTo("dev");
        assertThat(request.headers().all("accept")).containsExactly("text/plain", "application/json");
        assertThat(request.rawQuery()).isEqualTo("tag=a+b&tag=c%26d");
        assertThat(request.sourceIp()).isEqualTo("198.51.100.9");
    }

    @Test
    void aRequest_goesThroughTheGateway_andComesBackWithMultiValueHeaders() {
        try (TestBackend backend = new TestBackend()) {
            APIGatewayProxyRequestEvent event = event("GET", "/orders")
                    .withMultiValueHeaders(Map.of("x-api-key", List.of("dev-secret-key")))
                    .withStageVariables(Map.of("ordersBackend", backend.url()));

            APIGatewayProxyResponseEvent response = new RestApiHandler(HttpApiHandlerTest.gateway()).handleRequest(event, null);

            assertThat(response.getStatusCode()).isEqualTo(200);
            assertThat(response.getMultiValueHeaders().get("ratelimit-limit")).containsExactly("10");
            assertThat(response.getIsBase64Encoded()).isFalse();
            assertThat(backend.received()).hasSize(1);
        }
    }

    @Test
    void noKey_isA401Problem() {
        APIGatewayProxyResponseEvent response = new RestApiHandler(HttpApiHandlerTest.gateway())
                .handleRequest(event("GET", "/orders"), null);

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getMultiValueHeaders().get("content-type")).containsExactly("application/problem+json");
    }

    @Test
    void aBackendAnswerTooLargeForLambda_isA502Problem_notACrash() {
        try (TestBackend backend = new TestBackend().answer(200, "application/json",
                HttpApiHandlerTest.jsonOfSize(7 * HttpApiHandlerTest.MB))) {
            APIGatewayProxyRequestEvent event = event("GET", "/orders")
                    .withMultiValueHeaders(Map.of("x-api-key", List.of("dev-secret-key")))
                    .withStageVariables(Map.of("ordersBackend", backend.url()));

            APIGatewayProxyResponseEvent response = new RestApiHandler(HttpApiHandlerTest.gateway()).handleRequest(event, null);

            assertThat(response.getStatusCode()).isEqualTo(502);
            assertThat(response.getMultiValueHeaders().get("content-type")).containsExactly("application/problem+json");
            assertThat(response.getBody()).contains("\"type\":\"urn:tollgate:problem:response-too-large\"");
            assertThat(backend.received()).hasSize(1);
        }
    }

    private static APIGatewayProxyRequestEvent event(String method, String path) {
        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext()
                .withStage("dev")
                .withPath("/dev" + path)
                .withIdentity(new APIGatewayProxyRequestEvent.RequestIdentity().withSourceIp("198.51.100.9"));
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod(method)
                .withPath(path)
                .withRequestContext(context);
    }
}
