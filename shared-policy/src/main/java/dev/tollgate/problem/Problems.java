package dev.tollgate.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.pipeline.Exchange;
import java.nio.charset.StandardCharsets;

/** Renders failures as RFC 9457 problem documents; never a stack trace. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {
    }

    /**
     * The answer to an exchange that failed: the failure noted as its problem, for the request's log
     * and metrics, and rendered with its request id, the request's path as the instance.
     */
    public static GatewayResponse answer(Exchange exchange, GatewayException failure) {
        exchange.observed().problem(failure.type());
        return render(failure, exchange.requestId(), exchange.request().path());
    }

    private static GatewayResponse render(GatewayException failure, String requestId, String instance) {
        ObjectNode problem = JSON.createObjectNode()
                .put("type", failure.type())
                .put("title", failure.title())
                .put("status", failure.status())
                .put("detail", failure.detail())
                .put("instance", instance)
                .put("requestId", requestId);
        byte[] body;
        try {
            body = JSON.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem document could not be written", e);
        }
        return new GatewayResponse(failure.status(),
                failure.headers().toBuilder().set(HeaderNames.CONTENT_TYPE, MEDIA_TYPE).build(), body);
    }
}
