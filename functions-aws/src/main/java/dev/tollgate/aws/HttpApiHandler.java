package dev.tollgate.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.http.Headers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Lambda handler behind an API Gateway HTTP API (payload format 2.0):
 * {@code dev.tollgate.aws.HttpApiHandler::handleRequest}. Translates the event, runs the gateway,
 * translates the answer back; nothing else. Holds no state of its own, so one instance serves
 * concurrent calls (the local runner makes them). An answer larger than Lambda carries back is a
 * 502 problem ({@link LambdaResponseLimit}).
 */
public final class HttpApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final Gateway gateway;

    /** The constructor Lambda calls: the gateway comes from the function's environment. */
    public HttpApiHandler() {
        this(AwsGateway.instance());
    }

    public HttpApiHandler(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return EventErrors.guard(() -> toResponse(gateway.handle(toRequest(event), LambdaResponseLimit.INSTANCE)),
                APIGatewayV2HTTPResponse.class,
                HttpApiHandler::toResponse);
    }

    static GatewayRequest toRequest(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        String stage = context.getStage();
        Headers.Builder headers = Headers.builder();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach(headers::add);
        }
        if (event.getCookies() != null && !event.getCookies().isEmpty()) {
            headers.set("cookie", String.join("; ", event.getCookies()));
        }
        LambdaTraceHeader.current().ifPresent(trace -> headers.set(HeaderNames.X_AMZN_TRACE_ID, trace));
        Headers built = headers.build();
        return new GatewayRequest(
                context.getHttp().getMethod(),
                stagePath(event.getRawPath(), stage),
                event.getRawQueryString(),
                built,
                LambdaBodies.decode(event.getBody(), event.getIsBase64Encoded()),
                context.getHttp().getSourceIp(),
                built.first(HeaderNames.X_FORWARDED_PROTO).orElse("https"),
                stage,
                event.getStageVariables());
    }

    /** An HTTP API's raw path starts with the stage's name, unless the stage is {@code $default}. */
    static String stagePath(String rawPath, String stage) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        String prefix = "/" + stage;
        if (path.equals(prefix)) {
            return "/";
        }
        return path.startsWith(prefix + "/") ? path.substring(prefix.length()) : path;
    }

    static APIGatewayV2HTTPResponse toResponse(GatewayResponse response) {
        Map<String, String> headers = new HashMap<>();
        List<String> cookies = new ArrayList<>();
        response.headers().forEach((name, values) -> {
            if (name.equalsIgnoreCase("set-cookie")) {
                cookies.addAll(values);
            } else {
                headers.put(name, String.join(", ", values));
            }
        });
        boolean text = LambdaBodies.isText(response);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(headers)
                .withCookies(cookies.isEmpty() ? null : cookies)
                .withBody(LambdaBodies.encode(response))
                .withIsBase64Encoded(!text)
                .build();
    }
}
