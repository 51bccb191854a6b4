package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static dev.tollgate.aws.ProxyEvents.header;
import static dev.tollgate.aws.ProxyEvents.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.testing.TestGateways;
import dev.tollgate.testing.TestBackend;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The HTTP API (payload 2.0) adapter, with AWS's sample events changed as a test needs, given as JSON. */
class HttpApiHandlerTest {

    @Test
    void theStagePrefix_isRemoved_andBase64Bodies_andCookies_areRead() {
        ObjectNode event = event("POST", "/dev/orders/7", "dev")
                .put("rawQueryString", "a=1")
                .put("body", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}))
                .put("isBase64Encoded", true);
        event.putArray("cookies").add("s=1").add("t=2");

        GatewayRequest request = new HttpApiHandler(gateway(), Optional.empty()).toRequest(ProxyEvents.read(event));

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
        assertThat(HttpApiHandler.stagePath("/$default/orders", "$default")).isEqualTo("/$default/orders");
        assertThat(HttpApiHandler.stagePath("/dev", "dev")).isEqualTo("/");
        assertThat(HttpApiHandler.stagePath("/devices", "dev")).isEqualTo("/devices");
    }

    @Test
    void aPublishedDefaultStageEvent_reachesTheFunctionsStage_withItsRawPathUnchanged() {
        ObjectNode event = ProxyEvents.sample("v2--go-apigw-v2-request-no-authorizer.json").put("rawPath", "/orders");

        GatewayRequest request = new HttpApiHandler(gateway(), Optional.of("dev")).toRequest(ProxyEvents.read(event));

        assertThat(request.stage()).isEqualTo("dev");
        assertThat(request.path()).isEqualTo("/orders");
        assertThat(request.refusal()).isNull();
    }

    @Test
    void theDefaultStage_withoutAFunctionStage_isA404ThatSaysHowToMapIt() {
        JsonNode response = invoke(handler(), ProxyEvents.sample("v2--javalibs-apigw_http_event.json"));

        assertThat(response.path("statusCode").asInt()).isEqualTo(404);
        assertThat(header(response, "content-type")).containsExactly("application/problem+json");
        assertThat(header(response, "x-request-id")).hasSize(1);
        assertThat(response.path("body").asText()).contains("\"detail\":\"The API Gateway stage $default maps to no configuration stage:"
                + " set the function's environment variable TOLLGATE_STAGE to the stage it serves (one of dev).\"");
    }

    @Test
    void tollgateStage_isCheckedAtColdStart_againstTheConfigurationsStages() {
        assertThat(AwsGateway.stage(Map.of(), gateway().config())).isEmpty();
        assertThat(AwsGateway.stage(Map.of("TOLLGATE_STAGE", "dev"), gateway().config())).contains("dev");
        assertThatThrownBy(() -> AwsGateway.stage(Map.of("TOLLGATE_STAGE", "prod"),
                        gateway().config()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("TOLLGATE_STAGE: prod (expected: a stage of the configuration: dev)");
    }

    @Test
    void binaryAnswers_goBackBase64_textAsIs_andSetCookieAsCookies() throws Exception {
        JsonNode binary = written(new GatewayResponse(200,
                Headers.builder().set("content-type", "image/png").add("set-cookie", "a=1").add("set-cookie", "b=2").build(),
                new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
        JsonNode text = written(GatewayResponse.json(201, "{\"a\":1}"));

        assertThat(binary.path("isBase64Encoded").asBoolean()).isTrue();
        assertThat(Base64.getDecoder().decode(binary.path("body").asText())).containsExactly(0x89, 'P', 'N', 'G');
        assertThat(binary.path("cookies")).extracting(JsonNode::asText).containsExactly("a=1", "b=2");
        assertThat(binary.path("headers").has("set-cookie")).isFalse();
        assertThat(text.path("isBase64Encoded").asBoolean()).isFalse();
        assertThat(text.path("body").asText()).isEqualTo("{\"a\":1}");
        assertThat(text.path("statusCode").asInt()).isEqualTo(201);
    }

    @Test
    void textAnswersThatAreNotUtf8_orAreEncoded_goBackBase64_unchanged() throws Exception {
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 'h', 'i', (byte) 0xc3, (byte) 0x28};
        JsonNode latin = written(new GatewayResponse(200, Headers.builder().set("content-type", "text/plain").build(), notUtf8));
        JsonNode gzipped = written(new GatewayResponse(200,
                Headers.builder().set("content-type", "application/json").set("content-encoding", "gzip").build(), notUtf8));

        for (JsonNode answer : List.of(latin, gzipped)) {
            assertThat(answer.path("isBase64Encoded").asBoolean()).isTrue();
            assertThat(Base64.getDecoder().decode(answer.path("body").asText())).isEqualTo(notUtf8);
        }
    }

    private static JsonNode written(GatewayResponse response) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        HttpApiHandler.writeResponse(response, output);
        return ProxyEvents.JSON.readTree(output.toByteArray());
    }

    @Test
    void aRequest_goesThroughTheGateway_toTheBackend() {
        try (TestBackend backend = new TestBackend()) {
            ObjectNode event = withKey(backend);
            ((ObjectNode) event.path("headers")).put("x-forwarded-for", "198.51.100.7")
                    .put("x-forwarded-proto", "https").put("host", "api.example.com");

            JsonNode response = invoke(handler(), event);

            assertThat(response.path("statusCode").asInt()).isEqualTo(200);
            assertThat(header(response, "x-request-id")).hasSize(1);
            assertThat(header(response, "ratelimit-remaining")).containsExactly("9");
            assertThat(backend.received().get(0).header("x-forwarded-for")).isEqualTo("198.51.100.7");
            assertThat(backend.received().get(0).header("x-forwarded-host")).isEqualTo("api.example.com");
        }
    }

    @Test
    void anUnreadableBody_isA400Problem_notALambdaError() {
        ObjectNode event = event("POST", "/dev/orders", "dev").put("body", "%%% not base64 %%%").put("isBase64Encoded", true);

        JsonNode response = invoke(handler(), event);

        assertThat(response.path("statusCode").asInt()).isEqualTo(400);
        assertThat(header(response, "content-type")).containsExactly("application/problem+json");
        assertThat(response.path("body").asText()).contains("\"detail\":\"The request body is marked base64 but is not valid base64.\"");
    }

    @Test
    void aBackendAnswerTooLargeForLambda_isA502Problem_notACrash() {
        try (TestBackend backend = new TestBackend().answer(200, "application/json", jsonOfSize(7 * MB))) {
            JsonNode response = invoke(handler(), withKey(backend));

            assertThat(response.path("statusCode").asInt()).isEqualTo(502);
            assertThat(header(response, "content-type")).containsExactly("application/problem+json");
            assertThat(header(response, "x-request-id")).hasSize(1);
            assertThat(response.path("body").asText()).contains("\"type\":\"urn:tollgate:problem:response-too-large\"")
                    .contains("too large for AWS Lambda to carry back: 7340").hasSizeLessThan(2048);
            assertThat(backend.received()).hasSize(1);
        }
    }

    @Test
    void aBinaryAnswer_isMeasuredAfterBase64_whileTextJustUnderTheLimit_passes() {
        byte[] binary = new byte[5 * MB];
        try (TestBackend backend = new TestBackend().answer(200, "application/octet-stream", binary)) {
            JsonNode tooLarge = invoke(handler(), withKey(backend));

            assertThat(tooLarge.path("statusCode").asInt()).isEqualTo(502);
            assertThat(tooLarge.path("body").asText()).contains("body in base64");

            byte[] text = jsonOfSize(6 * MB - 16 * 1024);
            backend.answer(200, "application/json", text);
            JsonNode fits = invoke(handler(), withKey(backend));

            assertThat(fits.path("statusCode").asInt()).isEqualTo(200);
            assertThat(fits.path("body").asText()).hasSize(text.length);
        }
    }

    @Test
    void theLambdaRuntimesTraceHeader_reachesTheBackend_overTheCallers() {
        String runtime = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
        try (TestBackend backend = new TestBackend()) {
            System.setProperty(LambdaTraceHeader.PROPERTY, runtime);
            JsonNode response;
            try {
                ObjectNode event = withKey(backend);
                ((ObjectNode) event.path("headers")).put("x-amzn-trace-id", "Root=1-00000001-000000000000000000000001");
                response = invoke(handler(), event);
            } finally {
                System.clearProperty(LambdaTraceHeader.PROPERTY);
            }

            assertThat(response.path("statusCode").asInt()).isEqualTo(200);
            assertThat(backend.received().get(0).header("x-amzn-trace-id")).isEqualTo(runtime);
            assertThat(backend.received().get(0).header("traceparent")).startsWith("00-5759e988bd862e3fe1be46a994272793-").endsWith("-01");
        }
    }

    static final int MB = 1024 * 1024;

    /** A JSON document of exactly {@code size} bytes. */
    static byte[] jsonOfSize(int size) {
        return ("{\"data\":\"" + "a".repeat(size - 12) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static ObjectNode withKey(TestBackend backend) {
        ObjectNode event = event("GET", "/dev/orders", "dev");
        ((ObjectNode) event.path("headers")).put("x-api-key", "dev-secret-key");
        ((ObjectNode) event.path("stageVariables")).put("ordersBackend", backend.url());
        return event;
    }

    static HttpApiHandler handler() {
        return new HttpApiHandler(gateway(), Optional.empty());
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

    static ObjectNode event(String method, String rawPath, String stage) {
        return ProxyEvents.httpApi(method, rawPath, stage);
    }
}
