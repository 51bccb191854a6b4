package dev.tollgate.e2e;

import static dev.tollgate.e2e.LocalTollgate.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rate limits and several quotas through real HTTP, the real handler and DynamoDB Local
 * ({@code limits.yaml}). The gateway's clock stands still, so no token comes back mid-test.
 */
class RateLimitEndToEndTest {

    private static LocalTollgate tollgate;

    @BeforeAll
    static void start() throws Exception {
        tollgate = LocalTollgate.limits();
    }

    @AfterAll
    static void stop() {
        tollgate.close();
    }

    @Test
    void theBurst_passes_thenA429_withRetryAfter_andTheRateLimitHeaders() {
        // bursty: 3 requests a minute, bursts of 3: a token every 20 s.
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> allowed = tollgate.get("/dev/orders", "x-api-key", "bursty-key");
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("ratelimit-limit")).contains("3");
            assertThat(allowed.headers().firstValue("ratelimit-remaining")).contains(Integer.toString(3 - i));
            assertThat(allowed.headers().firstValue("ratelimit-reset")).contains(Integer.toString(20 * i));
        }

        HttpResponse<String> refused = tollgate.get("/dev/orders", "x-api-key", "bursty-key");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("content-type")).contains("application/problem+json");
        assertThat(refused.headers().firstValue("retry-after")).contains("20");
        assertThat(refused.headers().firstValue("ratelimit-limit")).contains("3");
        assertThat(refused.headers().firstValue("ratelimit-remaining")).contains("0");
        assertThat(refused.headers().firstValue("ratelimit-reset")).contains("60");
        JsonNode problem = json(refused);
        assertThat(problem.path("type").asText()).isEqualTo("urn:tollgate:problem:rate-limited");
        assertThat(problem.path("detail").asText()).isEqualTo("The rate limit of plan bursty (3 requests per minute"
                + " with bursts of 3) is reached; a request passes again in 20 s.");
    }

    @Test
    void theBurst_isExact_underConcurrentCallers() throws Exception {
        int callers = 40;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<HttpResponse<String>> responses = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return tollgate.get("/dev/orders", "x-api-key", "bursty-key-2");
                }));
            }
            start.countDown();
            for (Future<HttpResponse<String>> call : calls) {
                responses.add(call.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(responses.stream().filter(r -> r.statusCode() == 200)).hasSize(3);
        assertThat(responses.stream().filter(r -> r.statusCode() == 429)).hasSize(callers - 3)
                .allSatisfy(r -> assertThat(r.headers().firstValue("retry-after")).isPresent());
    }

    @Test
    void withARateLimitAndQuotas_theTightestDecides_andARefusedRequestUsesNoQuota() {
        // mixed: bursts of 10, 3 an hour, 1000 a day: the hourly quota has the least left.
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> allowed = tollgate.get("/dev/orders", "x-api-key", "mixed-key");
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("ratelimit-limit")).contains("3");
            assertThat(allowed.headers().firstValue("ratelimit-remaining")).contains(Integer.toString(3 - i));
            assertThat(allowed.headers().firstValue("ratelimit-reset")).contains("1800");
        }

        HttpResponse<String> refused = tollgate.get("/dev/orders", "x-api-key", "mixed-key");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("retry-after")).contains("1800");
        assertThat(json(refused).path("detail").asText())
                .isEqualTo("The 3 requests per hour of plan mixed are used up; the quota resets in 1800 s.");
        JsonNode usage = json(tollgate.get("/dev/_tollgate/usage", "x-api-key", "mixed-key"));
        assertThat(usage.path("quota").path("period").asText()).isEqualTo("day");
        assertThat(usage.path("quotas").get(0).path("used").asLong()).as("the refused request's count, given back").isEqualTo(3);
        assertThat(usage.path("quotas").get(1).path("period").asText()).isEqualTo("hour");
        assertThat(usage.path("quotas").get(1).path("used").asLong()).isEqualTo(3);
        // The rate limit let all four through: its tokens are spent.
        assertThat(usage.path("rateLimit").path("remaining").asLong()).isEqualTo(6);

        // steady: bursts of 2 against 100 an hour: the rate limit has the least left.
        HttpResponse<String> steady = tollgate.get("/dev/orders", "x-api-key", "steady-key");
        assertThat(steady.headers().firstValue("ratelimit-limit")).contains("2");
        assertThat(steady.headers().firstValue("ratelimit-remaining")).contains("1");
        assertThat(steady.headers().firstValue("ratelimit-reset")).contains("1");
    }
}
