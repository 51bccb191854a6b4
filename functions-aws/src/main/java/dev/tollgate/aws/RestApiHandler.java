package dev.tollgate.aws;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The Lambda handler behind an API Gateway REST API (proxy integration, payload format 1.0):
 * {@code dev.tollgate.aws.RestApiHandler::handleRequest}. Reads the event's JSON itself
 * ({@link ProxyEvent}), so it needs nothing of the runtime's event serializer. Multi-value headers and
 * query strings are kept; the event's path already has the stage removed. An event it cannot read is a
 * 400 problem; an HTTP API's payload-1.0 events of the stage {@value ProxyEvent#DEFAULT_STAGE} reach
 * the function's own stage ({@value AwsGateway#STAGE}). Holds no state of its own, so one instance
 * serves concurrent calls. An answer larger than Lambda carries back is a 502 problem
 * ({@link LambdaResponseLimit}).
 */
public final class RestApiHandler extends ApiGatewayHandler {

    /** The constructor Lambda calls: the gateway and its stage come from the function's environment. */
    public RestApiHandler() {
        this(AwsGateway.instance(), AwsGateway.instanceStage());
    }

    /**
     * @param functionStage the configuration stage that events of the stage {@value ProxyEvent#DEFAULT_STAGE} reach
     */
    public RestApiHandler(Gateway gateway, Optional<String> functionStage) {
        super(gateway, functionStage);
    }

    @Override
    GatewayRequest toRequest(ProxyEvent event) {
        String method = event.required("/httpMethod");
        String eventStage = event.required("/requestContext/stage");
        Headers.Builder headers = Headers.builder();
        if (event.present("/multiValueHeaders")) {
            headers.addAll(event.lists("/multiValueHeaders"));
        } else {
            event.strings("/headers").forEach(headers::add);
        }
        return request(event, method, eventStage, headers, event.path("/path"), rawQuery(event),
                event.text("/requestContext/identity/sourceIp"));
    }

    /** REST API events carry the query decoded; the backend gets it encoded again. */
    static String rawQuery(ProxyEvent event) {
        Map<String, List<String>> multi = event.present("/multiValueQueryStringParameters")
                ? event.lists("/multiValueQueryStringParameters")
                : single(event.strings("/queryStringParameters"));
        StringJoiner query = new StringJoiner("&");
        multi.forEach((name, values) -> values.forEach(value ->
                query.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8))));
        return query.toString();
    }

    private static Map<String, List<String>> single(Map<String, String> values) {
        Map<String, List<String>> multi = new LinkedHashMap<>();
        values.forEach((name, value) -> multi.put(name, List.of(value)));
        return multi;
    }

    @Override
    void write(GatewayResponse response, OutputStream output) throws IOException {
        writeResponse(response, output);
    }

    /** The payload-1.0 response event, every header with all its values. */
    static void writeResponse(GatewayResponse response, OutputStream output) throws IOException {
        try (JsonGenerator json = ProxyEvent.json().getFactory().createGenerator(output)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            json.writeStartObject();
            json.writeNumberField("statusCode", response.status());
            json.writeObjectFieldStart("multiValueHeaders");
            for (String name : response.headers().names()) {
                json.writeArrayFieldStart(name);
                for (String value : response.headers().all(name)) {
                    json.writeString(value);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeStringField("body", LambdaBodies.encode(response));
            json.writeBooleanField("isBase64Encoded", !LambdaBodies.isText(response));
            json.writeEndObject();
        }
        output.flush();
    }
}
