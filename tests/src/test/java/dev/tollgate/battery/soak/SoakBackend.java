package dev.tollgate.battery.soak;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The soak's backends on 127.0.0.1, one server that keeps nothing of what it serves (a soak must not
 * grow the heap it measures): under {@code /ok} it answers 200, under {@code /fail} its own 503, under
 * {@code /drop} it closes the connection unanswered, under {@code /slow} it does so only after {@link #SLOW}
 * (far beyond the route's timeout) or when {@link #release() released}; {@code /keys} serves a JWKS.
 * Its threads are a fixed pool started at once, so that the soak's thread count does not follow them.
 */
final class SoakBackend implements AutoCloseable {

    /** How long a slow answer is held at most, past any route timeout of the soak's. */
    static final Duration SLOW = Duration.ofSeconds(2);
    /** The answer header that marks the backend's own answers (its 503s from the gateway's). */
    static final String MARK = "x-soak-backend";

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final byte[] keys;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<CountDownLatch> held = new AtomicReference<>(new CountDownLatch(1));

    SoakBackend(int threads, String jwks) {
        keys = jwks.getBytes(StandardCharsets.UTF_8);
        executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "soak-backend");
            thread.setDaemon(true);
            return thread;
        });
        executor.prestartAllCoreThreads();
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::serve);
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Lets every slow answer held now go; later ones are held again. */
    void release() {
        held.getAndSet(new CountDownLatch(1)).countDown();
    }

    /** Requests being served now. */
    int inFlight() {
        return inFlight.get();
    }

    private void serve(HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/slow")) {
                // Past the route's timeout the gateway has gone: an answer written to it now would fail, and the
                // JDK's server then keeps that connection's descriptor open (measured: one per such answer).
                held.get().await(SLOW.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            if (path.startsWith("/drop")) {
                return;
            }
            boolean fail = path.startsWith("/fail");
            byte[] body = path.startsWith("/keys") ? keys : "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.getResponseHeaders().set(MARK, "1");
            exchange.sendResponseHeaders(fail ? 503 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
