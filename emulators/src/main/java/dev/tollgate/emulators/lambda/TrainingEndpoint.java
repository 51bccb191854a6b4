package dev.tollgate.emulators.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What a training run of the function talks to instead of AWS, so that its request path (a quota's
 * {@code UpdateItem} answered, the backend called and answered) runs whole at package time without
 * leaving the machine: one HTTP server on 127.0.0.1 that answers every DynamoDB call (a {@code POST}
 * with an {@code X-Amz-Target}) as a granted counter update, its new {@code used} and {@code tat}
 * being 1, and every other request as a backend, 200 with a small JSON body. It keeps no state and
 * checks nothing: a stand-in for training, not an emulator (DynamoDB Local is the one the tests use).
 *
 * <p>Arguments: {@code PORT_FILE}: once listening, it writes {@code http://127.0.0.1:PORT} there, and
 * serves until it is stopped.
 */
public final class TrainingEndpoint implements AutoCloseable {

    static final String UPDATED = "{\"Attributes\":{\"used\":{\"N\":\"1\"},\"tat\":{\"N\":\"1\"}}}";
    static final String BACKEND = "{\"training\":true}";

    private final HttpServer server;

    private TrainingEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", TrainingEndpoint::answer);
        server.start();
    }

    /** Starts on a free port of 127.0.0.1. */
    public static TrainingEndpoint start() throws IOException {
        return new TrainingEndpoint();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: TrainingEndpoint PORT_FILE");
            System.exit(2);
        }
        TrainingEndpoint endpoint = start();
        Path file = Path.of(args[0]);
        Path partial = Files.createTempFile(file.toAbsolutePath().getParent(), "training-endpoint", ".part");
        Files.writeString(partial, endpoint.url() + "\n");
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            boolean dynamoDb = exchange.getRequestMethod().equals("POST") && exchange.getRequestHeaders().containsKey("X-Amz-Target");
            byte[] body = (dynamoDb ? UPDATED : BACKEND).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", dynamoDb ? "application/x-amz-json-1.0" : "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
