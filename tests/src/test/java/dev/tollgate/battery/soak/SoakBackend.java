package dev.tollgate.battery.soak;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The soak's backends on 127.0.0.1, one server that keeps nothing of what it serves (a soak must not
 * grow the heap it measures): under {@code /ok} it answers 200, under {@code /fail} its own 503, under
 * {@code /keys} a JWKS; on {@link #rawUrl()}, under {@code /drop} it closes the connection unanswered, under
 * {@code /slow} it does so only after {@link #SLOW} (far beyond the route's timeout) or when {@link #release() released}.
 * Its threads are a fixed pool started at once, so that the soak's thread count does not follow them.
 */
final class SoakBackend implements AutoCloseable {

    /** How long a slow answer is held at most, past any route timeout of the soak's. */
    static final Duration SLOW = Duration.ofSeconds(2);
    /** The answer header that marks the backend's own answers (its 503s from the gateway's). */
    static final String MARK = "x-soak-backend";

    private final HttpServer server;
    /**
     * {@code /drop} and {@code /slow} on a plain socket: the JDK's server, closing a connection unanswered, keeps
     * its connection object (and its buffers) for good, and one whose late answer failed keeps its descriptor
     * open too; the soak measured both (about 1 KB of heap per request, one descriptor per 504).
     */
    private ServerSocket raw;
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
        try {
            raw = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptRaw, "soak-backend-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The backend that never answers: {@code /drop} and {@code /slow}. */
    String rawUrl() {
        return "http://127.0.0.1:" + raw.getLocalPort();
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
            boolean fail = path.startsWith("/fail");
            byte[] body = path.startsWith("/keys") ? keys : "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.getResponseHeaders().set(MARK, "1");
            exchange.sendResponseHeaders(fail ? 503 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Accepts connections on {@link #rawUrl()} until closed. */
    private void acceptRaw() {
        while (!raw.isClosed()) {
            try {
                Socket socket = raw.accept();
                executor.execute(() -> serveRaw(socket));
            } catch (IOException | RejectedExecutionException closed) {
                return;
            }
        }
    }

    /** Reads the request's head, then closes the connection unanswered: at once ({@code /drop}) or once held ({@code /slow}). */
    private void serveRaw(Socket socket) {
        inFlight.incrementAndGet();
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            StringBuilder head = new StringBuilder();
            int ended = 0;
            int b;
            while (ended < 4 && (b = in.read()) >= 0) {
                head.append((char) b);
                ended = b == (ended % 2 == 0 ? '\r' : '\n') ? ended + 1 : 0;
            }
            if (head.indexOf(" /slow") >= 0) {
                held.get().await(SLOW.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            // The gateway gave up first: nothing to do but close.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public void close() {
        release();
        if (raw != null) {
            try {
                raw.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
