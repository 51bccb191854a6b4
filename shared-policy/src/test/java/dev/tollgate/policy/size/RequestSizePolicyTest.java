package dev.tollgate.policy.size;

import static dev.tollgate.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.Gateway;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A route's {@code maxBodySize} through the pipeline, with a real HTTP backend. */
class RequestSizePolicyTest {

    private static final String CONFIG = TestGateways.keyedDev("uploadsBackend", "%s") + """
            routes:
              - {path: /uploads, methods: [POST], backend: "${stageVariables.uploadsBackend}", maxBodySize: 1KB}
            """;

    private final TestBackend backend = new TestBackend();
    private final Gateway gateway = TestGateways.from(CONFIG.formatted(backend.url()));

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void aBodyOfExactlyTheRoutesLimit_reachesTheBackend() {
        assertThat(gateway.handle(Requests.request("POST", "/uploads").key("dev-secret-key").body(new byte[1024]).build())
                .status()).isEqualTo(200);

        assertThat(backend.received()).hasSize(1);
    }

    @Test
    void aBodyOverTheRoutesLimit_is413_beforeAuthentication() throws Exception {
        assertProblem(gateway.handle(Requests.request("POST", "/uploads").body(new byte[1025]).build()), 413,
                "urn:tollgate:problem:payload-too-large", "The request body is 1025 bytes; this route takes at most 1024 bytes.");

        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aBodyOverTheRoutesLimit_usesNoQuota() throws Exception {
        assertThat(gateway.handle(Requests.request("POST", "/uploads").key("dev-secret-key").body(new byte[1025]).build())
                .status()).isEqualTo(413);

        assertThat(new ObjectMapper().readTree(gateway.handle(Requests.get("/_tollgate/usage").key("dev-secret-key").build()).body())
                .path("quota").path("used").asLong()).isZero();
    }
}
