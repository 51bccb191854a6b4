package dev.tollgate.http;

import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * The answer the gateway hands back to the adapter.
 *
 * @param status  the HTTP status
 * @param headers the response headers
 * @param body    the body bytes, empty when there is none
 */
public record GatewayResponse(int status, Headers headers, byte[] body) {

    public GatewayResponse {
        headers = headers == null ? Headers.empty() : headers;
        body = body == null ? new byte[0] : body;
    }

    public static GatewayResponse json(int status, String json) {
        return new GatewayResponse(status,
                Headers.builder().set(HeaderNames.CONTENT_TYPE, "application/json").build(),
                json.getBytes(StandardCharsets.UTF_8));
    }

    public GatewayResponse withHeaders(UnaryOperator<Headers.Builder> change) {
        return new GatewayResponse(status, change.apply(headers.toBuilder()).build(), body);
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
