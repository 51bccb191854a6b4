package dev.tollgate.aws.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An API Gateway HTTP API on 127.0.0.1: each stage under its own path prefix, as the invoke URL
 * has it ({@code /dev/orders}). Every request becomes a payload-2.0 event with that stage's
 * variables and goes to the Lambda handler as the JSON Lambda hands it, called concurrently as warm
 * instances would be. Beside
 * the stages it serves the demo issuer's keys at {@value DemoIssuer#JWKS_PATH}, when there is one.
 */
final class ApiGatewayEmulator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ApiGatewayEmulator.class.getName());
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final int THREADS = 64;
    private static final int BACKLOG = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Map<String, String>> stageVariables;
    private final RequestStreamHandler handler;
    private final byte[] demoJwks;

    private ApiGatewayEmulator(HttpServer server, ExecutorService executor, Map<String, Map<String, String>> stageVariables,
                               RequestStreamHandler handler, byte[] demoJwks) {
        this.server = server;
        this.executor = executor;
        this.stageVariables = stageVariables;
        this.handler = handler;
        this.demoJwks = demoJwks;
    }

    /**
     * @param port           the port to listen on, 0 for any free one
     * @param stageVariables each stage's variables
     * @param handler        makes the handler once the port is bound, since the gateway's demo issuer lives on it
     * @param demoJwks       the demo issuer's key set to serve, or null
     */
    static ApiGatewayEmulator start(int port, Map<String, Map<String, String>> stageVariables,
                                    IntFunction<RequestStreamHandler> handler,
                                    String demoJwks) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), BACKLOG);
        } catch (IOException e) {
            throw new IOException("cannot listen on 127.0.0.1:" + port + " (" + e.getMessage()
                    + "); choose another port with --port", e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread thread = new Thread(r, "api-gateway-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        ApiGatewayEmulator emulator;
        try {
            emulator = new ApiGatewayEmulator(server, executor, Map.copyOf(stageVariables),
                    handler.apply(server.getAddress().getPort()),
                    demoJwks == null ? null : demoJwks.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            server.stop(0);
            executor.shutdownNow();
            throw e;
        }
        server.createContext("/", emulator::serve);
        if (demoJwks != null) {
            server.createContext(DemoIssuer.JWKS_PATH, emulator::serveDemoJwks);
        }
        server.setExecutor(executor);
        server.start();
        return emulator;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String rawPath = exchange.getRequestURI().getRawPath();
            String stage = stageOf(rawPath);
            if (stage == null) {
                // What API Gateway answers for a stage that does not exist.
                send(exchange, 404, ownHeaders(), List.of(), "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event(exchange, stage))), output,
                    new LocalContext());
            JsonNode response = JSON.readTree(output.toByteArray());
            String text = response.path("body").asText("");
            byte[] body = response.path("isBase64Encoded").asBoolean() ? Base64.getDecoder().decode(text)
                    : text.getBytes(StandardCharsets.UTF_8);
            Map<String, String> headers = new HashMap<>();
            response.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
            List<String> cookies = new ArrayList<>();
            response.path("cookies").forEach(cookie -> cookies.add(cookie.asText()));
            send(exchange, response.path("statusCode").asInt(), headers, cookies, body);
        } catch (RuntimeException e) {
            // What API Gateway answers when the function itself fails.
            LOG.log(Level.SEVERE, "the handler failed", e);
            send(exchange, 500, ownHeaders(), List.of(),
                    "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    private void serveDemoJwks(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getRawPath().equals(DemoIssuer.JWKS_PATH)) {
                send(exchange, 404, ownHeaders(), List.of(), "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(exchange, 200, Map.of("content-type", "application/jwk-set+json", "cache-control", "max-age=300"), List.of(),
                    demoJwks);
        }
    }

    /** API Gateway's own answers carry its request id, as Tollgate's answers carry theirs. */
    private static Map<String, String> ownHeaders() {
        return Map.of("content-type", "application/json", "x-request-id", UUID.randomUUID().toString());
    }

    private String stageOf(String rawPath) {
        int end = rawPath.indexOf('/', 1);
        String first = end < 0 ? rawPath.substring(1) : rawPath.substring(1, end);
        return stageVariables.containsKey(first) ? first : null;
    }

    /** The payload-2.0 event API Gateway would send for the exchange. */
    private ObjectNode event(HttpExchange exchange, String stage) throws IOException {
        Map<String, String> headers = new HashMap<>();
        List<String> cookies = new ArrayList<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                for (String value : values) {
                    for (String cookie : value.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.strip());
                        }
                    }
                }
            } else {
                headers.put(lower, String.join(",", values));
            }
        });
        String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
        headers.merge("x-forwarded-for", sourceIp, (earlier, ip) -> earlier + ", " + ip);
        headers.put("x-forwarded-proto", "http");
        headers.put("x-forwarded-port", Integer.toString(port()));

        byte[] bytes = exchange.getRequestBody().readAllBytes();
        boolean text = isText(headers.getOrDefault("content-type", ""));
        Instant now = Instant.now();
        String rawPath = exchange.getRequestURI().getRawPath();
        ObjectNode event = JSON.createObjectNode()
                .put("version", "2.0")
                .put("routeKey", "$default")
                .put("rawPath", rawPath)
                .put("rawQueryString", exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
        if (!cookies.isEmpty()) {
            cookies.forEach(event.putArray("cookies")::add);
        }
        ObjectNode eventHeaders = event.putObject("headers");
        headers.forEach(eventHeaders::put);
        ObjectNode variables = event.putObject("stageVariables");
        stageVariables.get(stage).forEach(variables::put);
        ObjectNode context = event.putObject("requestContext")
                .put("accountId", "000000000000")
                .put("apiId", "local")
                .put("domainName", headers.getOrDefault("host", "127.0.0.1:" + port()))
                .put("domainPrefix", "local")
                .put("requestId", UUID.randomUUID().toString())
                .put("routeKey", "$default")
                .put("stage", stage)
                .put("time", REQUEST_TIME.format(now))
                .put("timeEpoch", now.toEpochMilli());
        context.putObject("http")
                .put("method", exchange.getRequestMethod().toUpperCase(Locale.ROOT))
                .put("path", rawPath)
                .put("protocol", exchange.getProtocol())
                .put("sourceIp", sourceIp)
                .put("userAgent", headers.getOrDefault("user-agent", ""));
        if (bytes.length > 0) {
            event.put("body", text ? new String(bytes, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(bytes));
        }
        event.put("isBase64Encoded", bytes.length > 0 && !text);
        return event;
    }

    private static boolean isText(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.isEmpty() || type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.contains("javascript") || type.contains("x-www-form-urlencoded");
    }

    private static void send(HttpExchange exchange, int status, Map<String, String> headers, List<String> cookies,
                             byte[] body) throws IOException {
        if (headers != null) {
            headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        }
        if (cookies != null) {
            cookies.forEach(cookie -> exchange.getResponseHeaders().add("set-cookie", cookie));
        }
        boolean noBody = body.length == 0 || exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
