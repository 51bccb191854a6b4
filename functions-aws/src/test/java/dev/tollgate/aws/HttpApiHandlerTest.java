package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.testing.TestGateways;
import dev.tollgate.testing.TestBackend;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP API (payload 2.0) adapter, with events built as API Gateway sends them. */
class HttpApiHandlerTest {

    @Test
    void theStagePrefix_isRemoved_andBase64Bodies_andCookies_areRead() {
        APIGatewayV2HTTPEvent event = event("POST", "/dev/orders/7", "dev")
                .withRawQueryString("a=1")
                .withCookies(List.of("s=1", "t=2"))
                .withBody(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}))
                .withIsBase64Encoded(true)
                .build();

        GatewayRequest request = HttpApiHandler.toRequest(event);

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/orders/7");
        assertThat(request.rawQuery()).isEqualTo("a=1");
        assertThat(request.stage()).isEqualTo("dev");
        assertThat(request.body()).containsExactly(1, 2, 3);
        assertThat(request.headers().first("cookie")).contains("s=1; t=2");
        assertThat(request.sourceIp()).isEqualTo("198.51.100.7");
        assertThat(request.stageVariables()).containsEntry("ordersBackend", "http://127.0.0.1:1");
    }

    @Test
    void theDefaultStage_hasNoPrefix() {
        assertThat(HttpApiHandler.stagePath("/orders", "$default")).isEqualTo("/orders");
        assertThat(HttpApiHandler.stagePath("/dev", "dev")).isEqualTo("/");
        assertThat(HttpApiHandler.stagePath("/devices", "dev")).isEqualTo("/devices");
    }

    @Test
    void binaryAnswers_goBackBase64_textAsIs_andSetCookieAsCookies() {
        APIGatewayV2HTTPResponse binary = HttpApiHandler.toResponse(new GatewayResponse(200,
                Headers.builder().set("content-type", "image/png").add("set-cookie", "a=1").add("set-cookie", "b=2").build(),
                new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
        APIGatewayV2HTTPResponse text = HttpApiHandler.toResponse(GatewayResponse.json(201, "{\"a\":1}"));

        assertThat(binary.getIsBase64Encoded()).isTrue();
        assertThat(Base64.getDecoder().decode(binary.getBody())).containsExactly(0x89, 'P', 'N', 'G');
        assertThat(binary.getCookies()).containsExactly("a=1", "b=2");
        assertThat(binary.getHeaders()).doesNotContainKey("set-cookie");
        assertThat(text.getIsBase64Encoded()).isFalse();
        assertThat(text.getBody()).isEqualTo("{\"a\":1}");
        assertThat(text.getStatusCode()).isEqualTo(201);
    }

    @Test
    void aRequest_goesThroughTheGateway_toTheBackend() {
        try (TestBackend backend = new TestBackend()) {
            HttpApiHandler handler = new HttpApiHandler(gateway());
            APIGatewayV2HTTPEvent event = event("GET", "/dev/orders", "dev")
                    .withHeaders(Map.of("x-api-key", "dev-secret-key", "x-forwarded-for", "198.51.100.7",
                            "x-forwarded-proto", "https", "host", "api.example.com"))
                    .withStageVariables(Map.of("ordersBackend", backend.url()))
                    .build();

            APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

            assertThat(response.getStatusCode()).isEqualTo(200);
            assertThat(response.getHeaders()).containsKey("x-request-id").containsEntry("ratelimit-remaining", "9");
            assertThat(backend.received().get(0).header("x-forwarded-for")).isEqualTo("198.51.100.7");
            assertThat(backend.received().get(0).header("x-forwarded-host")).isEqualTo("api.example.com");
        }
    }

    @Test
    void anUnreadableBody_isA400Problem_notALambdaError() {
        APIGatewayV2HTTPEvent event = event("POST", "/dev/orders", "dev")
                .withBody("%%% not base64 %%%").withIsBase64Encoded(true).build();

        APIGatewayV2HTTPResponse response = new HttpApiHandler(gateway()).handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getHeaders()).containsEntry("content-type", "application/problem+json");
        assertThat(response.getBody()).contains("\"detail\":\"The request body is marked base64 but is not valid base64.\"");
    }

    @Test
    void aBackendAnswerTooLargeForLambda_isA502Problem_notACrash() {
        try (TestBackend backend = new TestBackend().answer(200, "application/json", jsonOfSize(7 * MB))) {
            APIGatewayV2HTTPResponse response = new HttpApiHandler(gateway()).handleRequest(withKey(backend).build(), null);

            assertThat(response.getStatusCode()).isEqualTo(502);
            assertThat(response.getHeaders()).containsEntry("content-type", "application/problem+json").containsKey("x-request-id");
            assertThat(response.getBody()).contains("\"type\":\"urn:tollgate:problem:response-too-large\"")
                    .contains("too large for AWS Lambda to carry back: 7340").hasSizeLessThan(2048);
            assertThat(backend.received()).hasSize(1);
        }
    }

    @Test
    void aBinaryAnswer_isMeasuredAfterBase64_whileTextJustUnderTheLimit_passes() {
        byte[] binary = new byte[5 * MB];
        try (TestBackend backend = new TestBackend().answer(200, "application/octet-stream", binary)) {
            APIGatewayV2HTTPResponse tooLarge = new HttpApiHandler(gateway()).handleRequest(withKey(backend).build(), null);

            assertThat(tooLarge.getStatusCode()).isEqualTo(502);
            assertThat(tooLarge.getBody()).contains("body in base64");

            byte[] text = jsonOfSize(6 * MB - 16 * 1024);
            backend.answer(200, "application/json", text);
            APIGatewayV2HTTPResponse fits = new HttpApiHandler(gateway()).handleRequest(withKey(backend).build(), null);

            assertThat(fits.getStatusCode()).isEqualTo(200);
            assertThat(fits.getBody()).hasSize(text.length);
        }
    }

    @Test
    void theLambdaRuntimesTraceHeader_reachesTheBackend_overTheCallers() {
        String runtime = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
        try (TestBackend backend = new TestBackend()) {
            System.setProperty(LambdaTraceHeader.PROPERTY, runtime);
            APIGatewayV2HTTPResponse response;
            try {
                response = new HttpApiHandler(gateway()).handleRequest(withKey(backend)
                        .withHeaders(Map.of("x-api-key", "dev-secret-key", "x-amzn-trace-id", "Root=1-00000001-000000000000000000000001"))
                        .build(), null);
            } finally {
                System.clearProperty(LambdaTraceHeader.PROPERTY);
            }

            assertThat(response.getStatusCode()).isEqualTo(200);
            assertThat(backend.received().get(0).header("x-amzn-trace-id")).isEqualTo(runtime);
            assertThat(backend.received().get(0).header("traceparent")).startsWith("00-5759e988bd862e3fe1be46a994272793-").endsWith("-01");
        }
    }

    static final int MB = 1024 * 1024;

    /** A JSON document of exactly {@code size} bytes. */
    static byte[] jsonOfSize(int size) {
        return ("{\"data\":\"" + "a".repeat(size - 12) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static APIGatewayV2HTTPEvent.APIGatewayV2HTTPEventBuilder withKey(TestBackend backend) {
        return event("GET", "/dev/orders", "dev")
                .withHeaders(Map.of("x-api-key", "dev-secret-key"))
                .withStageVariables(Map.of("ordersBackend", backend.url()));
    }

    static Gateway gateway() {
        return TestGateways.from("""
                stages:
                  dev: {variables: {ordersBackend: "http://127.0.0.1:1"}}
                plans:
                  p: {quota: {limit: 10, period: day}}
                apiKeys:
                  - {id: k, value: dev-secret-key, consumer: c, stage: dev, plan: p}
                routes:
                  - {path: /orders, methods: [GET, POST], backend: "${stageVariables.ordersBackend}"}
                """);
    }

    static APIGatewayV2HTTPEvent.APIGatewayV2HTTPEventBuilder event(String method, String rawPath, String stage) {
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("$default")
                .withRawPath(rawPath)
                .withRawQueryString("")
                .withHeaders(Map.of())
                .withStageVariables(Map.of("ordersBackend", "http://127.0.0.1:1"))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withStage(stage)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method).withPath(rawPath).withSourceIp("198.51.100.7").build())
                        .build());
    }
}
