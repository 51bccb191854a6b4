package dev.tollgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.http.GatewayResponse;
import java.io.IOException;

/** What every answer the gateway refuses with must be: an application/problem+json of its status, with the request id. */
public final class ProblemAssertions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProblemAssertions() {
    }

    /** The response is the problem {@code type} with {@code status} and exactly {@code detail}, naming its request id. */
    public static void assertProblem(GatewayResponse response, int status, String type, String detail) throws IOException {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.headers().first("content-type")).contains("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("type").asText()).isEqualTo(type);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("detail").asText()).isEqualTo(detail);
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("requestId").asText()).isEqualTo(response.headers().first("x-request-id").orElseThrow());
    }
}
