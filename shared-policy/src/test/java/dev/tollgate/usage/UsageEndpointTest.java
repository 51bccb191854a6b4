package dev.tollgate.usage;

import static dev.tollgate.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /{stage}/_tollgate/usage} through the pipeline, with in-memory counters and a fixed clock. */
class UsageEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant TEN_PAST_NOON = Instant.parse("2026-11-23T12:10:00Z");
    private static final String CONFIG = """
            stages:
              dev:
                variables: {ordersBackend: "%s"}
            plans:
              tiny:
                quota: {limit: 3, period: hour}
            apiKeys:
              - {id: dev-key, value: dev-secret-key, consumer: alice, stage: dev, plan: tiny}
            routes:
              - {path: /orders, methods: [GET], backend: "${stageVariables.ordersBackend}"}
            """;

    private final TestBackend backend = new TestBackend();
    private final Gateway gateway = TestGateways.builder(CONFIG.formatted(backend.url()))
            .clock(new MutableClock(TEN_PAST_NOON)).build();

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void theUsage_namesTheConsumerAndPlan_andWhatIsLeftOfTheQuota() throws Exception {
        gateway.handle(Requests.get("/orders").key("dev-secret-key").build());

        GatewayResponse usage = gateway.handle(usage("dev-secret-key"));

        assertThat(usage.status()).isEqualTo(200);
        JsonNode body = JSON.readTree(usage.body());
        assertThat(body.path("plan").asText()).isEqualTo("tiny");
        assertThat(body.path("consumer").asText()).isEqualTo("alice");
        assertThat(body.path("quota").path("limit").asLong()).isEqualTo(3);
        assertThat(body.path("quota").path("remaining").asLong()).isEqualTo(2);
        assertThat(body.path("quota").path("resetsAt").asText()).isEqualTo("2026-11-23T13:00:00Z");
        assertThat(body.path("quota").path("resetSeconds").asLong()).isEqualTo(3000);
    }

    @Test
    void readingTheUsage_countsAgainstNoQuota() throws Exception {
        gateway.handle(Requests.get("/orders").key("dev-secret-key").build());
        gateway.handle(usage("dev-secret-key"));
        gateway.handle(usage("dev-secret-key"));

        assertThat(JSON.readTree(gateway.handle(usage("dev-secret-key")).body())
                .path("quota").path("used").asLong()).isEqualTo(1);
    }

    @Test
    void theUsage_needsAKey() throws Exception {
        assertProblem(gateway.handle(Requests.get("/_tollgate/usage").build()), 401,
                "urn:tollgate:problem:unauthenticated", "This route needs an API key; send it in the x-api-key header.");
    }

    private static GatewayRequest usage(String key) {
        return Requests.get("/_tollgate/usage").key(key).build();
    }
}
