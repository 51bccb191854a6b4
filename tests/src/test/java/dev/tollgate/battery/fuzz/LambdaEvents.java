package dev.tollgate.battery.fuzz;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Hands event bytes to a Lambda stream handler as the runtime does and checks the response event:
 * a JSON object API Gateway accepts ({@code statusCode} a number from 100 to 599, headers of text,
 * {@code body} text, base64 when {@code isBase64Encoded}), with a request id and no 5xx of the gateway's.
 */
final class LambdaEvents {

    /** AWS's published sample events (functions-aws's test resources): the fuzz tests' seeds. */
    private static final Path SAMPLES = Path.of("..", "functions-aws", "src", "test", "resources", "aws-sample-events");

    private LambdaEvents() {
    }

    /** The bytes of the sample events whose file names start with {@code prefix}. */
    static Stream<byte[]> samples(String prefix) {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            List<Path> chosen = files.filter(file -> file.getFileName().toString().startsWith(prefix)).sorted().toList();
            List<byte[]> events = new ArrayList<>();
            for (Path file : chosen) {
                events.add(Files.readAllBytes(file));
            }
            return events.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void check(RequestStreamHandler handler, byte[] event, boolean v2) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event), output, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String input = new String(event, StandardCharsets.UTF_8);
        JsonNode response = Answers.json(output.toByteArray(), input);
        JsonNode status = response.path("statusCode");
        JsonNode body = response.path("body");
        JsonNode base64 = response.path("isBase64Encoded");
        if (!response.isObject() || !status.isInt() || !body.isTextual() || !base64.isBoolean()) {
            throw new AssertionError("not a response event API Gateway reads: " + response + ", for " + input);
        }
        Map<String, List<String>> headers = new HashMap<>();
        JsonNode written = response.path(v2 ? "headers" : "multiValueHeaders");
        written.fields().forEachRemaining(field -> {
            List<String> values = new ArrayList<>();
            if (v2 && field.getValue().isTextual()) {
                values.add(field.getValue().textValue());
            } else if (!v2 && field.getValue().isArray()) {
                field.getValue().forEach(value -> values.add(value.isTextual() ? value.textValue() : null));
            }
            if (values.isEmpty() || values.contains(null)) {
                throw new AssertionError("header " + field + " is not text, for " + input);
            }
            headers.put(field.getKey().toLowerCase(Locale.ROOT), values);
        });
        byte[] bytes = base64.booleanValue() ? Base64.getDecoder().decode(body.textValue())
                : body.textValue().getBytes(StandardCharsets.UTF_8);
        Answers.check(status.intValue(), headers, bytes, input);
    }
}
