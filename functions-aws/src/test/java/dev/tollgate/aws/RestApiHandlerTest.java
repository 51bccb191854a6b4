package dev.tollgate.aws;

import static dev.tollgate.aws.ProxyEvents.header;
import static dev.tollgate.aws.ProxyEvents.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.testing.TestBackend;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The REST API (payload 1.0) adapter: multi-value headers and query strings survive. */
class RestApiHandlerTest {

    @Test
    void multiValueHeadersAndQueries_areKept() {
        ObjectNode event = event("GET", "/orders");
        event.putObject("multiValueHeaders").putArray("Accept").add("text/plain").add("application/json");
        ObjectNode query = event.putObject("multiValueQueryStringParameters");
        query.putArray("tag").add("a b").add("c&d");

        GatewayRequest request = handler().toRequest(ProxyEvents.read(event));

        assertThat(request.path()).isEqualTo("/orders");
        assertThat(request.stage()).isEqualTo("dev");
        assertThat(request.headers().all("accept")).containsExactly("text/plain", "application/json");
        assertThat(request.rawQuery()).isEqualTo("tag=a+b&tag=c%26d");
        assertThat(request.sourceIp()).isEqualTo("198.51.100.9");
        assertThat(request.refusal()).isNull();
    }

    @Test
    void theScheme_isHttpsUnlessTheLastXForwardedProtoIsHttp_whateverACallerWrote() {
        for (String[] protos : new String[][] {{"gopher"}, {"https"}, {"http", "https"}, {"http", "gopher"}, {"javascript"}}) {
            ObjectNode event = event("GET", "/orders");
            var values = event.putObject("multiValueHeaders").putArray("X-Forwarded-Proto");
            java.util.Arrays.stream(protos).forEach(values::add);

            assertThat(handler().toRequest(ProxyEvents.read(event)).scheme()).as("scheme of %s", (Object) protos).isEqualTo("https");
        }
        ObjectNode local = event("GET", "/orders");
        local.putObject("multiValueHeaders").putArray("X-Forwarded-Proto").add("http");
        assertThat(handler().toRequest(ProxyEvents.read(local)).scheme()).isEqualTo("http");
    }

    @Test
    void anHttpApisPayload10EventOfTheDefaultStage_reachesTheFunctionsStage() {
        ObjectNode event = ProxyEvents.sample("v1--javalibs-apigw_rest_event.json").put("path", "/orders");

        GatewayRequest request = new RestApiHandler(HttpApiHandlerTest.gateway(), Optional.of("dev")).toRequest(ProxyEvents.read(event));

        assertThat(request.stage()).isEqualTo("dev");
        assertThat(request.path()).isEqualTo("/orders");
        assertThat(request.headers().all("header2")).containsExactly("value1", "value2");
        assertThat(request.rawQuery()).isEqualTo("parameter1=value1&parameter2=value1&parameter2=value2");
        assertThat(request.refusal()).isNull();
    }

    @Test
    void aRequest_goesThroughTheGateway_andComesBackWithMultiValueHeaders() {
        try (TestBackend backend = new TestBackend()) {
            JsonNode response = invoke(handler(), withKey(backend));

            assertThat(response.path("statusCode").asInt()).isEqualTo(200);
            assertThat(response.path("multiValueHeaders").path("ratelimit-limit")).extracting(JsonNode::asText).containsExactly("10");
            assertThat(response.path("isBase64Encoded").asBoolean()).isFalse();
            assertThat(backend.received()).hasSize(1);
        }
    }

    @Test
    void noKey_isA401Problem() {
        JsonNode response = invoke(handler(), event("GET", "/orders"));

        assertThat(response.path("statusCode").asInt()).isEqualTo(401);
        assertThat(header(response, "content-type")).containsExactly("application/problem+json");
    }

    @Test
    void aBackendAnswerTooLargeForLambda_isA502Problem_notACrash() {
        try (TestBackend backend = new TestBackend().answer(200, "application/json",
                HttpApiHandlerTest.jsonOfSize(7 * HttpApiHandlerTest.MB))) {
            JsonNode response = invoke(handler(), withKey(backend));

            assertThat(response.path("statusCode").asInt()).isEqualTo(502);
            assertThat(header(response, "content-type")).containsExactly("application/problem+json");
            assertThat(response.path("body").asText()).contains("\"type\":\"urn:tollgate:problem:response-too-large\"");
            assertThat(backend.received()).hasSize(1);
        }
    }

    static RestApiHandler handler() {
        return new RestApiHandler(HttpApiHandlerTest.gateway(), Optional.empty());
    }

    static ObjectNode withKey(TestBackend backend) {
        ObjectNode event = event("GET", "/orders");
        event.putObject("multiValueHeaders").putArray("x-api-key").add("dev-secret-key");
        ((ObjectNode) event.path("stageVariables")).put("ordersBackend", backend.url());
        return event;
    }

    static ObjectNode event(String method, String path) {
        return ProxyEvents.restApi(method, path, "dev");
    }
}
