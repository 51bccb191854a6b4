package dev.tollgate.emulators.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Runtime API as a runtime sees it, driven here by the JDK's client in the runtime's place. */
class LocalLambdaRuntimeApiTest {

    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:test";
    private final HttpClient client = HttpClient.newHttpClient();
    private LocalLambdaRuntimeApi api;

    @BeforeEach
    void start() throws Exception {
        api = LocalLambdaRuntimeApi.start(ARN);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void next_handsOverTheEvent_withTheInvocationHeaders_andTheResponseEndsTheInvocation() throws Exception {
        CompletableFuture<LocalLambdaRuntimeApi.Result> result = invokeLater("{\"event\":1}", Duration.ofSeconds(10));
        HttpResponse<String> next = get("invocation/next");

        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("{\"event\":1}");
        String id = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
        long deadline = Long.parseLong(next.headers().firstValue("Lambda-Runtime-Deadline-Ms").orElseThrow());
        assertThat(deadline).isBetween(Instant.now().toEpochMilli() + 5_000, Instant.now().toEpochMilli() + 10_000);
        assertThat(next.headers().firstValue("Lambda-Runtime-Invoked-Function-Arn")).hasValue(ARN);
        assertThat(next.headers().firstValue("Lambda-Runtime-Trace-Id").orElseThrow()).startsWith("Root=1-");

        assertThat(post("invocation/" + id + "/response", "{\"statusCode\":200}", null).statusCode()).isEqualTo(202);
        LocalLambdaRuntimeApi.Result done = result.get();
        assertThat(done.failed()).isFalse();
        assertThat(done.text()).isEqualTo("{\"statusCode\":200}");
    }

    @Test
    void anError_failsTheInvocation_withItsType() throws Exception {
        CompletableFuture<LocalLambdaRuntimeApi.Result> result = invokeLater("{}", Duration.ofSeconds(10));
        String id = get("invocation/next").headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();

        post("invocation/" + id + "/error", "{\"errorMessage\":\"boom\"}", "Runtime.BadFunctionCode");

        assertThat(result.get().errorType()).hasValue("Runtime.BadFunctionCode");
        assertThat(result.get().text()).contains("boom");
    }

    @Test
    void anInitError_failsEveryInvocation_andTheEnvironmentNeverPolls() throws Exception {
        post("init/error", "{\"errorMessage\":\"no config\"}", "Runtime.Unknown");

        assertThat(api.invoke(new byte[0], Duration.ofSeconds(5)).errorType()).hasValue("Runtime.Unknown");
        assertThat(api.initError()).hasValueSatisfying(text -> assertThat(text).contains("no config"));
        assertThat(api.awaitPolling(Duration.ofMillis(100))).isFalse();
    }

    @Test
    void aPoll_isSeen_andAnAnswerForNoRunningInvocation_isRefused() throws Exception {
        assertThat(api.awaitPolling(Duration.ofMillis(50))).isFalse();
        CompletableFuture<HttpResponse<String>> next = client.sendAsync(request("invocation/next").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.awaitPolling(Duration.ofSeconds(5))).isTrue();

        assertThat(post("invocation/no-such-id/response", "{}", null).statusCode()).isEqualTo(400);
        next.cancel(true);
    }

    @Test
    void anInvocationNobodyAnswers_timesOut() {
        assertThatThrownBy(() -> api.invoke(new byte[0], Duration.ofMillis(200))).isInstanceOf(TimeoutException.class);
    }

    private CompletableFuture<LocalLambdaRuntimeApi.Result> invokeLater(String event, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return api.invoke(event.getBytes(StandardCharsets.UTF_8), timeout);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://" + api.address() + "/2018-06-01/runtime/" + path))
                .timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String errorType) throws Exception {
        HttpRequest.Builder request = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (errorType != null) {
            request.header("Lambda-Runtime-Function-Error-Type", errorType);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
