package dev.tollgate.aws;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * API Gateway events for the handler tests: copies of AWS's published samples
 * ({@code src/test/resources/aws-sample-events}), changed where a test needs it, and handed to a
 * handler as the bytes the Lambda runtime hands it.
 */
final class ProxyEvents {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SAMPLES = "aws-sample-events/";

    private ProxyEvents() {
    }

    /** A fresh copy of a published sample event. */
    static ObjectNode sample(String file) {
        try (InputStream in = ProxyEvents.class.getClassLoader().getResourceAsStream(SAMPLES + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample event " + file);
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A payload-2.0 event (AWS's javalibs sample) for a method, raw path and stage, without headers or body. */
    static ObjectNode httpApi(String method, String rawPath, String stage) {
        ObjectNode event = sample("v2--javalibs-apigw_http_event.json");
        event.put("rawPath", rawPath).put("rawQueryString", "").putObject("headers");
        event.remove(List.of("cookies", "body", "isBase64Encoded"));
        event.putObject("stageVariables").put("ordersBackend", "http://127.0.0.1:1");
        ObjectNode context = (ObjectNode) event.path("requestContext");
        context.put("stage", stage);
        ((ObjectNode) context.path("http")).put("method", method).put("path", rawPath).put("sourceIp", "198.51.100.7");
        return event;
    }

    /** A payload-1.0 event (AWS's javalibs REST sample) for a method, path and stage, without headers, query or body. */
    static ObjectNode restApi(String method, String path, String stage) {
        ObjectNode event = sample("v1--javalibs-apigw_event.json");
        event.put("httpMethod", method).put("path", path).put("resource", path);
        event.remove(List.of("headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters",
                "body", "isBase64Encoded"));
        event.putObject("stageVariables").put("ordersBackend", "http://127.0.0.1:1");
        ObjectNode context = (ObjectNode) event.path("requestContext");
        context.put("stage", stage).put("httpMethod", method).put("path", "/" + stage + path);
        ((ObjectNode) context.path("identity")).put("sourceIp", "198.51.100.9");
        return event;
    }

    /** The response event a handler writes for an event given as the runtime gives it: bytes. */
    static JsonNode invoke(RequestStreamHandler handler, JsonNode event) {
        return invoke(handler, bytes(event));
    }

    static JsonNode invoke(RequestStreamHandler handler, byte[] event) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event), output, null);
            return JSON.readTree(output.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(JsonNode event) {
        try {
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ProxyEvent read(JsonNode event) {
        return ProxyEvent.read(new ByteArrayInputStream(bytes(event)));
    }

    /** A header's values in a response event: payload 2.0's joined {@code headers}, payload 1.0's {@code multiValueHeaders}. */
    static List<String> header(JsonNode response, String name) {
        List<String> values = new ArrayList<>();
        JsonNode single = response.path("headers").path(name);
        if (!single.isMissingNode()) {
            values.add(single.asText());
        }
        response.path("multiValueHeaders").path(name).forEach(value -> values.add(value.asText()));
        return values;
    }
}
