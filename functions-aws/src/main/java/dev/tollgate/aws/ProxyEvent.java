package dev.tollgate.aws;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.problem.BadRequestException;
import dev.tollgate.problem.GatewayException;
import dev.tollgate.problem.RouteNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * An API Gateway proxy event as the JSON the Lambda runtime hands a stream handler, read field by
 * field and never failing: a field the handler needs that is missing or of the wrong shape, or a body
 * marked base64 that is not, becomes the request's {@link dev.tollgate.http.GatewayRequest#refusal()}
 * (a 400 the pipeline gives with the request id, CORS headers, log line and metrics); nulls in maps
 * and lists are left out. Fields are named by JSON pointer ({@code /requestContext/http/method}).
 * One instance per event, confined to the invocation's thread.
 */
final class ProxyEvent {

    /** The stage an HTTP API serves when it names none; its invoke URL has no stage prefix. */
    static final String DEFAULT_STAGE = "$default";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode root;
    private GatewayException refusal;

    private ProxyEvent(JsonNode root, GatewayException refusal) {
        this.root = root;
        this.refusal = refusal;
    }

    /** Reads the invocation's payload; what is not a JSON object is refused like any other unreadable event. */
    static ProxyEvent read(InputStream input) {
        JsonNode root;
        try {
            root = JSON.readTree(input);
        } catch (IOException e) {
            return new ProxyEvent(MissingNode.getInstance(), unreadable("it is not JSON", e));
        }
        if (root == null || !root.isObject()) {
            return new ProxyEvent(MissingNode.getInstance(), unreadable("it is not a JSON object", null));
        }
        return new ProxyEvent(root, null);
    }

    /** The writer of response events, sharing the reader's configuration. */
    static ObjectMapper json() {
        return JSON;
    }

    /** The first reason the event could not be read, or null when every field read was sound. */
    GatewayException refusal() {
        return refusal;
    }

    /** A text field the request cannot do without; null (and the event refused) when it is missing. */
    String required(String pointer) {
        String value = text(pointer);
        if (value == null && refusal == null) {
            refuse("it has no " + firstMissing(pointer));
        }
        return value;
    }

    /** A text field, or null when it is missing or null; a number or boolean is read as its text. */
    String text(String pointer) {
        JsonNode node = root.at(pointer);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isContainerNode()) {
            refuse(name(pointer) + " is not a string");
            return null;
        }
        return node.asText();
    }

    /** A path field: {@code /} when missing or empty; refused unless it starts with {@code /}. */
    String path(String pointer) {
        String path = text(pointer);
        if (path == null || path.isEmpty()) {
            return "/";
        }
        if (!path.startsWith("/")) {
            refuse(name(pointer) + " does not start with /");
        }
        return path;
    }

    /** A map of names to text ({@code headers}, {@code stageVariables}), null values left out; empty when missing. */
    Map<String, String> strings(String pointer) {
        Map<String, String> values = new LinkedHashMap<>();
        forEachField(pointer, (name, node) -> scalar(pointer + "/" + name, node, value -> values.put(name, value)));
        return values;
    }

    /**
     * A map of names to lists of text ({@code multiValueHeaders}), null values and null entries left
     * out; empty when missing.
     */
    Map<String, List<String>> lists(String pointer) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        forEachField(pointer, (name, node) -> {
            List<String> list = list(pointer + "/" + name, node);
            if (!list.isEmpty()) {
                values.put(name, list);
            }
        });
        return values;
    }

    /** A list of text ({@code cookies}), null entries left out; empty when missing. */
    List<String> list(String pointer) {
        return list(pointer, root.at(pointer));
    }

    /** Whether a map field is present and holds something. */
    boolean present(String pointer) {
        JsonNode node = root.at(pointer);
        return node.isObject() && !node.isEmpty();
    }

    /** The body's bytes: empty when missing or null, base64-decoded when {@code isBase64Encoded} says so. */
    byte[] body() {
        JsonNode body = root.path("body");
        if (body.isMissingNode() || body.isNull()) {
            return new byte[0];
        }
        if (!body.isTextual()) {
            refuse("its body is not a string");
            return new byte[0];
        }
        JsonNode flag = root.path("isBase64Encoded");
        boolean base64 = flag.isBoolean() ? flag.booleanValue() : flag.isTextual() && Boolean.parseBoolean(flag.textValue());
        try {
            return LambdaBodies.decode(body.textValue(), base64);
        } catch (BadRequestException e) {
            if (refusal == null) {
                refusal = e;
            }
            return new byte[0];
        }
    }

    /**
     * The configuration stage of the event's stage: {@value #DEFAULT_STAGE} is the function's own
     * stage ({@code TOLLGATE_STAGE}); without one, the event is refused with a 404 that says how to map it.
     */
    String stage(String eventStage, Optional<String> functionStage, GatewayConfig config) {
        if (eventStage == null) {
            return "";
        }
        if (!eventStage.equals(DEFAULT_STAGE)) {
            return eventStage;
        }
        if (functionStage.isPresent()) {
            return functionStage.get();
        }
        if (refusal == null) {
            refusal = new RouteNotFoundException("The API Gateway stage " + DEFAULT_STAGE + " maps to no configuration stage:"
                    + " set the function's environment variable " + AwsGateway.STAGE + " to the stage it serves (one of "
                    + String.join(", ", config.stages().keySet()) + ").");
        }
        return eventStage;
    }

    private List<String> list(String pointer, JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return values;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                scalar(pointer + "/" + i, node.get(i), values::add);
            }
        } else {
            scalar(pointer, node, values::add);
        }
        return values;
    }

    private void forEachField(String pointer, BiConsumer<String, JsonNode> action) {
        JsonNode node = root.at(pointer);
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            refuse(name(pointer) + " is not an object");
            return;
        }
        node.fields().forEachRemaining(field -> action.accept(field.getKey(), field.getValue()));
    }

    private void scalar(String pointer, JsonNode node, Consumer<String> action) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isContainerNode()) {
            refuse(name(pointer) + " is not a string");
            return;
        }
        action.accept(node.asText());
    }

    /** The shallowest part of the pointer that is missing or null: {@code requestContext} rather than its fields. */
    private String firstMissing(String pointer) {
        JsonPointer whole = JsonPointer.compile(pointer);
        JsonNode node = root;
        StringBuilder name = new StringBuilder();
        for (JsonPointer part = whole; part != null && !part.matches(); part = part.tail()) {
            name.append(name.length() == 0 ? "" : ".").append(part.getMatchingProperty());
            node = node.path(part.getMatchingProperty());
            if (node.isMissingNode() || node.isNull()) {
                return name.toString();
            }
        }
        return name.toString();
    }

    private void refuse(String reason) {
        if (refusal == null) {
            refusal = unreadable(reason, null);
        }
    }

    private static String name(String pointer) {
        return "its " + pointer.substring(1).replace('/', '.');
    }

    private static GatewayException unreadable(String reason, Throwable cause) {
        return new BadRequestException("The API Gateway event cannot be read: " + reason + ".", cause);
    }
}
