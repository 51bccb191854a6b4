package dev.tollgate.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.http.Headers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The Lambda handler behind an API Gateway REST API (proxy integration, payload format 1.0):
 * {@code dev.tollgate.aws.RestApiHandler::handleRequest}. Multi-value headers and query strings
 * are kept; the event's path already has the stage removed. Holds no state of its own, so one
 * instance serves concurrent calls. An answer larger than Lambda carries back is a 502 problem
 * ({@link LambdaResponseLimit}).
 */
public final class RestApiHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final Gateway gateway;

    /** The constructor Lambda calls: the gateway comes from the function's environment. */
    public RestApiHandler() {
        this(AwsGateway.instance());
    }

    public RestApiHandler(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return EventErrors.guard(() -> toResponse(gateway.handle(toRequest(event), LambdaResponseLimit.INSTANCE)),
                APIGatewayProxyResponseEvent.class,
                RestApiHandler::toResponse);
    }

    static GatewayRequest toRequest(APIGatewayProxyRequestEvent event) {
        Headers.Builder headers = Headers.builder();
        if (event.getMultiValueHeaders() != null) {
            headers.addAll(event.getMultiValueHeaders());
        } else if (event.getHeaders() != null) {
            event.getHeaders().forEach(headers::add);
        }
        LambdaTraceHeader.current().ifPresent(trace -> headers.set(HeaderNames.X_AMZN_TRACE_ID, trace));
        Headers built = headers.build();
        APIGatewayProxyRequestEvent.ProxyRequestContext context = event.getRequestContext();
        String sourceIp = context != null && context.getIdentity() != null ? context.getIdentity().getSourceIp() : null;
        String stage = context != null && context.getStage() != null ? context.getStage() : "";
        return new GatewayRequest(
                event.getHttpMethod(),
                event.getPath() == null || event.getPath().isEmpty() ? "/" : event.getPath(),
                rawQuery(event),
                built,
                LambdaBodies.decode(event.getBody(), Boolean.TRUE.equals(event.getIsBase64Encoded())),
                sourceIp,
                built.first(HeaderNames.X_FORWARDED_PROTO).orElse("https"),
                stage,
                event.getStageVariables());
    }

    /** REST API events carry the query decoded; the backend gets it encoded again. */
    static String rawQuery(APIGatewayProxyRequestEvent event) {
        Map<String, List<String>> multi = event.getMultiValueQueryStringParameters();
        if (multi == null && event.getQueryStringParameters() != null) {
            multi = new HashMap<>();
            for (Map.Entry<String, String> e : event.getQueryStringParameters().entrySet()) {
                multi.put(e.getKey(), List.of(e.getValue()));
            }
        }
        if (multi == null) {
            return "";
        }
        StringJoiner query = new StringJoiner("&");
        multi.forEach((name, values) -> values.forEach(value ->
                query.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8))));
        return query.toString();
    }

    static APIGatewayProxyResponseEvent toResponse(GatewayResponse response) {
        Map<String, List<String>> headers = new HashMap<>();
        response.headers().forEach(headers::put);
        boolean text = LambdaBodies.isText(response);
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(response.status())
                .withMultiValueHeaders(headers)
                .withBody(LambdaBodies.encode(response))
                .withIsBase64Encoded(!text);
    }
}
