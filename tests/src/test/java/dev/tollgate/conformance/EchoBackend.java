package dev.tollgate.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The suite's backend (and the fuzz tests', {@code dev.tollgate.battery.fuzz}) on 127.0.0.1 and a free
 * port: it answers with what it received, as JSON ({@code method}, {@code path}, {@code query}, {@code headers} by lower-case name with all their values,
 * {@code bodyLength}, {@code bodySha256}, {@code backend}: its name), except on a few paths:
 * {@code /status/N} answers N (with the same JSON), {@code /bytes} answers the body it received with
 * its content type and encoding, {@code /large} answers {@value #LARGE_BYTES} bytes, {@code /huge} {@value #HUGE_BYTES}, {@code /multi}
 * answers two {@code Set-Cookie} and two {@code X-Multi} fields, {@code /slow} answers only when the
 * backend closes, {@code /flaky} answers 503 to the first {@value #FLAKY_FAILURES} tries of each request
 * (told apart by its {@code X-Request-Id}) and then the JSON with {@code attempt}, {@code /recovering/TAG}
 * answers 503 to the first {@value #FLAKY_FAILURES} calls of each tag and then the JSON with {@code attempt}, {@code /jwks.json}
 * serves the key set it was given. It records every request but those for its key set ({@link #received}).
 */
public final class EchoBackend implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Past Lambda's 6 MB response payload. */
    static final int LARGE_BYTES = 7 * 1024 * 1024;
    /** Past the 10 MB of a backend's answer that the gateway reads. */
    static final int HUGE_BYTES = 11 * 1024 * 1024;
    static final int FLAKY_FAILURES = 2;

    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> attempts = new java.util.concurrent.ConcurrentHashMap<>();

    private final String name;
    private final byte[] jwks;
    private final java.util.Queue<String> received = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final HttpServer server;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "conformance-backend");
        thread.setDaemon(true);
        return thread;
    });

    public EchoBackend(String name, String jwks) {
        this.name = name;
        this.jwks = jwks.getBytes(StandardCharsets.UTF_8);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::serve);
        server.setExecutor(executor);
        server.start();
    }

    /** The requests it received, as {@code METHOD raw-path[?raw-query]}, in order, but those for its key set. */
    public List<String> received() {
        return List.copyOf(received);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            if (!path.equals("/jwks.json")) {
                received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
            }
            if (path.equals("/jwks.json")) {
                send(exchange, 200, "application/jwk-set+json", jwks);
            } else if (path.equals("/bytes")) {
                String encoding = exchange.getRequestHeaders().getFirst("content-encoding");
                if (encoding != null) {
                    exchange.getResponseHeaders().set("content-encoding", encoding);
                }
                String type = exchange.getRequestHeaders().getFirst("content-type");
                send(exchange, 200, type == null ? "application/octet-stream" : type, body);
            } else if (path.equals("/large") || path.equals("/huge")) {
                byte[] large = new byte[path.equals("/large") ? LARGE_BYTES : HUGE_BYTES];
                java.util.Arrays.fill(large, (byte) 'x');
                send(exchange, 200, "application/octet-stream", large);
            } else if (path.equals("/flaky") || path.startsWith("/recovering/")) {
                // Each request of /flaky (its X-Request-Id), each tag of /recovering, fails its first tries.
                String id = path.equals("/flaky") ? String.valueOf(exchange.getRequestHeaders().getFirst("x-request-id")) : path;
                int attempt = attempts.computeIfAbsent(id, i -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                ObjectNode echo = (ObjectNode) JSON.readTree(echo(exchange, body));
                send(exchange, attempt <= FLAKY_FAILURES ? 503 : 200, "application/json",
                        JSON.writeValueAsBytes(echo.put("attempt", attempt)));
            } else if (path.equals("/multi")) {
                exchange.getResponseHeaders().add("set-cookie", "a=1; Path=/");
                exchange.getResponseHeaders().add("set-cookie", "b=2; Path=/");
                exchange.getResponseHeaders().add("x-multi", "one");
                exchange.getResponseHeaders().add("x-multi", "two");
                send(exchange, 200, "application/json", echo(exchange, body));
            } else if (path.equals("/slow")) {
                closing.await(30, TimeUnit.SECONDS);
                send(exchange, 200, "application/json", echo(exchange, body));
            } else if (path.startsWith("/status/")) {
                send(exchange, Integer.parseInt(path.substring("/status/".length())), "application/json", echo(exchange, body));
            } else {
                exchange.getResponseHeaders().add("x-backend", name);
                send(exchange, 200, "application/json", echo(exchange, body));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private byte[] echo(HttpExchange exchange, byte[] body) throws IOException {
        ObjectNode echo = JSON.createObjectNode()
                .put("backend", name)
                .put("method", exchange.getRequestMethod())
                .put("path", exchange.getRequestURI().getRawPath())
                .put("query", exchange.getRequestURI().getRawQuery())
                .put("bodyLength", body.length)
                .put("bodySha256", sha256(body));
        TreeMap<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((header, values) ->
                headers.computeIfAbsent(header.toLowerCase(Locale.ROOT), h -> new java.util.ArrayList<>()).addAll(values));
        echo.set("headers", JSON.valueToTree(headers));
        return JSON.writeValueAsBytes(echo);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("content-type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
