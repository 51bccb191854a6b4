package dev.tollgate.battery.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.Gateway;
import dev.tollgate.conformance.EchoBackend;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.testing.TestGateways;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The path rules: whatever path a caller sends, a request the gateway forwards reaches its route's
 * backend under that route's prefix, as the backend reads the path (percent-decoded once, {@code \} as
 * {@code /}, {@code ;} parameters dropped, dot segments resolved: {@link #backendReads}). Five routes
 * cover a parameter, a strip-prefix, a target path, two parameters and a literal; each has a base path
 * of its own on one loopback backend, which echoes the raw path it received.
 *
 * <p>Input: the first byte picks a route's path to start from (or none), the rest is the path's
 * remainder in UTF-8.
 */
class PathRulesFuzzTest {

    /** Each route's path to start from, and the prefix its backend must read the path under. */
    private static final String[] STARTS = {"/files/", "/api/", "/v1/orders/", "/docs/", "/docs/index", ""};
    private static final Map<String, String> PREFIXES = Map.of(
            "r1", "/r1/files/", "r2", "/r2/", "r3", "/r3/v2/orders/", "r4", "/r4/docs/", "r5", "/r5/docs/index");

    private static EchoBackend backend;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        backend = FuzzedGateway.backend("paths");
        String url = backend.url();
        gateway = TestGateways.from("""
                stages:
                  dev: {variables: {}}
                plans:
                  p: {quota: {limit: 1000, period: day}}
                routes:
                  - {path: "/files/{name}", methods: [GET], backend: "%1$s/r1", public: true}
                  - {path: "/api/{rest}", methods: [GET], backend: "%1$s/r2", stripPrefix: /api, public: true}
                  - {path: "/v1/orders/{id}", methods: [GET], backend: "%1$s/r3", targetPath: "/v2/orders/{id}", public: true}
                  - {path: "/docs/{a}/{b}", methods: [GET], backend: "%1$s/r4", public: true}
                  - {path: /docs/index, methods: [GET], backend: "%1$s/r5", public: true}
                """.formatted(url));
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    @FuzzTest
    void forwardedPathsStayUnderTheirRoutesPrefix(byte[] input) {
        FuzzedGateway.expectLoopbackConnections();
        if (input.length == 0) {
            return;
        }
        String path = STARTS[(input[0] & 0xff) % STARTS.length]
                + new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        GatewayResponse answer = gateway.handle(new GatewayRequest("GET", path, "", Headers.empty(), new byte[0],
                "127.0.0.1", "https", "dev", Map.of()));
        Answers.check(answer.status(), headers(answer), answer.body(), path);
        if (answer.status() != 200) {
            return;
        }
        JsonNode echo = Answers.json(answer.body(), path);
        String received = echo.path("path").asText();
        String route = received.substring(1, received.indexOf('/', 1) < 0 ? received.length() : received.indexOf('/', 1));
        String prefix = PREFIXES.get(route);
        String read = backendReads(received);
        boolean under = route.equals("r5") ? read.equals(prefix) || read.equals(prefix + "/")
                : read.startsWith(prefix);
        if (!under) {
            throw new AssertionError("path " + path + " reached the backend as " + received + ", read as " + read
                    + ": outside its route's prefix " + prefix);
        }
    }

    static Map<String, List<String>> headers(GatewayResponse answer) {
        Map<String, List<String>> headers = new HashMap<>();
        answer.headers().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        return headers;
    }

    /**
     * The path as a lenient backend reads it: percent-decoded once as UTF-8, then {@code \} taken as
     * {@code /} (Windows servers), each segment's {@code ;} parameters dropped (servlet containers), and
     * dot segments resolved (RFC 3986 5.2.4).
     */
    static String backendReads(String rawPath) {
        String decoded = percentDecoded(rawPath).replace('\\', '/');
        Deque<String> segments = new ArrayDeque<>();
        String[] parts = decoded.split("/", -1);
        for (int i = 1; i < parts.length; i++) {
            String segment = parts[i];
            int parameters = segment.indexOf(';');
            segment = parameters < 0 ? segment : segment.substring(0, parameters);
            if (segment.equals("..")) {
                segments.pollLast();
                if (i == parts.length - 1) {
                    segments.addLast("");
                }
            } else if (segment.equals(".")) {
                if (i == parts.length - 1) {
                    segments.addLast("");
                }
            } else {
                segments.addLast(segment);
            }
        }
        return "/" + String.join("/", segments);
    }

    private static String percentDecoded(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length() && Character.digit(raw.charAt(i + 1), 16) >= 0
                    && Character.digit(raw.charAt(i + 2), 16) >= 0) {
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                int end = i + Character.charCount(raw.codePointAt(i));
                bytes.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
