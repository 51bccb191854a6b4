package dev.tollgate.e2e;

import static dev.tollgate.e2e.LocalTollgate.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a user tries first, against the shipped example through real HTTP. */
class ExampleEndToEndTest {

    private static LocalTollgate tollgate;

    @BeforeAll
    static void start() throws Exception {
        tollgate = LocalTollgate.example();
    }

    @AfterAll
    static void stop() {
        tollgate.close();
    }

    @Test
    void devKey_onDev_reachesTheDevBackend() {
        HttpResponse<String> response = tollgate.get("/dev/orders", "x-api-key", "demo-dev-key");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("service").asText()).isEqualTo("orders");
        assertThat(body.path("stage").asText()).isEqualTo("dev");
        assertThat(body.path("path").asText()).isEqualTo("/orders");
        assertThat(response.headers().firstValue("ratelimit-limit")).contains("10000");
        assertThat(response.headers().firstValue("ratelimit-remaining")).isPresent();
        long untilMidnight = java.time.Duration.between(tollgate.now(),
                tollgate.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(java.time.Duration.ofDays(1))).toSeconds();
        assertThat(response.headers().firstValue("ratelimit-reset")).contains(Long.toString(untilMidnight));
    }

    @Test
    void prodKey_onProd_reachesTheProdBackend_withPathAndQuery() {
        HttpResponse<String> response = tollgate.get("/prod/orders/42?expand=items", "x-api-key", "demo-prod-key");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("stage").asText()).isEqualTo("prod");
        assertThat(body.path("path").asText()).isEqualTo("/orders/42");
        assertThat(body.path("query").asText()).isEqualTo("expand=items");
        // trial: bursts of 10 and 100 an hour; the rate limit has the least left, so it fills the headers.
        assertThat(response.headers().firstValue("ratelimit-limit")).contains("10");
        assertThat(response.headers().firstValue("ratelimit-remaining")).contains("9");
    }

    @Test
    void aPost_passesItsBodyThrough() {
        HttpResponse<String> response = tollgate.send(HttpRequest.newBuilder(tollgate.uri("/dev/orders"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"book\"}")),
                "x-api-key", "demo-dev-key", "content-type", "application/json");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(json(response).path("received").asText()).isEqualTo("{\"item\":\"book\"}");
    }

    @Test
    void noKey_andAnUnknownKey_are401Problems() {
        assertProblem(tollgate.get("/dev/orders"), 401, "This route needs an API key in the x-api-key header or a bearer"
                + " token in the Authorization header.");
        assertProblem(tollgate.get("/dev/orders", "x-api-key", "guessed-key-123"), 401, "The API key is not valid.");
    }

    @Test
    void theOtherStagesKey_is403() {
        assertProblem(tollgate.get("/dev/orders", "x-api-key", "demo-prod-key"), 403, "The API key is not valid on stage dev.");
        assertProblem(tollgate.get("/prod/orders", "x-api-key", "demo-dev-key"), 403, "The API key is not valid on stage prod.");
    }

    @Test
    void anUnknownRoute_is404Problem_andAnUnknownStage_isApiGateways404() {
        assertProblem(tollgate.get("/dev/invoices", "x-api-key", "demo-dev-key"), 404,
                "No route matches GET /invoices on stage dev.");
        HttpResponse<String> noStage = tollgate.get("/staging/orders", "x-api-key", "demo-dev-key");
        assertThat(noStage.statusCode()).isEqualTo(404);
        assertThat(noStage.body()).isEqualTo("{\"message\":\"Not Found\"}");
        assertThat(noStage.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void theCallersRequestId_comesBack_andReachesTheBackend() {
        HttpResponse<String> response = tollgate.get("/dev/orders", "x-api-key", "demo-dev-key", "x-request-id", "trace-me-123");

        assertThat(response.headers().firstValue("x-request-id")).contains("trace-me-123");
        assertThat(json(response).path("requestId").asText()).isEqualTo("trace-me-123");
    }

    @Test
    void aRequestIdIsMade_whenTheCallerSendsNone_andTheBackendGetsForwardingHeaders() {
        HttpResponse<String> response = tollgate.get("/dev/orders", "x-api-key", "demo-dev-key");

        String id = response.headers().firstValue("x-request-id").orElseThrow();
        assertThat(id).matches("[0-9a-f-]{36}");
        JsonNode body = json(response);
        assertThat(body.path("requestId").asText()).isEqualTo(id);
        assertThat(body.path("forwarded").path("for").asText()).isEqualTo("127.0.0.1");
        assertThat(body.path("forwarded").path("proto").asText()).isEqualTo("http");
        assertThat(body.path("forwarded").path("host").asText()).isEqualTo("127.0.0.1:" + tollgate.runner().port());
    }

    @Test
    void errorsCarryTheRequestId_too() {
        HttpResponse<String> response = tollgate.get("/dev/orders", "x-request-id", "failing-call-1");

        assertThat(response.headers().firstValue("x-request-id")).contains("failing-call-1");
        assertThat(json(response).path("requestId").asText()).isEqualTo("failing-call-1");
    }

    @Test
    void usage_showsThePlan_theLimit_andWhatIsLeft() {
        tollgate.get("/dev/orders/1", "x-api-key", "demo-dev-key");
        JsonNode before = json(tollgate.get("/dev/_tollgate/usage", "x-api-key", "demo-dev-key"));
        tollgate.get("/dev/orders/2", "x-api-key", "demo-dev-key");

        HttpResponse<String> response = tollgate.get("/dev/_tollgate/usage", "x-api-key", "demo-dev-key");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        JsonNode usage = json(response);
        assertThat(usage.path("plan").asText()).isEqualTo("developer");
        assertThat(usage.path("quota").path("limit").asLong()).isEqualTo(10_000);
        assertThat(usage.path("quota").path("period").asText()).isEqualTo("day");
        assertThat(usage.path("quota").path("remaining").asLong())
                .isEqualTo(before.path("quota").path("remaining").asLong() - 1);
        assertThat(usage.path("quota").path("resetsAt").asText()).endsWith("T00:00:00Z");
    }

    @Test
    void usage_withoutAKey_is401() {
        assertProblem(tollgate.get("/prod/_tollgate/usage"), 401,
                "This route needs an API key in the x-api-key header or a bearer token in the Authorization header.");
    }

    @Test
    void aBrowserPreflight_isAnsweredByTheGateway_andItsErrorsCarryCorsHeaders() {
        HttpResponse<String> preflight = tollgate.send(HttpRequest.newBuilder(tollgate.uri("/dev/orders"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()),
                "origin", "http://localhost:3000", "access-control-request-method", "POST",
                "access-control-request-headers", "x-api-key");

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).contains("http://localhost:3000");
        assertThat(preflight.headers().firstValue("access-control-allow-methods")).contains("GET, POST");

        HttpResponse<String> unauthorized = tollgate.get("/dev/orders", "origin", "http://localhost:3000");
        assertProblem(unauthorized, 401, "This route needs an API key in the x-api-key header or a bearer token in the Authorization header.");
        assertThat(unauthorized.headers().firstValue("access-control-allow-origin")).contains("http://localhost:3000");
        assertThat(unauthorized.headers().firstValue("access-control-expose-headers").orElseThrow()).contains("x-request-id");
    }

    static void assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).contains("application/problem+json");
        JsonNode problem = json(response);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("type").asText()).startsWith("urn:tollgate:problem:");
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).isEqualTo(detail);
        assertThat(problem.path("requestId").asText()).isEqualTo(response.headers().firstValue("x-request-id").orElseThrow());
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
