package dev.tollgate.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.http.HeaderNames;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A demo container service on 127.0.0.1, standing in for a service behind an internal NLB or for
 * one task of an ECS service. It answers JSON that says which service, stage and task served the
 * request and what the gateway sent: forwarding headers, the caller's identity, the trace context and
 * the body it received (its length and SHA-256 too).
 */
final class DemoBackend implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final String service;
    private final String stage;
    private final String task;

    private DemoBackend(HttpServer server, ExecutorService executor, String service, String stage, String task) {
        this.server = server;
        this.executor = executor;
        this.service = service;
        this.stage = stage;
        this.task = task;
    }

    static DemoBackend start(int port, String service, String stage) throws IOException {
        return start(port, service, stage, null);
    }

    /** A demo service that answers as one task of an ECS service, naming its task id. */
    static DemoBackend start(int port, String service, String stage, String task) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        } catch (IOException e) {
            throw new IOException("the demo " + service + " service of stage " + stage + " cannot listen on 127.0.0.1:"
                    + port + " (" + e.getMessage() + ")", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(16, r -> {
            Thread thread = new Thread(r, "demo-" + service + "-" + stage);
            thread.setDaemon(true);
            return thread;
        });
        DemoBackend backend = new DemoBackend(server, executor, service, stage, task);
        server.createContext("/", backend::serve);
        server.setExecutor(executor);
        server.start();
        return backend;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] received = exchange.getRequestBody().readAllBytes();
            ObjectNode body = JSON.createObjectNode()
                    .put("service", service)
                    .put("stage", stage);
            if (task != null) {
                body.put("task", task);
            }
            body.put("method", exchange.getRequestMethod())
                    .put("path", exchange.getRequestURI().getRawPath())
                    .put("query", exchange.getRequestURI().getRawQuery())
                    .put("requestId", exchange.getRequestHeaders().getFirst("x-request-id"));
            body.putObject("trace")
                    .put("traceparent", exchange.getRequestHeaders().getFirst(HeaderNames.TRACEPARENT))
                    .put("amazon", exchange.getRequestHeaders().getFirst(HeaderNames.X_AMZN_TRACE_ID));
            body.putObject("forwarded")
                    .put("for", exchange.getRequestHeaders().getFirst("x-forwarded-for"))
                    .put("proto", exchange.getRequestHeaders().getFirst("x-forwarded-proto"))
                    .put("host", exchange.getRequestHeaders().getFirst("x-forwarded-host"));
            if (exchange.getRequestHeaders().containsKey(HeaderNames.IDENTITY_CONSUMER)) {
                body.putObject("identity")
                        .put("consumer", exchange.getRequestHeaders().getFirst(HeaderNames.IDENTITY_CONSUMER))
                        .put("plan", exchange.getRequestHeaders().getFirst(HeaderNames.IDENTITY_PLAN))
                        .put("subject", exchange.getRequestHeaders().getFirst(HeaderNames.IDENTITY_SUBJECT))
                        .put("scopes", exchange.getRequestHeaders().getFirst(HeaderNames.IDENTITY_SCOPES));
            }
            if (received.length > 0) {
                body.put("received", new String(received, StandardCharsets.UTF_8));
                // What arrived, byte for byte, whatever it was: a body that is no UTF-8 text shows only here.
                body.put("receivedBytes", received.length)
                        .put("receivedSha256", sha256(received));
            }
            byte[] bytes = JSON.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("content-type", "application/json");
            int status = exchange.getRequestMethod().equals("POST") ? 201 : 200;
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
