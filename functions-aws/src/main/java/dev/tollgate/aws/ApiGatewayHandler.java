package dev.tollgate.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.http.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * What the handlers of API Gateway's two payload formats share: read the event ({@link ProxyEvent}),
 * run the gateway, write the response event. Each format says where its fields are and how its
 * response is written; the request is put together here once. Holds no state of its own, so one
 * instance serves concurrent calls (the local runner makes them).
 */
public abstract sealed class ApiGatewayHandler implements RequestStreamHandler permits HttpApiHandler, RestApiHandler {

    private final Gateway gateway;
    private final Optional<String> functionStage;

    /**
     * @param functionStage the configuration stage that events of the stage {@value ProxyEvent#DEFAULT_STAGE} reach
     */
    ApiGatewayHandler(Gateway gateway, Optional<String> functionStage) {
        this.gateway = gateway;
        this.functionStage = functionStage;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        GatewayResponse response = gateway.handle(toRequest(ProxyEvent.read(input)), LambdaResponseLimit.INSTANCE);
        write(response, output);
    }

    /** The request the event carries. */
    abstract GatewayRequest toRequest(ProxyEvent event);

    /** The response event of this payload format. */
    abstract void write(GatewayResponse response, OutputStream output) throws IOException;

    /**
     * The scheme API Gateway received the request on, as its last {@code X-Forwarded-Proto} says: {@code http}
     * (the local runner's emulation), otherwise {@code https}, whatever else a caller wrote there.
     */
    static String scheme(Headers headers) {
        List<String> protos = headers.all(HeaderNames.X_FORWARDED_PROTO);
        return !protos.isEmpty() && protos.get(protos.size() - 1).strip().equalsIgnoreCase("http") ? "http" : "https";
    }

    /**
     * The request from the fields the payload format read, in the order they were read (the first one
     * missing is the refusal's reason), with the body, the stage and its variables, which both formats
     * hold alike, and Lambda's trace header.
     */
    final GatewayRequest request(ProxyEvent event, String method, String eventStage, Headers.Builder headers, String path,
                                 String rawQuery, String sourceIp) {
        LambdaTraceHeader.current().ifPresent(trace -> headers.set(HeaderNames.X_AMZN_TRACE_ID, trace));
        Headers built = headers.build();
        byte[] body = event.body();
        String stage = event.stage(eventStage, functionStage, gateway.config());
        return new GatewayRequest(
                method == null ? "" : method,
                path,
                rawQuery,
                built,
                body,
                sourceIp,
                scheme(built),
                stage,
                event.strings("/stageVariables"),
                event.refusal());
    }
}
