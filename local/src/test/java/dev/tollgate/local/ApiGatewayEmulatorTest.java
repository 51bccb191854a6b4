package dev.tollgate.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.RawHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local API Gateway over real sockets: what a hostile or clumsy caller sends gets API Gateway's
 * JSON answers, bodies reach the function byte for byte, and stalled callers block no one. The
 * function here records the event it was given, which is what the emulator is responsible for.
 */
class ApiGatewayEmulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Short, so that a stalled caller is seen dropped within a test's time. */
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);

    private final AtomicReference<JsonNode> received = new AtomicReference<>();
    private ApiGatewayEmulator emulator;

    @BeforeEach
    void start() throws IOException {
        RequestStreamHandler function = (input, output, context) -> {
            received.set(JSON.readTree(input));
            output.write("{\"statusCode\":200,\"headers\":{\"content-type\":\"application/json\"},\"body\":\"{\\\"ok\\\":true}\"}"
                    .getBytes(StandardCharsets.UTF_8));
        };
        emulator = ApiGatewayEmulator.start(0, Map.of("dev", Map.of()), port -> function, null, IDLE_TIMEOUT);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void malformedRequests_getApiGatewaysJson400_neverAServerPage() throws Exception {
        List<String> malformed = List.of(
                "GET /dev/a%zz HTTP/1.1\r\nhost: x\r\n\r\n",                      // a broken escape
                "GET /dev/a HTTP/1.1\r\nhost: x\r\nno colon here\r\n\r\n",
                "GET /dev/a HTTP/1.1\r\nhost: x\r\ncontent-length: ten\r\n\r\n",
                "POST /dev/a HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab",
                "\u0001\u0002 nonsense\r\n\r\n");

        for (String request : malformed) {
            RawHttpResponse answer = raw(request.getBytes(StandardCharsets.ISO_8859_1));

            assertThat(answer.status()).as(request).isEqualTo(400);
            assertThat(answer.headers().get("content-type")).as(request).startsWith("application/json");
            assertThat(JSON.readTree(answer.body())).as(request)
                    .isEqualTo(JSON.readTree("{\"message\":\"Bad Request\"}"));
        }
        assertThat(received.get()).isNull();
    }

    @Test
    void twoHundredFiftySmallHeaders_reachTheFunction() throws Exception {
        StringBuilder request = new StringBuilder("GET /dev/a HTTP/1.1\r\nhost: x\r\n");
        for (int i = 0; i < 250; i++) {
            request.append("x-h").append(i).append(": v").append(i).append("\r\n");
        }

        RawHttpResponse answer = raw(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(received.get().path("headers").path("x-h0").asText()).isEqualTo("v0");
        assertThat(received.get().path("headers").path("x-h249").asText()).isEqualTo("v249");
    }

    @Test
    void headersPastTheLimit_get431Json() throws Exception {
        String big = "GET /dev/a HTTP/1.1\r\nhost: x\r\nx-big: " + "a".repeat(1024 * 1024) + "\r\n\r\n";
        String medium = "GET /dev/a HTTP/1.1\r\nhost: x\r\nx-medium: " + "a".repeat(ApiGatewayEmulator.MAX_HEADER_BYTES) + "\r\n\r\n";
        String many = "GET /dev/a HTTP/1.1\r\nhost: x\r\n" + "x-many: 0123456789012345678901234567890123456789\r\n".repeat(2000)
                + "\r\n";

        for (String request : List.of(big, medium, many)) {
            RawHttpResponse answer = raw(request.getBytes(StandardCharsets.ISO_8859_1));

            assertThat(answer.status()).isEqualTo(431);
            assertThat(answer.headers().get("content-type")).startsWith("application/json");
            assertThat(JSON.readTree(answer.body())).isEqualTo(JSON.readTree("{\"message\":\"Request Header Fields Too Large\"}"));
        }
        assertThat(received.get()).isNull();
    }

    @Test
    void aBodyPastTenMegabytes_gets413Json_declaredOrChunked() throws Exception {
        RawHttpResponse declared = raw(("POST /dev/a HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\n"
                + "content-length: " + (ApiGatewayEmulator.MAX_BODY_BYTES + 1) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        chunked.writeBytes("POST /dev/a HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        byte[] chunk = new byte[1024 * 1024];
        for (int i = 0; i < 11; i++) {
            chunked.writeBytes("100000\r\n".getBytes(StandardCharsets.ISO_8859_1));
            chunked.writeBytes(chunk);
            chunked.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

        for (RawHttpResponse answer : List.of(declared, raw(chunked.toByteArray()))) {
            assertThat(answer.status()).isEqualTo(413);
            assertThat(JSON.readTree(answer.body())).isEqualTo(JSON.readTree("{\"message\":\"Request Entity Too Large\"}"));
        }
        assertThat(received.get()).isNull();
    }

    @Test
    void stalledCallers_blockNoOne_andAreDroppedAfterTheIdleTimeout() throws Exception {
        List<Socket> stalledInBody = new ArrayList<>();
        List<Socket> stalledInHeaders = new ArrayList<>();
        try {
            for (int i = 0; i < 80; i++) {
                Socket socket = connect();
                socket.getOutputStream().write(("POST /dev/a HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain\r\n"
                        + "content-length: 1000\r\n\r\nonly a part").getBytes(StandardCharsets.ISO_8859_1));
                stalledInBody.add(socket);
                Socket half = connect();
                half.getOutputStream().write("GET /dev/a HTTP/1.1\r\nhost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
                stalledInHeaders.add(half);
            }
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + emulator.port() + "/dev/a"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(200);
            // Each stalled caller is dropped after the idle timeout (well within five), never left waiting.
            int bound = (int) IDLE_TIMEOUT.multipliedBy(5).toMillis();
            for (Socket socket : stalledInBody) {
                socket.setSoTimeout(bound);
                RawHttpResponse dropped = RawHttpResponse.read(socket.getInputStream());
                assertThat(dropped.status()).isEqualTo(408);
                assertThat(JSON.readTree(dropped.body())).isEqualTo(JSON.readTree("{\"message\":\"Request Timeout\"}"));
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            }
            for (Socket socket : stalledInHeaders) {
                socket.setSoTimeout(bound);
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            }
        } finally {
            for (Socket socket : stalledInBody) {
                socket.close();
            }
            for (Socket socket : stalledInHeaders) {
                socket.close();
            }
        }
    }

    @Test
    void randomBodies_reachTheFunctionByteExact_base64WhenNotUtf8Text() throws Exception {
        byte[] random = new byte[1024 * 1024];
        new Random(9).nextBytes(random);

        for (String type : List.of("application/octet-stream", "text/plain", "image/png", "")) {
            RawHttpResponse answer = post(type, random);

            assertThat(answer.status()).as(type).isEqualTo(200);
            JsonNode event = received.getAndSet(null);
            assertThat(event.path("isBase64Encoded").asBoolean()).as(type).isTrue();
            assertThat(sha256(Base64.getDecoder().decode(event.path("body").asText()))).as(type).isEqualTo(sha256(random));
        }
    }

    @Test
    void utf8Text_reachesTheFunctionAsText_andOtherTypesAsBase64() throws Exception {
        byte[] json = "{\"name\":\"café ☕\"}".getBytes(StandardCharsets.UTF_8);

        post("application/json; charset=utf-8", json);
        JsonNode asText = received.getAndSet(null);
        post("application/octet-stream", json);
        JsonNode asBinary = received.getAndSet(null);

        assertThat(asText.path("isBase64Encoded").asBoolean()).isFalse();
        assertThat(asText.path("body").asText()).isEqualTo("{\"name\":\"café ☕\"}");
        assertThat(asBinary.path("isBase64Encoded").asBoolean()).isTrue();
        assertThat(Base64.getDecoder().decode(asBinary.path("body").asText())).isEqualTo(json);
    }

    @Test
    void aRawUtf8Path_reachesTheFunctionPercentEncodedOnce() throws Exception {
        Map<String, String> expected = new TreeMap<>(Map.of(
                "/dev/caf\u00c3\u00a9/\u00e2\u0098\u0095", "/dev/caf%C3%A9/%E2%98%95",   // raw UTF-8 bytes
                "/dev/caf%C3%A9", "/dev/caf%C3%A9",                                        // already encoded: as sent
                "/dev/a%2Fb%20c", "/dev/a%2Fb%20c",
                "/dev/a|b/{c}", "/dev/a|b/{c}"));                                          // the JDK's URISyntaxException

        for (Map.Entry<String, String> path : expected.entrySet()) {
            RawHttpResponse answer = raw(("GET " + path.getKey() + "?q=caf\u00c3\u00a9 HTTP/1.1\r\nhost: x\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));

            assertThat(answer.status()).as(path.getKey()).isEqualTo(200);
            JsonNode event = received.getAndSet(null);
            assertThat(event.path("rawPath").asText()).isEqualTo(path.getValue());
            assertThat(event.at("/requestContext/http/path").asText()).isEqualTo(path.getValue());
            assertThat(event.path("rawQueryString").asText()).isEqualTo("q=caf%C3%A9");
        }
    }

    private RawHttpResponse post(String contentType, byte[] body) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST /dev/a HTTP/1.1\r\nhost: x\r\n" + (contentType.isEmpty() ? "" : "content-type: " + contentType + "\r\n")
                + "content-length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(body);
        return raw(request.toByteArray());
    }

    private Socket connect() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), emulator.port());
    }

    /** Writes the bytes as they are and reads one answer; the server may stop reading early, as it should on a refusal. */
    private RawHttpResponse raw(byte[] request) throws IOException {
        try (Socket socket = connect()) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException refusedMidway) {
                // the server answered and closed before reading everything
            }
            return RawHttpResponse.read(socket.getInputStream());
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
