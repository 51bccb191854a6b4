package dev.tollgate.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.local.LocalRunner;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.testing.RawHttpResponse;
import java.io.IOException;
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
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

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
        return limits(LocalRunner.Platform.AWS);
    }

    /** The same around the platform's function: on Azure, counted in the Cosmos DB emulator. */
    static LocalTollgate limits(LocalRunner.Platform platform) throws Exception {
        Clock clock = Clock.fixed(midHour(), ZoneOffset.UTC);
        return new LocalTollgate(LocalRunner.start(new LocalRunner.Options(Path.of("src", "test", "resources", "limits.yaml"),
                0, 0, Map.of("dev", Map.of("ordersBackend", "http://127.0.0.1:0")), true,
                AwsGateway.DEFAULT_COUNTERS_TABLE, clock, RequestObserver.NONE, false, platform)), clock.instant());
    }

    /** A runner started by a test, whose gateway's clock stood at {@code now}. */
    static LocalTollgate of(LocalRunner runner, Instant now) {
        return new LocalTollgate(runner, now);
    }

    /** The moment the gateway's clock stood at when it started. */
    Instant now() {
        return now;
    }

    /** A client of the runner's DynamoDB Local, with the dummy credentials it takes. */
    DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create("http://127.0.0.1:" + runner.dynamoDbPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
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
    RawHttpResponse rawGet(InetAddress from, String path, String... headers) {
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
            return RawHttpResponse.read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
