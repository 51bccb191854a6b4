package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.RawHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Through {@code ./tollgate local} to a demo service: what a caller sends arrives as it was sent,
 * bodies byte for byte whatever their content type, and a raw UTF-8 path percent-encoded once.
 */
class LocalApiGatewayEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalTollgate tollgate;

    @BeforeAll
    static void start() throws Exception {
        tollgate = LocalTollgate.example();
    }

    @AfterAll
    static void stop() {
        tollgate.close();
    }

    @Test
    void aRandomMegabyte_reachesTheBackendByteExact_whateverItsContentType() throws Exception {
        byte[] random = new byte[1024 * 1024];
        new Random(13).nextBytes(random);

        for (String type : List.of("application/octet-stream", "text/plain", "application/json")) {
            HttpResponse<String> response = tollgate.send(HttpRequest.newBuilder(tollgate.uri("/dev/orders"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(random)), "x-api-key", "demo-dev-key", "content-type", type);

            assertThat(response.statusCode()).as(type).isEqualTo(201);
            JsonNode received = LocalTollgate.json(response);
            assertThat(received.path("receivedBytes").asInt()).as(type).isEqualTo(random.length);
            assertThat(received.path("receivedSha256").asText()).as(type).isEqualTo(sha256(random));
        }
    }

    @Test
    void aRawUtf8Path_reachesTheBackendPercentEncodedOnce() throws Exception {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes("GET /dev/orders/caf".getBytes(StandardCharsets.US_ASCII));
        request.writeBytes("é☕".getBytes(StandardCharsets.UTF_8));
        request.writeBytes(("?note=" + "é" + " HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: demo-dev-key\r\nconnection: close\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tollgate.runner().port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.toByteArray());
            RawHttpResponse response = RawHttpResponse.read(socket.getInputStream());

            assertThat(response.status()).isEqualTo(200);
            JsonNode received = JSON.readTree(response.body());
            assertThat(received.path("path").asText()).isEqualTo("/orders/caf%C3%A9%E2%98%95");
            assertThat(received.path("query").asText()).isEqualTo("note=%C3%A9");
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
