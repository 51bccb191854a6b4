package dev.tollgate.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.local.LocalRunner;
import dev.tollgate.observe.RequestObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ./tollgate local} started in-process on free ports, and an HTTP client to call it.
 * Its clock stands still in the middle of the current hour, so that no quota window ends mid-test,
 * and in the real present, so that DynamoDB Local's TTL sweep leaves the counters alone.
 */
final class LocalTollgate implements AutoCloseable {

    static final Path EXAMPLE = Path.of("..", "examples", "tollgate.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalRunner runner;
    private final Instant now;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private LocalTollgate(LocalRunner runner, Instant now) {
        this.runner = runner;
        this.now = now;
    }

    /** Runs a configuration; overrides are {@code stage.variable → value}, demo services on loopback URLs. */
    static LocalTollgate start(Path config, Map<String, Map<String, String>> overrides, boolean demoBackends) throws Exception {
        return start(config, overrides, demoBackends, Clock.fixed(midHour(), ZoneOffset.UTC));
    }

    /** The same, on a clock the test moves (such as a {@code MutableClock} set to {@link #midHour()}). */
    static LocalTollgate start(Path config, Map<String, Map<String, String>> overrides, boolean demoBackends, Clock clock)
            throws Exception {
        return start(config, overrides, demoBackends, clock, RequestObserver.NONE);
    }

    /** The same, telling {@code requestLog} about every request, as {@code ./tollgate local} prints them. */
    static LocalTollgate start(Path config, Map<String, Map<String, String>> overrides, boolean demoBackends, Clock clock,
                               RequestObserver requestLog) throws Exception {
        return new LocalTollgate(LocalRunner.start(new LocalRunner.Options(config, 0, 0, overrides, demoBackends,
                AwsGateway.DEFAULT_COUNTERS_TABLE, clock, requestLog)), clock.instant());
    }

    /** The shipped example, with its demo services on free ports and a request log. */
    static LocalTollgate example(RequestObserver requestLog) throws Exception {
        return example(requestLog, LocalRunner.Platform.AWS);
    }

    /** The shipped example around the platform's function ({@code ./tollgate local --platform ...}). */
    static LocalTollgate example(RequestObserver requestLog, LocalRunner.Platform platform) throws Exception {
        Clock clock = Clock.fixed(midHour(), ZoneOffset.UTC);
        return new LocalTollgate(LocalRunner.start(new LocalRunner.Options(EXAMPLE, 0, 0, Map.of(
                "dev", Map.of("ordersBackend", "http://127.0.0.1:0"),
                "prod", Map.of("ordersBackend", "http://127.0.0.1:0")), true,
                AwsGateway.DEFAULT_COUNTERS_TABLE, clock, requestLog, false, platform)), clock.instant());
    }

    /** The middle of the current hour: no quota window ends for half an hour, and TTL sweeps leave it alone. */
    static Instant midHour() {
        return Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(30));
    }

    /** The shipped example, with its demo services moved to free ports. */
    static LocalTollgate example() throws Exception {
        return example(RequestObserver.NONE);
    }

    /** {@code limits.yaml}: plans with rate limits and quotas, with a demo service on a free port. */
    static LocalTollgate limits() throws Exception {
        return start(Path.of("src", "test", "resources", "limits.yaml"),
                Map.of("dev", Map.of("ordersBackend", "http://127.0.0.1:0")), true);
    }

    /** A runner started by a test, whose gateway's clock stood at {@code now}. */
    static LocalTollgate of(LocalRunner runner, Instant now) {
        return new LocalTollgate(runner, now);
    }

    /** The moment the gateway's clock stood at when it started. */
    Instant now() {
        return now;
    }

    LocalRunner runner() {
        return runner;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + runner.port() + path);
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
    }

    HttpResponse<String> send(HttpRequest.Builder request, String... headers) {
        return send(request, HttpResponse.BodyHandlers.ofString(), headers);
    }

    HttpResponse<byte[]> sendBytes(HttpRequest.Builder request, String... headers) {
        return send(request, HttpResponse.BodyHandlers.ofByteArray(), headers);
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A GET written byte for byte over a socket bound to {@code from}: for headers the JDK client
     * refuses to send ({@code connection}), and for calling from another loopback address.
     */
    RawResponse rawGet(InetAddress from, String path, String... headers) {
        StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.1\r\nhost: 127.0.0.1:" + runner.port() + "\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), runner.port()), 5_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return RawResponse.read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@link #rawGet} read: the status, the headers (names in lower case) and the body as text. */
    record RawResponse(int status, Map<String, String> headers, String body) {

        /** Reads one answer, whose length the runner always gives in {@code content-length}. */
        static RawResponse read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new TreeMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.merge(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip(),
                        (earlier, value) -> earlier + "," + value);
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            return new RawResponse(status, headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the answer ended in its head: " + line.toString(StandardCharsets.ISO_8859_1));
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        runner.close();
    }
}
