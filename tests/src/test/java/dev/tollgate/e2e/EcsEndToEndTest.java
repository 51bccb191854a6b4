package dev.tollgate.e2e;

import static dev.tollgate.e2e.LocalTollgate.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.local.DemoIssuer;
import dev.tollgate.local.LocalRunner;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped example as a deployment runs it: {@code dev} reaches its orders service through
 * {@code ecs://} discovery (the real handler's real ECS client asks the local ECS API, which
 * reports two demo tasks), {@code prod} through a fixed, NLB-style URL.
 */
class EcsEndToEndTest {

    private static LocalTollgate tollgate;

    @BeforeAll
    static void start() throws Exception {
        // dev keeps the file's ecs://tollgate-dev/orders:8080; prod's fixed URL moves to a free port.
        tollgate = LocalTollgate.start(LocalTollgate.EXAMPLE, Map.of("prod", Map.of("ordersBackend", "http://127.0.0.1:0")), true);
    }

    @AfterAll
    static void stop() {
        tollgate.close();
    }

    @Test
    void theRunner_startsTwoDemoTasks_forTheDevService_andReportsThemInItsBanner() {
        List<LocalRunner.DemoTask> tasks = tollgate.runner().demoTasks();

        assertThat(tasks).hasSize(2).allSatisfy(task -> assertThat(task.service()).hasToString("ecs://tollgate-dev/orders:8080"));
        assertThat(tasks.get(0).id()).matches("[0-9a-f]{32}").isNotEqualTo(tasks.get(1).id());
        assertThat(tollgate.runner().stageVariables().get("dev")).containsEntry("ordersBackend", "ecs://tollgate-dev/orders:8080");
        assertThat(tollgate.runner().banner()).contains("ECS API (JSON 1.1)      " + tollgate.runner().ecsEndpoint())
                .contains("ecs://tollgate-dev/orders:8080  task " + tasks.get(0).id() + " at 127.0.0.1:" + tasks.get(0).port());
    }

    @Test
    void theReadyLine_namesTheBannersAddresses_andEveryStageVariable_forScripts() {
        LocalRunner runner = tollgate.runner();
        String api = "http://127.0.0.1:" + runner.port();

        String fixed = "TOLLGATE_READY api=" + api
                + " dynamodb=http://127.0.0.1:" + runner.dynamoDbPort()
                + " ecs=" + runner.ecsEndpoint()
                + " jwks=" + api + DemoIssuer.JWKS_PATH + " ";

        // The stage variables follow, in no promised order.
        assertThat(runner.readyLine()).startsWith(fixed);
        assertThat(runner.readyLine().substring(fixed.length()).split(" ")).containsExactlyInAnyOrder(
                "dev.tokenAudience=tollgate-dev", "dev.ordersBackend=ecs://tollgate-dev/orders:8080",
                "prod.tokenAudience=tollgate-prod", "prod.ordersBackend=" + runner.stageVariables().get("prod").get("ordersBackend"));
        assertThat(runner.banner()).contains("DynamoDB Local          http://127.0.0.1:" + runner.dynamoDbPort() + "  (");
    }

    @Test
    void devRequests_reachBothDemoTasks_throughEcsDiscovery() {
        Set<String> expected = tollgate.runner().demoTasks().stream().map(LocalRunner.DemoTask::id).collect(Collectors.toSet());
        Set<String> answeredBy = new HashSet<>();

        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = tollgate.get("/dev/orders/" + i, "x-api-key", "demo-dev-key");
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = json(response);
            assertThat(body.path("service").asText()).isEqualTo("orders");
            assertThat(body.path("stage").asText()).isEqualTo("dev");
            assertThat(body.path("path").asText()).isEqualTo("/orders/" + i);
            answeredBy.add(body.path("task").asText());
        }

        assertThat(answeredBy).isEqualTo(expected);
    }

    @Test
    void prodRequests_reachTheFixedUrl_notATask() {
        HttpResponse<String> response = tollgate.get("/prod/orders/7", "x-api-key", "demo-prod-key");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("stage").asText()).isEqualTo("prod");
        assertThat(body.has("task")).isFalse();
        assertThat(tollgate.runner().stageVariables().get("prod").get("ordersBackend")).startsWith("http://127.0.0.1:");
    }

    @Test
    void aServiceWithoutTasks_is503_withoutNamingItToTheCaller() throws Exception {
        try (LocalTollgate noTasks = LocalTollgate.start(LocalTollgate.EXAMPLE, Map.of(), false)) {
            HttpResponse<String> response = noTasks.get("/dev/orders", "x-api-key", "demo-dev-key");

            ExampleEndToEndTest.assertProblem(response, 503, "No backend task can take the request now; try again shortly.");
            assertThat(response.body()).doesNotContain("tollgate-dev", "8080");
            assertThat(json(response).path("type").asText()).isEqualTo("urn:tollgate:problem:no-backend-task");
            assertThat(response.headers().firstValue("retry-after")).contains("1");
        }
    }

    @Test
    void aPublicRoute_reachesTheTasksToo() {
        HttpResponse<String> health = tollgate.get("/dev/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).path("task").asText()).matches("[0-9a-f]{32}");
    }
}
