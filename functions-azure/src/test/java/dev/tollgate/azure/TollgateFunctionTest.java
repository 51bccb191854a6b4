package dev.tollgate.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import dev.tollgate.emulators.functions.LocalExecutionContext;
import dev.tollgate.emulators.functions.LocalHttpResponse;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The function's adaptation, fed requests as the Java worker hands them over. */
class TollgateFunctionTest {

    static final String KEY = "dev-key-0123456789";

    private final TestBackend first = new TestBackend();
    private final TestBackend second = new TestBackend();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        first.close();
        second.close();
    }

    static String config(String backend) {
        return """
                stages:
                  dev:
                    variables:
                      ordersBackend: %s
                plans:
                  free:
                    quota: {limit: 100, period: day}
                apiKeys:
                  - {id: dev-key, value: %s, consumer: acme, stage: dev, plan: free}
                routes:
                  - path: /orders
                    methods: [GET, POST]
                    backend: ${stageVariables.ordersBackend}
                """.formatted(backend, KEY);
    }

    TollgateFunction function(Map<String, String> extraSettings) throws Exception {
        Path file = Files.writeString(dir.resolve("tollgate.yaml"), config(first.url()));
        Map<String, String> settings = new HashMap<>(Map.of(AzureGateway.CONFIG, file.toString(), AzureGateway.STAGE, "dev"));
        settings.putAll(extraSettings);
        return new TollgateFunction(AzureGateway.fromSettings(settings, new InMemoryCounterStore(),
                new ConfigKeyStore(List.of()), Clock.systemUTC(), RequestObserver.NONE));
    }

    private static LocalExecutionContext context() {
        return Invocations.context(new java.util.ArrayList<>(), null);
    }

    @Test
    void aBinaryBody_goesToTheBackend_andComesBack_byteForByte() throws Exception {
        byte[] sent = new byte[70_000];
        byte[] answered = new byte[50_000];
        new Random(11).nextBytes(sent);
        new Random(12).nextBytes(answered);
        first.answer(200, "application/octet-stream", answered);

        HttpResponseMessage response = function(Map.of()).run(Invocations.request(HttpMethod.POST, "https://app.example/orders",
                sent, "x-api-key", KEY, "content-type", "application/octet-stream"), context());

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(first.received().get(0).body()).isEqualTo(sent);
        assertThat((byte[]) response.getBody()).isEqualTo(answered);
    }

    @Test
    void headers_asTheHostJoinsThem_reachTheBackend_andTheRawQueryIsPassedOnUndecoded() throws Exception {
        first.answer(200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));

        HttpResponseMessage response = function(Map.of()).run(
                Invocations.request(HttpMethod.GET, "https://app.example/orders?q=a%20b&path=%2Fx&q=2",
                        "X-Api-Key", KEY, "X-Custom", "one", "x-custom", "two"),
                context());

        assertThat(response.getStatusCode()).isEqualTo(200);
        TestBackend.Received received = first.received().get(0);
        assertThat(received.pathAndQuery()).isEqualTo("/orders?q=a%20b&path=%2Fx&q=2");
        assertThat(received.header("x-custom")).isEqualTo("one,two");
        assertThat(response.getHeader("x-request-id")).isNotBlank();
    }

    @Test
    void aStageVariableSetting_switchesTheBackend() throws Exception {
        second.answer(200, "application/json", "{\"from\":\"second\"}".getBytes(StandardCharsets.UTF_8));

        HttpResponseMessage response = function(Map.of(AzureGateway.STAGE_VARIABLE_PREFIX + "ordersBackend", second.url()))
                .run(Invocations.request(HttpMethod.GET, "https://app.example/orders", "x-api-key", KEY), context());

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(second.received()).hasSize(1);
        assertThat(first.received()).isEmpty();
    }

    @Test
    void aRequestWithoutMethod_isTheGatewaysBadRequestProblem() throws Exception {
        HttpResponseMessage response = function(Map.of()).run(Invocations.request(null, "https://app.example/orders"), context());

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getHeader("content-type")).isEqualTo("application/problem+json");
        assertThat(new String((byte[]) response.getBody(), StandardCharsets.UTF_8)).contains("it has no method");
        assertThat(first.received()).isEmpty();
    }

    @Test
    void theCallersAddress_isTheLastForwardedForElement_withoutItsPort() throws Exception {
        GatewayRequest request = function(Map.of()).toRequest(Invocations.request(HttpMethod.GET, "https://app.example/orders",
                "X-Forwarded-For", "10.9.9.9, 203.0.113.7:52311"));

        assertThat(request.sourceIp()).isEqualTo("203.0.113.7");
        assertThat(request.headers().all("x-forwarded-for")).containsExactly("10.9.9.9, 203.0.113.7");
        assertThat(TollgateFunction.clientAddress("[2001:db8::7]:52311")).isEqualTo("2001:db8::7");
        assertThat(TollgateFunction.clientAddress("2001:db8::7")).isEqualTo("2001:db8::7");
        assertThat(TollgateFunction.clientAddress("198.51.100.2")).isEqualTo("198.51.100.2");
    }

    @Test
    void aHeaderWithSeveralValues_goesOutAsOneJoinedValue_asTheWorkerCarriesOneValuePerName() {
        GatewayResponse answer = new GatewayResponse(201, Headers.builder()
                .add("set-cookie", "a=1; Path=/").add("set-cookie", "b=2").add("content-type", "text/plain").build(),
                new byte[0]);

        LocalHttpResponse response = (LocalHttpResponse) TollgateFunction.toResponse(
                Invocations.request(HttpMethod.GET, "https://app.example/"), answer);

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(response.headers()).containsEntry("set-cookie", "a=1; Path=/, b=2").containsEntry("content-type", "text/plain");
        assertThat(response.getBody()).isNull();
    }
}
