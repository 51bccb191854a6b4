package dev.tollgate.aws;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.policy.size.ResponseLimit;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Lambda carries a synchronous response of at most 6 MB (6,291,456 bytes) back: the response
 * event as the runtime serializes it to JSON, so the body after base64 when it is binary, escaped
 * when it is text, and the headers. A larger one would fail the invocation and API Gateway would
 * answer its own bare 502; the gateway answers a {@code response-too-large} problem instead.
 *
 * <p>The gateway checks the answer before the request id and CORS headers go on, so
 * {@value #RESERVED} bytes are kept for them; the size is reckoned for the REST API's
 * {@code multiValueHeaders}, which take a little more room than the HTTP API's {@code headers}
 * and {@code cookies}, so one check serves both handlers.
 */
final class LambdaResponseLimit implements ResponseLimit {

    static final LambdaResponseLimit INSTANCE = new LambdaResponseLimit();

    /** Lambda's limit for a synchronous invocation's response payload. */
    static final long MAX_PAYLOAD_BYTES = 6L * 1024 * 1024;
    /** For the headers that go on after the check, and the event's own fields. */
    static final int RESERVED = 8 * 1024;
    /** JSON text takes at most 6 bytes for each byte of UTF-8 (a control character's escape); below that, no need to count. */
    private static final int MAX_ESCAPE_GROWTH = 6;

    private LambdaResponseLimit() {
    }

    @Override
    public Optional<String> refusal(GatewayResponse response) {
        long size = payloadBytes(response);
        if (size + RESERVED <= MAX_PAYLOAD_BYTES) {
            return Optional.empty();
        }
        return Optional.of("The backend's answer is too large for AWS Lambda to carry back: " + size
                + " bytes as the function would return it (body " + (LambdaBodies.isText(response) ? "as JSON text" : "in base64")
                + ", headers included), more than the " + (MAX_PAYLOAD_BYTES - RESERVED) + " that fit.");
    }

    /** The bytes the answer takes in the response event, envelope aside; counted exactly only when it may matter. */
    static long payloadBytes(GatewayResponse response) {
        long headers = headerBytes(response);
        byte[] body = response.body();
        if (!LambdaBodies.isText(response)) {
            return headers + 4L * ((body.length + 2) / 3);
        }
        if (headers + (long) MAX_ESCAPE_GROWTH * body.length + RESERVED <= MAX_PAYLOAD_BYTES) {
            return headers + body.length;
        }
        return headers + jsonStringBytes(new String(body, StandardCharsets.UTF_8));
    }

    /** {@code "name":["value",...],} for every header. */
    private static long headerBytes(GatewayResponse response) {
        long[] bytes = {0};
        response.headers().forEach((name, values) -> {
            bytes[0] += jsonStringBytes(name) + 4;
            for (String value : values) {
                bytes[0] += jsonStringBytes(value) + 3;
            }
        });
        return bytes[0];
    }

    /** The UTF-8 bytes of a string's JSON form, without its quotes, escaped as Jackson escapes by default. */
    static long jsonStringBytes(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
                bytes += 2;
            } else if (c < 0x20) {
                bytes += 6;
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isSurrogate(c)) {
                // Jackson writes characters beyond the BMP as two escapes, not four bytes of UTF-8.
                bytes += 6;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
