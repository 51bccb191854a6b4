package dev.tollgate.http;

import dev.tollgate.problem.GatewayException;
import java.util.Map;
import java.util.Objects;

/**
 * A request as the gateway sees it, whatever platform delivered it.
 *
 * @param method         upper-case HTTP method
 * @param path           the path below the stage, starting with {@code /} ({@code /orders/7})
 * @param rawQuery       the query string without {@code ?}, or empty
 * @param headers        the caller's headers
 * @param body           the body bytes, empty when there is none
 * @param sourceIp       the caller's address as the platform saw it
 * @param scheme         {@code https} behind API Gateway, {@code http} locally
 * @param stage          the stage that received the request ({@code dev}, {@code prod})
 * @param stageVariables the stage's variables, as the platform handed them in
 * @param refusal        the answer the platform's adapter already decided, or null: an event it could
 *                       not read (a missing field, a body marked base64 that is not), a stage it cannot
 *                       map. The pipeline gives it after the request id and CORS, and logs and counts it
 *                       like every other answer ({@link dev.tollgate.policy.refusal.RefusalPolicy})
 */
public record GatewayRequest(
        String method,
        String path,
        String rawQuery,
        Headers headers,
        byte[] body,
        String sourceIp,
        String scheme,
        String stage,
        Map<String, String> stageVariables,
        GatewayException refusal) {

    /** A request the platform delivered whole. */
    public GatewayRequest(String method, String path, String rawQuery, Headers headers, byte[] body, String sourceIp,
                          String scheme, String stage, Map<String, String> stageVariables) {
        this(method, path, rawQuery, headers, body, sourceIp, scheme, stage, stageVariables, null);
    }

    public GatewayRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        rawQuery = rawQuery == null ? "" : rawQuery;
        headers = headers == null ? Headers.empty() : headers;
        body = body == null ? new byte[0] : body;
        sourceIp = sourceIp == null ? "" : sourceIp;
        scheme = scheme == null ? "https" : scheme;
        Objects.requireNonNull(stage, "stage");
        stageVariables = stageVariables == null ? Map.of() : Map.copyOf(stageVariables);
    }
}
