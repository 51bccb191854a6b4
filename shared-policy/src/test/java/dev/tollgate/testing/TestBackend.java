package dev.tollgate.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP backend on 127.0.0.1 and a free port that records what it receives. It can be told
 * to hold its answers until released (to provoke timeouts); closing it releases them.
 */
public final class TestBackend implements AutoCloseable {

    /** A request as the backend received it; header names in lower case. */
    public record Received(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : String.join(",", values);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "test-backend");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch hold;
    private volatile int status = 200;
    private final java.util.concurrent.atomic.AtomicInteger failuresLeft = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int failureStatus;
    private volatile String contentType = "application/json";
    private volatile byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    private final Map<String, String> answerHeaders = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Runnable beforeAnswering = () -> { };

    public TestBackend() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::serve);
        server.setExecutor(executor);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Received> received() {
        return received;
    }

    public TestBackend answer(int status, String contentType, byte[] body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        return this;
    }

    /** Puts a header on every answer from now on. */
    public TestBackend answerHeader(String name, String value) {
        answerHeaders.put(name, value);
        return this;
    }

    /** Answers the next {@code count} requests with {@code status}, then as before. */
    public TestBackend failFirst(int count, int status) {
        failureStatus = status;
        failuresLeft.set(count);
        return this;
    }

    /** Runs in the backend's thread before each answer: a test moves its ticker here by the time the backend takes. */
    public TestBackend beforeAnswering(Runnable action) {
        this.beforeAnswering = action;
        return this;
    }

    /** Answers nothing until {@link #release()} or close. */
    public TestBackend holdAnswers() {
        hold = new CountDownLatch(1);
        return this;
    }

    public void release() {
        CountDownLatch latch = hold;
        if (latch != null) {
            latch.countDown();
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, List<String>> headers = new java.util.TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), List.copyOf(values)));
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers,
                    exchange.getRequestBody().readAllBytes()));
            CountDownLatch latch = hold;
            if (latch != null) {
                latch.await(30, TimeUnit.SECONDS);
            }
            beforeAnswering.run();
            exchange.getResponseHeaders().set("content-type", contentType);
            exchange.getResponseHeaders().set("connection", "keep-alive");
            exchange.getResponseHeaders().set("x-backend", "test");
            answerHeaders.forEach(exchange.getResponseHeaders()::set);
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                exchange.sendResponseHeaders(failureStatus, -1);
                return;
            }
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
