package dev.tollgate.emulators.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Lambda Runtime API of one execution environment (one function instance), version 2018-06-01, on
 * 127.0.0.1 and a free port: what a runtime reaches at {@code AWS_LAMBDA_RUNTIME_API}.
 * {@code GET /2018-06-01/runtime/invocation/next} waits for an event and answers it with the headers
 * Lambda sends ({@code Lambda-Runtime-Aws-Request-Id}, {@code -Deadline-Ms}, {@code -Invoked-Function-Arn},
 * {@code -Trace-Id}); {@code POST .../invocation/{id}/response} and {@code .../{id}/error} complete that
 * invocation; {@code POST /2018-06-01/runtime/init/error} fails the environment, and every invocation with it.
 * One instance handles one event at a time, as on Lambda; several instances are several environments.
 */
public final class LocalLambdaRuntimeApi implements AutoCloseable {

    static final String PREFIX = "/2018-06-01/runtime/";
    static final String REQUEST_ID = "Lambda-Runtime-Aws-Request-Id";
    static final String DEADLINE = "Lambda-Runtime-Deadline-Ms";
    static final String FUNCTION_ARN = "Lambda-Runtime-Invoked-Function-Arn";
    static final String TRACE_ID = "Lambda-Runtime-Trace-Id";
    static final String ERROR_TYPE = "Lambda-Runtime-Function-Error-Type";

    /**
     * What an invocation ended with.
     *
     * @param payload   the function's answer, or the error document the runtime posted
     * @param errorType empty when the function answered; the error's type ({@value #ERROR_TYPE}) when it failed
     */
    public record Result(byte[] payload, Optional<String> errorType) {

        public boolean failed() {
            return errorType.isPresent();
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private record Invocation(String id, byte[] event, Instant deadline, CompletableFuture<Result> result) {
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final String functionArn;
    private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
    private final Map<String, Invocation> running = new ConcurrentHashMap<>();
    private final CompletableFuture<Result> initError = new CompletableFuture<>();
    private final Object polls = new Object();
    private int waiting;
    private volatile boolean closed;

    private LocalLambdaRuntimeApi(String functionArn) throws IOException {
        this.functionArn = functionArn;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        this.threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "lambda-runtime-api");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** Starts on a free port of 127.0.0.1, invoked as the function {@code functionArn}. */
    public static LocalLambdaRuntimeApi start(String functionArn) throws IOException {
        return new LocalLambdaRuntimeApi(functionArn);
    }

    /** What {@code AWS_LAMBDA_RUNTIME_API} is set to: {@code 127.0.0.1:PORT}. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Hands {@code event} to the runtime on its next poll and waits for the end of the invocation.
     *
     * @param timeout the function's timeout: its deadline, and how long this waits
     * @throws TimeoutException when the function did not finish in time
     */
    public Result invoke(byte[] event, Duration timeout) throws TimeoutException, InterruptedException {
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), event.clone(), Instant.now().plus(timeout),
                new CompletableFuture<>());
        initError.thenAccept(invocation.result()::complete);
        pending.add(invocation);
        try {
            return invocation.result().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pending.remove(invocation);
            running.remove(invocation.id());
        }
    }

    /** Whether the runtime is waiting for its next event within {@code timeout}: ready, or done with the last one. */
    public boolean awaitPolling(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (polls) {
            while (waiting == 0 && !initError.isDone()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(polls, left);
            }
            return waiting > 0;
        }
    }

    /** The error the runtime posted at init, if it did. */
    public Optional<String> initError() {
        return initError.isDone() ? Optional.of(initError.join().text()) : Optional.empty();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.equals("init/error")) {
                initError.complete(new Result(exchange.getRequestBody().readAllBytes(),
                        Optional.ofNullable(exchange.getRequestHeaders().getFirst(ERROR_TYPE)).or(() -> Optional.of("Runtime.Unknown"))));
                synchronized (polls) {
                    polls.notifyAll();
                }
                answer(exchange, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("POST") && path.startsWith("invocation/")
                    && (path.endsWith("/response") || path.endsWith("/error"))) {
                String id = path.substring("invocation/".length(), path.lastIndexOf('/'));
                Invocation invocation = running.remove(id);
                byte[] payload = exchange.getRequestBody().readAllBytes();
                if (invocation == null) {
                    answer(exchange, 400, "{\"errorMessage\":\"no invocation " + id + " is running\",\"errorType\":\"InvalidRequestID\"}");
                    return;
                }
                invocation.result().complete(new Result(payload, path.endsWith("/error")
                        ? Optional.of(Optional.ofNullable(exchange.getRequestHeaders().getFirst(ERROR_TYPE)).orElse("Unhandled"))
                        : Optional.empty()));
                answer(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                answer(exchange, 404, "{\"errorMessage\":\"no such resource\",\"errorType\":\"NotFound\"}");
            }
        }
    }

    /** Waits for an event (the runtime's long poll), then hands it over with its invocation's headers. */
    private void next(HttpExchange exchange) throws IOException {
        Invocation invocation = null;
        synchronized (polls) {
            waiting++;
            polls.notifyAll();
        }
        try {
            while (invocation == null && !closed) {
                invocation = pending.poll(200, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (polls) {
                waiting--;
            }
        }
        if (invocation == null) {
            answer(exchange, 500, "{\"errorMessage\":\"the runtime API is stopping\",\"errorType\":\"ServiceException\"}");
            return;
        }
        running.put(invocation.id(), invocation);
        exchange.getResponseHeaders().add(REQUEST_ID, invocation.id());
        exchange.getResponseHeaders().add(DEADLINE, Long.toString(invocation.deadline().toEpochMilli()));
        exchange.getResponseHeaders().add(FUNCTION_ARN, functionArn);
        exchange.getResponseHeaders().add(TRACE_ID, "Root=1-" + Long.toHexString(Instant.now().getEpochSecond()) + "-"
                + invocation.id().replace("-", "").substring(0, 24) + ";Sampled=0");
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, invocation.event().length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(invocation.event());
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        threads.shutdownNow();
    }
}
