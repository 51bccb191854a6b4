package dev.tollgate.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.HttpMethod;
import dev.tollgate.emulators.functions.LocalExecutionContext;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One JSON line per request, through the invocation's logger, with its trace context and no secret. */
class AzureRequestLogTest {

    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @TempDir
    Path dir;

    @Test
    void eachRequest_isOneJsonLine_throughTheInvocationsLogger_withItsIdsAndTraceparent_andNoKeyOrToken() throws Exception {
        List<String> outside = new ArrayList<>();
        Logger fallback = Invocations.capturing(outside);
        try (TestBackend backend = new TestBackend()) {
            backend.answer(200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            Path file = Files.writeString(dir.resolve("tollgate.yaml"), TollgateFunctionTest.config(backend.url()));
            Map<String, String> settings = Map.of(AzureGateway.CONFIG, file.toString(), AzureGateway.STAGE, "dev");
            TollgateFunction function = new TollgateFunction(AzureGateway.fromSettings(settings, new InMemoryCounterStore(),
                    new ConfigKeyStore(List.of()), Clock.systemUTC(), new AzureRequestLog(fallback)));
            List<String> lines = new ArrayList<>();
            LocalExecutionContext context = Invocations.context(lines, TRACEPARENT);
            String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

            function.run(Invocations.request(HttpMethod.GET, "https://app.example/orders?api_key=" + TollgateFunctionTest.KEY,
                    "x-api-key", TollgateFunctionTest.KEY, "x-forwarded-for", "203.0.113.7:4711"), context);
            function.run(Invocations.request(HttpMethod.GET, "https://app.example/orders", "authorization", "Bearer " + token),
                    context);

            assertThat(outside).isEmpty();
            assertThat(lines).hasSize(2);
            JsonNode line = new ObjectMapper().readTree(lines.get(0));
            assertThat(line.path("log").asText()).isEqualTo(AzureRequestLog.KIND);
            assertThat(line.path("requestId").asText()).isNotBlank();
            assertThat(line.path("invocationId").asText()).isEqualTo(context.getInvocationId());
            assertThat(line.path("traceparent").asText()).isEqualTo(context.getTraceContext().getTraceparent())
                    .startsWith(TRACEPARENT.substring(0, 36));
            assertThat(line.path("stage").asText()).isEqualTo("dev");
            assertThat(line.path("route").asText()).isEqualTo("GET /orders");
            assertThat(line.path("path").asText()).isEqualTo("/orders");
            assertThat(line.path("sourceIp").asText()).isEqualTo("203.0.113.7");
            assertThat(line.path("credentialId").asText()).isEqualTo("dev-key");
            assertThat(line.path("status").asInt()).isEqualTo(200);
            assertThat(line.has("latencyMs")).isTrue();
            assertThat(line.path("outcome").asText()).isEqualTo("ok");
            assertThat(lines).allSatisfy(text -> assertThat(text)
                    .doesNotContain(TollgateFunctionTest.KEY).doesNotContain(token).doesNotContain("\n"));
            assertThat(new ObjectMapper().readTree(lines.get(1)).path("status").asInt()).isEqualTo(401);
        }
    }

    @Test
    void outsideAnInvocation_linesGoToTheLoggerGiven() throws Exception {
        List<String> outside = new ArrayList<>();
        try (TestBackend backend = new TestBackend()) {
            Path file = Files.writeString(dir.resolve("tollgate.yaml"), TollgateFunctionTest.config(backend.url()));
            var app = AzureGateway.fromSettings(Map.of(AzureGateway.CONFIG, file.toString(), AzureGateway.STAGE, "dev"),
                    new InMemoryCounterStore(), new ConfigKeyStore(List.of()), Clock.systemUTC(),
                    new AzureRequestLog(Invocations.capturing(outside)));

            app.gateway().handle(new dev.tollgate.http.GatewayRequest("GET", "/nowhere", "", null, null, "", "https", "dev", Map.of()));

            assertThat(outside).singleElement().satisfies(text -> assertThat(text).contains("\"status\":404").doesNotContain("invocationId"));
        }
    }
}
