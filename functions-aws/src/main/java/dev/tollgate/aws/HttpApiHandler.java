package dev.tollgate.aws;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Lambda handler behind an API Gateway HTTP API (payload format 2.0):
 * {@code dev.tollgate.aws.HttpApiHandler::handleRequest}. Reads the event's JSON itself
 * ({@link ProxyEvent}), runs the gateway, writes the response event; nothing else. An event it cannot
 * read is a 400 problem, and the stage {@value ProxyEvent#DEFAULT_STAGE} is the function's own
 * ({@value AwsGateway#STAGE}). Holds no state of its own, so one instance serves concurrent calls (the
 * local runner makes them). An answer larger than Lambda carries back is a 502 problem
 * ({@link LambdaResponseLimit}).
 */
public final class HttpApiHandler extends ApiGatewayHandler {

    /** The constructor Lambda calls: the gateway and its stage come from the function's environment. */
    public HttpApiHandler() {
        this(AwsGateway.instance(), AwsGateway.instanceStage());
    }

    /**
     * @param functionStage the configuration stage that events of the stage {@value ProxyEvent#DEFAULT_STAGE} reach
     */
    public HttpApiHandler(Gateway gateway, Optional<String> functionStage) {
        super(gateway, functionStage);
    }

    @Override
    GatewayRequest toRequest(ProxyEvent event) {
        String method = event.required("/requestContext/http/method");
        String eventStage = event.required("/requestContext/stage");
        Headers.Builder headers = Headers.builder();
        event.strings("/headers").forEach(headers::add);
        List<String> cookies = event.list("/cookies");
        if (!cookies.isEmpty()) {
            headers.set("cookie", String.join("; ", cookies));
        }
        return request(event, method, eventStage, headers, stagePath(event.path("/rawPath"), eventStage),
                event.text("/rawQueryString"), event.text("/requestContext/http/sourceIp"));
    }

    /** An HTTP API's raw path starts with the stage's name, unless the stage is {@value ProxyEvent#DEFAULT_STAGE}. */
    static String stagePath(String rawPath, String stage) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        if (stage == null || stage.equals(ProxyEvent.DEFAULT_STAGE)) {
            return path;
        }
        String prefix = "/" + stage;
        if (path.equals(prefix)) {
            return "/";
        }
        return path.startsWith(prefix + "/") ? path.substring(prefix.length()) : path;
    }

    @Override
    void write(GatewayResponse response, OutputStream output) throws IOException {
        writeResponse(response, output);
    }

    /** The payload-2.0 response event: {@code Set-Cookie} values go in {@code cookies}, other headers joined. */
    static void writeResponse(GatewayResponse response, OutputStream output) throws IOException {
        List<String> cookies = new ArrayList<>();
        try (JsonGenerator json = ProxyEvent.json().getFactory().createGenerator(output)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            json.writeStartObject();
            json.writeNumberField("statusCode", response.status());
            json.writeObjectFieldStart("headers");
            for (String name : response.headers().names()) {
                if (name.equalsIgnoreCase("set-cookie")) {
                    cookies.addAll(response.headers().all(name));
                } else {
                    json.writeStringField(name, response.headers().joined(name));
                }
            }
            json.writeEndObject();
            if (!cookies.isEmpty()) {
                json.writeArrayFieldStart("cookies");
                for (String cookie : cookies) {
                    json.writeString(cookie);
                }
                json.writeEndArray();
            }
            json.writeStringField("body", LambdaBodies.encode(response));
            json.writeBooleanField("isBase64Encoded", !LambdaBodies.isText(response));
            json.writeEndObject();
        }
        output.flush();
    }
}
