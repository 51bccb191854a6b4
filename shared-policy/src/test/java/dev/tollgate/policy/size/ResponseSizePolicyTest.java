package dev.tollgate.policy.size;

import static dev.tollgate.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An answer larger than the platform can carry back ({@link ResponseLimit}), through the pipeline with a real backend. */
class ResponseSizePolicyTest {

    private static final String CONFIG = TestGateways.keyedDev("ordersBackend", "%s") + """
            cors: {allowOrigins: ["https://app.example.com"]}
            routes:
              - {path: /orders, methods: [GET], backend: "${stageVariables.ordersBackend}"}
            """;
    private static final ResponseLimit TEN_BYTES = answer -> answer.body().length > 10
            ? Optional.of("The answer of " + answer.body().length + " bytes is more than this platform's 10.") : Optional.empty();

    private final TestBackend backend = new TestBackend();
    private final Gateway gateway = TestGateways.from(CONFIG.formatted(backend.url()));

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void anAnswerWithinThePlatformsLimit_reachesTheCallerUntouched() {
        backend.answer(200, "text/plain", "0123456789".getBytes(StandardCharsets.UTF_8));

        GatewayResponse response = gateway.handle(Requests.get("/orders").key("dev-secret-key").build(), TEN_BYTES);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyAsString()).isEqualTo("0123456789");
    }

    @Test
    void anAnswerOverThePlatformsLimit_isA502Problem_namingWhy() throws Exception {
        backend.answer(200, "text/plain", "0123456789A".getBytes(StandardCharsets.UTF_8));

        GatewayResponse response = gateway.handle(Requests.get("/orders").key("dev-secret-key").build(), TEN_BYTES);

        assertProblem(response, 502, "urn:tollgate:problem:response-too-large",
                "The answer of 11 bytes is more than this platform's 10.");
    }

    @Test
    void theProblemForAnAnswerOverTheLimit_carriesTheCorsHeaders() {
        backend.answer(200, "text/plain", "0123456789A".getBytes(StandardCharsets.UTF_8));

        GatewayResponse response = gateway.handle(Requests.get("/orders").key("dev-secret-key")
                .header("origin", "https://app.example.com").build(), TEN_BYTES);

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.headers().first("access-control-allow-origin")).contains("https://app.example.com");
    }
}
