package dev.tollgate.problem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.pipeline.Exchange;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProblemsTest {

    @Test
    void anExchangesFailure_isAProblemDocument_withItsRequestIdAndPath_andTheFailuresHeaders() throws Exception {
        Exchange exchange = exchange();

        GatewayResponse answer = Problems.answer(exchange, new CircuitOpenException("The circuit is open.", 7));

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.headers().first("content-type")).contains("application/problem+json");
        assertThat(answer.headers().first("retry-after")).contains("7");
        JsonNode problem = new ObjectMapper().readTree(answer.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:tollgate:problem:circuit-open");
        assertThat(problem.get("title").asText()).isEqualTo("Service Unavailable");
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("detail").asText()).isEqualTo("The circuit is open.");
        assertThat(problem.get("instance").asText()).isEqualTo("/orders/7");
        assertThat(problem.get("requestId").asText()).isEqualTo("r-1");
        assertThat(problem.size()).isEqualTo(6);
    }

    @Test
    void anExchangesFailure_isNotedAsItsProblem_forTheRequestsLog() {
        Exchange exchange = exchange();

        Problems.answer(exchange, new CircuitOpenException("The circuit is open.", 7));

        assertThat(exchange.observed().problem()).contains("urn:tollgate:problem:circuit-open");
    }

    private static Exchange exchange() {
        Exchange exchange = new Exchange(new GatewayRequest("GET", "/orders/7", "", Headers.builder().build(), null,
                "192.0.2.1", "https", "dev", Map.of()), Instant.EPOCH);
        exchange.requestId("r-1");
        return exchange;
    }
}
