package dev.tollgate.e2e;

import static dev.tollgate.e2e.LocalTollgate.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.local.DemoIssuer;
import dev.tollgate.observe.RequestObservation;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The local runner calls one handler instance from many threads at once, as warm Lambda
 * instances side by side would see requests: each answer, each backend call and each request log
 * line belongs to its own request, with its id, its caller and its trace, never another's.
 */
class ConcurrentRequestsEndToEndTest {

    private static final int THREADS = 16;
    private static final int REQUESTS_EACH = 12;

    @Test
    void concurrentRequests_keepTheirOwnIds_identities_andTraces() throws Exception {
        Map<String, RequestObservation> logged = new ConcurrentHashMap<>();
        DemoIssuer issuer = DemoIssuer.at(Path.of("."));
        try (LocalTollgate tollgate = LocalTollgate.example(observation -> {
            RequestObservation earlier = logged.put(observation.requestId(), observation);
            assertThat(earlier).as("one observation per request id").isNull();
        })) {
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService callers = Executors.newFixedThreadPool(THREADS);
            List<Future<List<Call>>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                String user = "user-" + t;
                String token = issuer.token("tollgate-dev", user, List.of(), Map.of(), Duration.ofMinutes(10), tollgate.now());
                int thread = t;
                results.add(callers.submit(() -> {
                    start.await();
                    List<Call> calls = new ArrayList<>();
                    for (int i = 0; i < REQUESTS_EACH; i++) {
                        String id = "c-" + thread + "-" + i;
                        boolean byKey = (thread + i) % 2 == 0;
                        String traceId = String.format("%032x", thread * 1000L + i + 1);
                        HttpResponse<String> response = tollgate.get("/dev/orders/" + thread + "-" + i,
                                "x-request-id", id,
                                "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01",
                                byKey ? "x-api-key" : "authorization", byKey ? "demo-dev-key" : "Bearer " + token);
                        calls.add(new Call(id, byKey ? "demo-dev" : "local-demo:" + user, traceId, thread + "-" + i, response));
                    }
                    return calls;
                }));
            }
            start.countDown();
            List<Call> calls = new ArrayList<>();
            for (Future<List<Call>> result : results) {
                calls.addAll(result.get(120, TimeUnit.SECONDS));
            }
            callers.shutdown();

            assertThat(calls).hasSize(THREADS * REQUESTS_EACH);
            for (Call call : calls) {
                assertThat(call.response().statusCode()).as(call.id()).isEqualTo(200);
                assertThat(call.response().headers().firstValue("x-request-id")).as(call.id()).contains(call.id());
                JsonNode backend = json(call.response());
                assertThat(backend.path("requestId").asText()).as(call.id()).isEqualTo(call.id());
                assertThat(backend.path("path").asText()).as(call.id()).isEqualTo("/orders/" + call.order());
                assertThat(backend.path("identity").path("consumer").asText()).as(call.id()).isEqualTo(call.consumer());
                assertThat(backend.path("trace").path("traceparent").asText()).as(call.id())
                        .startsWith("00-" + call.traceId() + "-");

                RequestObservation observation = logged.get(call.id());
                assertThat(observation).as(call.id()).isNotNull();
                assertThat(observation.consumer()).as(call.id()).contains(call.consumer());
                assertThat(observation.path()).as(call.id()).isEqualTo("/orders/" + call.order());
                assertThat(observation.traceId()).as(call.id()).isEqualTo(call.traceId());
                assertThat(observation.status()).as(call.id()).isEqualTo(200);
            }
            assertThat(logged).hasSize(calls.size());
        }
    }

    private record Call(String id, String consumer, String traceId, String order, HttpResponse<String> response) {
    }
}
