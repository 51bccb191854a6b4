package dev.tollgate.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.aws.LambdaBodies;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * An API Gateway HTTP API on 127.0.0.1: each stage under its own path prefix, as the invoke URL
 * has it ({@code /dev/orders}). Every request becomes a payload-2.0 event with that stage's
 * variables and goes to the Lambda handler as the JSON Lambda hands it, called concurrently as warm
 * instances would be. Beside
 * the stages it serves the demo issuer's keys at {@value DemoIssuer#JWKS_PATH}, when there is one.
 *
 * <p>It answers as API Gateway does where a caller gets things wrong: JSON {@code {"message": ...}}
 * with 400 for malformed HTTP, 413 for a body past {@value #MAX_BODY_BYTES} bytes, 431 for a request
 * line and header values past {@value #MAX_HEADER_BYTES} bytes (HTTP API's quotas); a caller that
 * stops sending is dropped after the idle timeout, and a request's body is read without holding a
 * thread, so stalled callers block no one. Bodies reach the function byte for byte: as text when the
 * content type is a text type and the bytes are UTF-8, base64 with {@code isBase64Encoded} otherwise.
 * It runs on Jetty (already on the runner's classpath for DynamoDB Local), never in the Lambda artifact.
 */
final class ApiGatewayEmulator implements AutoCloseable {

    /** API Gateway HTTP API's payload quota. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    /** API Gateway HTTP API's quota on the request line and header values together. */
    static final int MAX_HEADER_BYTES = 10 * 1024;
    /** How long a caller may send nothing, in its headers or its body, before it is dropped. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(ApiGatewayEmulator.class.getName());
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the HTTP parser holds before it refuses with 431: beyond API Gateway's quota, which is checked exactly. */
    private static final int PARSER_HEADER_BYTES = 64 * 1024;

    private final Server server;
    private final ServerConnector connector;
    private final Map<String, Map<String, String>> stageVariables;
    private final byte[] demoJwks;
    private RequestStreamHandler handler;

    private ApiGatewayEmulator(Server server, ServerConnector connector, Map<String, Map<String, String>> stageVariables,
                               byte[] demoJwks) {
        this.server = server;
        this.connector = connector;
        this.stageVariables = stageVariables;
        this.demoJwks = demoJwks;
    }

    /**
     * @param port           the port to listen on, 0 for any free one
     * @param stageVariables each stage's variables
     * @param handler        makes the handler once the port is bound, since the gateway's demo issuer lives on it
     * @param demoJwks       the demo issuer's key set to serve, or null
     */
    static ApiGatewayEmulator start(int port, Map<String, Map<String, String>> stageVariables,
                                    IntFunction<RequestStreamHandler> handler,
                                    String demoJwks) throws IOException {
        return start(port, stageVariables, handler, demoJwks, IDLE_TIMEOUT);
    }

    /** The same, dropping callers that send nothing for {@code idleTimeout}. */
    static ApiGatewayEmulator start(int port, Map<String, Map<String, String>> stageVariables,
                                    IntFunction<RequestStreamHandler> handler,
                                    String demoJwks, Duration idleTimeout) throws IOException {
        ServerConnector connector = LoopbackServer.bind("api-gateway", port, PARSER_HEADER_BYTES, idleTimeout);
        Server server = connector.getServer();
        ApiGatewayEmulator emulator = new ApiGatewayEmulator(server, connector, Map.copyOf(stageVariables),
                demoJwks == null ? null : demoJwks.getBytes(StandardCharsets.UTF_8));
        server.setHandler(emulator.new Serve());
        server.setErrorHandler(new JsonErrors());
        LoopbackServer.start(server, "API Gateway", () -> emulator.handler = handler.apply(connector.getLocalPort()));
        return emulator;
    }

    int port() {
        return connector.getLocalPort();
    }

    /** Reads each request's body as it arrives, without holding a thread, then calls the function. */
    private final class Serve extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String rawPath = request.getHttpURI().getPath();
            String stage = stageOf(rawPath);
            if (headerBytes(request) > MAX_HEADER_BYTES) {
                sendOwn(response, callback, HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431);
            } else if (request.getLength() > MAX_BODY_BYTES) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                sendOwn(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413);
            } else if (demoJwks != null && DemoIssuer.JWKS_PATH.equals(rawPath)) {
                send(response, callback, 200, Map.of("content-type", "application/jwk-set+json", "cache-control", "max-age=300"),
                        List.of(), demoJwks);
            } else if (stage == null) {
                // What API Gateway answers for a stage that does not exist.
                sendOwn(response, callback, HttpStatus.NOT_FOUND_404);
            } else {
                readBody(request, response, callback, stage, new ByteArrayOutputStream());
            }
            return true;
        }

        private void readBody(Request request, Response response, Callback callback, String stage, ByteArrayOutputStream body) {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(() -> readBody(request, response, callback, stage, body));
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    // The idle timeout, or a body that breaks HTTP's framing.
                    int status = chunk.getFailure() instanceof java.util.concurrent.TimeoutException
                            ? HttpStatus.REQUEST_TIMEOUT_408 : HttpStatus.BAD_REQUEST_400;
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                    sendOwn(response, callback, status);
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                if (body.size() + bytes.remaining() > MAX_BODY_BYTES) {
                    chunk.release();
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                    sendOwn(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413);
                    return;
                }
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                body.writeBytes(copy);
                chunk.release();
                if (chunk.isLast()) {
                    invoke(request, response, callback, stage, body.toByteArray());
                    return;
                }
            }
        }
    }

    /** The one call into the function: the request as API Gateway hands it over, the answer as it sends it back. */
    private void invoke(Request request, Response response, Callback callback, String stage, byte[] body) {
        JsonNode answer;
        try {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event(request, stage, body)), output,
                    new LocalContext());
            answer = JSON.readTree(output.toByteArray());
        } catch (IOException | RuntimeException e) {
            // What API Gateway answers when the function itself fails.
            LOG.log(Level.SEVERE, "the handler failed", e);
            sendOwn(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500);
            return;
        }
        String text = answer.path("body").asText("");
        byte[] bytes = answer.path("isBase64Encoded").asBoolean() ? Base64.getDecoder().decode(text)
                : text.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        answer.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        List<String> cookies = new ArrayList<>();
        answer.path("cookies").forEach(cookie -> cookies.add(cookie.asText()));
        send(response, callback, answer.path("statusCode").asInt(), headers, cookies, bytes);
    }

    private String stageOf(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return null;
        }
        int end = rawPath.indexOf('/', 1);
        String first = end < 0 ? rawPath.substring(1) : rawPath.substring(1, end);
        return stageVariables.containsKey(first) ? first : null;
    }

    /** The request line and the header values, as API Gateway counts them against its quota. */
    private static long headerBytes(Request request) {
        long bytes = request.getMethod().length() + 1 + request.getHttpURI().getPathQuery().length() + 1
                + request.getConnectionMetaData().getProtocol().length();
        for (HttpField field : request.getHeaders()) {
            bytes += field.getValue() == null ? 0 : field.getValue().length();
        }
        return bytes;
    }

    /**
     * The payload-2.0 event API Gateway would send for the request, as its JSON: written field by field,
     * with no tree of it built first, since this runs for every request.
     */
    private byte[] event(Request request, String stage, byte[] bytes) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        for (HttpField field : request.getHeaders()) {
            String name = field.getLowerCaseName();
            String value = field.getValue() == null ? "" : field.getValue();
            if (name.equals("cookie")) {
                for (String cookie : value.split(";")) {
                    if (!cookie.isBlank()) {
                        cookies.add(cookie.strip());
                    }
                }
            } else {
                // Format 2.0: repeated headers are joined with commas.
                headers.merge(name, value, (earlier, later) -> earlier + "," + later);
            }
        }
        String sourceIp = ((InetSocketAddress) request.getConnectionMetaData().getRemoteSocketAddress()).getAddress()
                .getHostAddress();
        headers.merge("x-forwarded-for", sourceIp, (earlier, ip) -> earlier + ", " + ip);
        headers.put("x-forwarded-proto", "http");
        headers.put("x-forwarded-port", Integer.toString(port()));

        String text = bytes.length == 0 ? null : LambdaBodies.utf8Text(headers.get("content-type"), headers.get("content-encoding"), bytes);
        String rawPath = encodedOnce(request.getHttpURI().getPath());
        String rawQuery = request.getHttpURI().getQuery() == null ? "" : encodedOnce(request.getHttpURI().getQuery());
        Instant now = Instant.now();
        ByteArrayOutputStream event = new ByteArrayOutputStream(1024 + bytes.length * 4 / 3);
        try (JsonGenerator json = JSON.getFactory().createGenerator(event)) {
            json.writeStartObject();
            json.writeStringField("version", "2.0");
            json.writeStringField("routeKey", "$default");
            json.writeStringField("rawPath", rawPath);
            json.writeStringField("rawQueryString", rawQuery);
            if (!cookies.isEmpty()) {
                json.writeArrayFieldStart("cookies");
                for (String cookie : cookies) {
                    json.writeString(cookie);
                }
                json.writeEndArray();
            }
            writeStrings(json, "headers", headers);
            writeStrings(json, "stageVariables", stageVariables.get(stage));
            json.writeObjectFieldStart("requestContext");
            json.writeStringField("accountId", "000000000000");
            json.writeStringField("apiId", "local");
            json.writeStringField("domainName", headers.getOrDefault("host", "127.0.0.1:" + port()));
            json.writeStringField("domainPrefix", "local");
            json.writeStringField("requestId", UUID.randomUUID().toString());
            json.writeStringField("routeKey", "$default");
            json.writeStringField("stage", stage);
            json.writeStringField("time", REQUEST_TIME.format(now));
            json.writeNumberField("timeEpoch", now.toEpochMilli());
            json.writeObjectFieldStart("http");
            json.writeStringField("method", request.getMethod().toUpperCase(Locale.ROOT));
            json.writeStringField("path", rawPath);
            json.writeStringField("protocol", request.getConnectionMetaData().getProtocol());
            json.writeStringField("sourceIp", sourceIp);
            json.writeStringField("userAgent", headers.getOrDefault("user-agent", ""));
            json.writeEndObject();
            json.writeEndObject();
            if (bytes.length > 0) {
                json.writeStringField("body", text != null ? text : Base64.getEncoder().encodeToString(bytes));
            }
            json.writeBooleanField("isBase64Encoded", bytes.length > 0 && text == null);
            json.writeEndObject();
        }
        return event.toByteArray();
    }

    private static void writeStrings(JsonGenerator json, String name, Map<String, String> values) throws IOException {
        json.writeObjectFieldStart(name);
        for (Map.Entry<String, String> value : values.entrySet()) {
            json.writeStringField(value.getKey(), value.getValue());
        }
        json.writeEndObject();
    }

    /**
     * The path or query as API Gateway hands it over: as sent, with what a raw UTF-8 request line
     * holds beyond ASCII (and any control character) percent-encoded, once; escapes stay as they are.
     */
    static String encodedOnce(String sent) {
        StringBuilder encoded = null;
        for (int i = 0; i < sent.length(); ) {
            int c = sent.codePointAt(i);
            int next = i + Character.charCount(c);
            if (c > 0x20 && c < 0x7f) {
                if (encoded != null) {
                    encoded.append((char) c);
                }
            } else {
                if (encoded == null) {
                    encoded = new StringBuilder(sent.length() + 16).append(sent, 0, i);
                }
                for (byte b : sent.substring(i, next).getBytes(StandardCharsets.UTF_8)) {
                    encoded.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
                }
            }
            i = next;
        }
        return encoded == null ? sent : encoded.toString();
    }

    /** One of API Gateway's own answers: its JSON message and a request id, as Tollgate's answers carry theirs. */
    private static void sendOwn(Response response, Callback callback, int status) {
        send(response, callback, status, ownHeaders(), List.of(), ownBody(status));
    }

    private static Map<String, String> ownHeaders() {
        return Map.of("content-type", "application/json", "x-request-id", UUID.randomUUID().toString());
    }

    private static byte[] ownBody(int status) {
        String message = status == HttpStatus.PAYLOAD_TOO_LARGE_413 ? "Request Entity Too Large" : HttpStatus.getMessage(status);
        return ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static void send(Response response, Callback callback, int status, Map<String, String> headers,
                             List<String> cookies, byte[] body) {
        try {
            response.setStatus(status);
            HttpFields.Mutable fields = response.getHeaders();
            if (headers != null) {
                headers.forEach(fields::put);
            }
            if (cookies != null) {
                cookies.forEach(cookie -> fields.add(HttpHeader.SET_COOKIE, cookie));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "the handler's answer cannot be sent", e);
            response.reset();
            response.setStatus(HttpStatus.INTERNAL_SERVER_ERROR_500);
            ownHeaders().forEach(response.getHeaders()::put);
            body = ownBody(HttpStatus.INTERNAL_SERVER_ERROR_500);
        }
        boolean noBody = body.length == 0 || HttpStatus.hasNoBody(response.getStatus());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, noBody ? 0 : body.length);
        response.write(true, noBody ? null : ByteBuffer.wrap(body), callback);
    }

    /**
     * Answers what Jetty refuses before a request reaches {@link Serve} (malformed HTTP, headers past
     * the parser's bound) as API Gateway does: a JSON message with the status, never a server's page.
     */
    private static final class JsonErrors extends ErrorHandler {

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus() >= 400 ? response.getStatus() : HttpStatus.BAD_REQUEST_400;
            Object attribute = request.getAttribute(ERROR_STATUS);
            if (attribute instanceof Integer code && code >= 400) {
                status = code;
            }
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            sendOwn(response, callback, status);
            return true;
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            ownHeaders().forEach(fields::put);
            return ByteBuffer.wrap(ownBody(status));
        }
    }

    @Override
    public void close() {
        LoopbackServer.stop(server, "API Gateway");
    }
}
