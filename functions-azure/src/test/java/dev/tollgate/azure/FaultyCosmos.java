package dev.tollgate.azure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fault-injecting HTTP proxy in front of the Cosmos DB emulator, for what the emulator never does:
 * throttle (429), be unavailable (503), time out (408), hang, or refuse connections. Requests for
 * items ({@code /docs}) meet the fault that is set; everything else (the account, the container's
 * metadata) passes, so the SDK starts as usual. The SDK sees real HTTP answers, with the headers
 * Cosmos DB sends with them.
 */
final class FaultyCosmos implements AutoCloseable {

    /** What an item request meets. */
    sealed interface Fault permits Status, Hang {
    }

    /** An answer with this status and Cosmos DB's error body, instead of the emulator's. */
    record Status(int status, String code) implements Fault {
    }

    /** No answer until the proxy closes: the client's own timeout decides. */
    record Hang() implements Fault {
    }

    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String target;
    private final AtomicReference<Fault> fault = new AtomicReference<>();
    private final AtomicInteger faulted = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);

    FaultyCosmos(String target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on, item requests meet {@code next}; null: they pass again. */
    void fault(Fault next) {
        fault.set(next);
    }

    /** How many requests met a fault so far. */
    int faulted() {
        return faulted.get();
    }

    /** Stops listening: from now on, connections are refused. */
    void refuseConnections() {
        closing.countDown();
        server.stop(0);
    }

    @Override
    public void close() {
        refuseConnections();
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Fault now = exchange.getRequestURI().getPath().contains("/docs") ? fault.get() : null;
            if (now != null) {
                faulted.incrementAndGet();
            }
            if (now instanceof Hang) {
                try {
                    closing.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (now instanceof Status status) {
                byte[] body = ("{\"code\":\"" + status.code() + "\",\"message\":\"injected by the test\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("content-type", "application/json");
                exchange.getResponseHeaders().set("x-ms-retry-after-ms", "10");
                exchange.getResponseHeaders().set("x-ms-activity-id", "00000000-0000-0000-0000-000000000000");
                exchange.sendResponseHeaders(status.status(), body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            forward(exchange);
        }
    }

    private void forward(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
            if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT)) && !header.getKey().startsWith(":")) {
                exchange.getResponseHeaders().put(header.getKey(), header.getValue());
            }
        }
        byte[] answer = response.body();
        boolean empty = answer.length == 0 || response.statusCode() == 204 || response.statusCode() == 304
                || "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : answer.length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }
}
