package dev.tollgate.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.testing.TestGateways;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Header values pass between caller and backend byte for byte, or not at all: a value the gateway
 * cannot send as it came is refused, naming the header, in either direction. Proven against a
 * loopback backend that records the raw bytes it reads and answers raw bytes of its own.
 */
class HeaderBytesTest {

    /** Every visible ASCII character, a space and a tab: what an HTTP/1.1 header value holds, besides obs-text. */
    private static final String VISIBLE = "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~ \tend";

    private final RawBackend backend = new RawBackend();
    private final Gateway gateway = TestGateways.from("""
            stages:
              dev: {variables: {b: "%s"}}
            plans:
              p: {quota: {limit: 100, period: day}}
            routes:
              - {path: /open, methods: [GET], backend: "${stageVariables.b}", public: true}
            """.formatted(backend.url()));

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void visibleAscii_spacesAndTabs_reachTheBackend_byteForByte() {
        GatewayResponse response = gateway.handle(request(Headers.builder().set("x-visible", VISIBLE)));

        assertThat(response.status()).isEqualTo(200);
        assertThat(backend.heads()).hasSize(1);
        assertThat(hex(backend.heads().get(0))).contains(hex(("\r\nx-visible: " + VISIBLE + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aRequestHeaderWithBytesAbove0x7F_is400_namingTheHeader_andReachesNoBackend() {
        // A server reading the raw bytes as ISO-8859-1 (the local runner's, most Java servers) hands these over.
        for (String value : List.of("caf\u00e9", "caf\u00c3\u00a9", "\u00ff", "5 \u20ac")) {
            GatewayResponse refused = gateway.handle(request(Headers.builder().set("x-ok", "fine").set("X-Name", value)));

            assertThat(refused.status()).as(value).isEqualTo(400);
            assertThat(refused.bodyAsString()).contains("urn:tollgate:problem:bad-request",
                    "The header x-name cannot be forwarded: its value holds more than visible ASCII, spaces and tabs"
                            + " (a control character, or a character or byte from 0x80), which the gateway does not pass on changed.");
        }
        assertThat(backend.heads()).as("nothing reached the backend, not even with ? for the bytes").isEmpty();
    }

    @Test
    void aRequestHeaderWhoseNameIsNoToken_is400_andReachesNoBackend() {
        // Found by HeadersFuzzTest: the JDK client refused the name, and the request was a 500.
        for (String name : List.of("\u0001x-route", "x route", "x:y", "caf\u00e9", "x\"y", "(x)")) {
            GatewayResponse refused = gateway.handle(request(Headers.builder().set("x-ok", "fine").set(name, "v")));

            assertThat(refused.status()).as(name).isEqualTo(400);
            assertThat(refused.bodyAsString()).contains("urn:tollgate:problem:bad-request",
                    "cannot be forwarded: a field name is a token (RFC 9110 5.1), without spaces or control characters.");
        }
        assertThat(backend.heads()).isEmpty();
    }

    @Test
    void visibleAsciiAndSpacesFromTheBackend_reachTheCaller_unchanged() {
        // Not a tab: the JDK client reads one in a response header as a space, which HTTP takes as the same.
        String visible = VISIBLE.replace('\t', ' ');
        backend.answerHeader("x-visible: " + visible);

        GatewayResponse response = gateway.handle(request(Headers.builder()));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().first("x-visible")).contains(visible);
    }

    @Test
    void aBackendHeaderWithBytesAbove0x7F_is502_namingTheHeader_neverPassedOnChanged() {
        for (byte[] value : List.of(new byte[] {'c', 'a', 'f', (byte) 0xe9}, new byte[] {'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9})) {
            backend.answerHeader(concat("Content-Disposition: attachment; filename=".getBytes(StandardCharsets.US_ASCII), value));

            GatewayResponse response = gateway.handle(request(Headers.builder()));

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.bodyAsString()).contains("urn:tollgate:problem:bad-gateway",
                    "The backend's header content-disposition holds more than visible ASCII, spaces and tabs (a control"
                            + " character, or a character or byte from 0x80), which the gateway does not pass on changed.");
            assertThat(response.headers().contains("content-disposition")).isFalse();
        }
    }

    private static GatewayRequest request(Headers.Builder headers) {
        return new GatewayRequest("GET", "/open", "", headers.build(), null, "192.0.2.10", "https", "dev", Map.of());
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    /** An HTTP/1.1 backend on a raw socket: records each request head as bytes, answers 200 with the raw header line set. */
    private static final class RawBackend implements AutoCloseable {
        private final ServerSocket server;
        private final List<byte[]> heads = new CopyOnWriteArrayList<>();
        private volatile byte[] answerHeader = "x-backend: raw".getBytes(StandardCharsets.US_ASCII);
        private final Thread acceptor;

        RawBackend() {
            try {
                server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            acceptor = new Thread(this::serve, "raw-backend");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        List<byte[]> heads() {
            return heads;
        }

        void answerHeader(String line) {
            answerHeader(line.getBytes(StandardCharsets.US_ASCII));
        }

        void answerHeader(byte[] line) {
            answerHeader = line;
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    socket.setSoTimeout(10_000);
                    heads.add(head(socket.getInputStream()));
                    ByteArrayOutputStream answer = new ByteArrayOutputStream();
                    answer.writeBytes("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    answer.writeBytes(answerHeader);
                    answer.writeBytes("\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().write(answer.toByteArray());
                } catch (SocketException closed) {
                    return;
                } catch (IOException e) {
                    // One broken exchange; the test sees it as a failed request.
                }
            }
        }

        /** The request's bytes up to and with the blank line that ends its head (these requests have no body). */
        private static byte[] head(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            while (matched < end.length && head.size() < 64 * 1024) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return head.toByteArray();
        }

        @Override
        public void close() {
            try {
                server.close();
                acceptor.join(10_000);
            } catch (IOException | InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
