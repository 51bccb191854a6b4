package dev.tollgate.testing;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A fault-injecting HTTP proxy on 127.0.0.1 in front of a real service (DynamoDB Local, the Cosmos DB
 * emulator, a backend): requests that {@code faulted} selects meet the fault that is set, every other
 * request, and every request while no fault is set, is forwarded and answered by the service. The
 * client under test (the AWS or Cosmos SDK, as the product configures it) sees real HTTP: a status with
 * the service's error body, a connection closed without an answer, or no answer at all.
 */
public final class FaultyProxy implements AutoCloseable {

    /** What a selected request meets. */
    public sealed interface Fault permits Answer, Drop, Hang, ApplyThenHang, Truncate {
    }

    /** This answer instead of the service's: a throttling or an error, with the service's own body. */
    public record Answer(int status, Map<String, String> headers, String body) implements Fault {
    }

    /** The connection is closed without an answer: a service that is down. */
    public record Drop() implements Fault {
    }

    /** No answer until the fault is cleared or the proxy closes: a service slower than any timeout. */
    public record Hang() implements Fault {
    }

    /**
     * The request is forwarded, so the service applies it, but its answer is held back until the fault is
     * cleared: a write that times out for the client although it was applied.
     */
    public record ApplyThenHang() implements Fault {
    }

    /**
     * The service's answer, its status and headers and the length it announced, but the connection is
     * closed halfway through its body: a reset mid-answer.
     */
    public record Truncate() implements Fault {
    }

    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive");
    private static final Duration LONGEST_HOLD = Duration.ofSeconds(30);

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String target;
    private final Predicate<HttpExchange> faulted;
    private final AtomicReference<Fault> fault = new AtomicReference<>();
    private final AtomicReference<CountDownLatch> released = new AtomicReference<>(new CountDownLatch(1));
    private final AtomicInteger met = new AtomicInteger();

    /** A proxy to {@code target} ({@code http://127.0.0.1:PORT}) whose faults meet the requests {@code faulted} selects. */
    public FaultyProxy(String target, Predicate<HttpExchange> faulted) throws IOException {
        this.target = target;
        this.faulted = faulted;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on, selected requests meet {@code next}; null: they pass again, and held ones are let go. */
    public void fault(Fault next) {
        fault.set(next);
        released.getAndSet(new CountDownLatch(1)).countDown();
    }

    /** How many requests met a fault so far. */
    public int met() {
        return met.get();
    }

    @Override
    public void close() {
        released.get().countDown();
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        CountDownLatch release = released.get();
        Fault now = faulted.test(exchange) ? fault.get() : null;
        if (now != null) {
            met.incrementAndGet();
        }
        try (exchange) {
            if (now == null) {
                forward(exchange, null, false);
            } else if (now instanceof Answer answer) {
                answer(exchange, answer);
            } else if (now instanceof Hang) {
                hold(release);
            } else if (now instanceof ApplyThenHang) {
                forward(exchange, release, false);
            } else if (now instanceof Truncate) {
                forward(exchange, null, true);
            }
            // Drop: closed before any answer, the client reads the end of the stream.
        }
    }

    private static void answer(HttpExchange exchange, Answer answer) throws IOException {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        answer.headers().forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void hold(CountDownLatch release) {
        try {
            release.await(LONGEST_HOLD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Forwards the request; with {@code holdUntil}, the service's answer is dropped once it is let go;
     * {@code truncated}: only the first half of its body is sent before the connection closes.
     */
    private void forward(HttpExchange exchange, CountDownLatch holdUntil, boolean truncated) throws IOException {
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
        if (holdUntil != null) {
            hold(holdUntil);
            return;
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
        if (truncated) {
            exchange.getResponseBody().write(answer, 0, answer.length / 2);
            exchange.getResponseBody().flush();
            // Closing the exchange now, short of the announced length, closes the connection.
            return;
        }
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }
}
