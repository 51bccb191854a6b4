package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.local.LocalRunner;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A plan of 100 requests an hour allows exactly 100, however many arrive at once: around the Lambda
 * handler counting in DynamoDB Local, and around the Azure function counting in the Cosmos DB emulator.
 */
class ExactQuotaEndToEndTest {

    private static final int CALLERS = 250;

    @ParameterizedTest
    @EnumSource(LocalRunner.Platform.class)
    void quota_isNeverExceeded_under250ConcurrentCallers(LocalRunner.Platform platform) throws Exception {
        try (LocalTollgate tollgate = LocalTollgate.limits(platform)) {
            ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<HttpResponse<String>>> calls = new ArrayList<>();
                for (int i = 0; i < CALLERS; i++) {
                    calls.add(pool.submit(() -> {
                        start.await();
                        return tollgate.get("/dev/orders", "x-api-key", "hourly-key");
                    }));
                }
                start.countDown();
                List<HttpResponse<String>> responses = new ArrayList<>();
                for (Future<HttpResponse<String>> call : calls) {
                    responses.add(call.get(120, TimeUnit.SECONDS));
                }

                List<HttpResponse<String>> allowed = responses.stream().filter(r -> r.statusCode() == 200).toList();
                List<HttpResponse<String>> refused = responses.stream().filter(r -> r.statusCode() == 429).toList();
                assertThat(allowed).hasSize(100);
                assertThat(refused).hasSize(CALLERS - 100);
                assertThat(allowed).allSatisfy(r -> assertThat(r.headers().firstValue("ratelimit-limit")).contains("100"));
                assertThat(allowed.stream().map(r -> r.headers().firstValue("ratelimit-remaining").orElseThrow()).distinct())
                        .hasSize(100);
                assertThat(refused).allSatisfy(r -> {
                    assertThat(r.headers().firstValue("retry-after")).contains("1800");
                    assertThat(r.headers().firstValue("ratelimit-remaining")).contains("0");
                    assertThat(r.headers().firstValue("ratelimit-reset")).contains("1800");
                    assertThat(r.headers().firstValue("content-type")).contains("application/problem+json");
                });
            } finally {
                pool.shutdownNow();
            }

            HttpResponse<String> usage = tollgate.get("/dev/_tollgate/usage", "x-api-key", "hourly-key");
            assertThat(LocalTollgate.json(usage).path("quota").path("remaining").asLong()).isZero();
            assertThat(LocalTollgate.json(usage).path("quota").path("used").asLong()).isEqualTo(100);
        }
    }
}
