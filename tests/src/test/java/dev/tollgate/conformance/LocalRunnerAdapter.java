package dev.tollgate.conformance;

import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.DynamoDbKeyAdmin;
import dev.tollgate.azure.CosmosStores;
import dev.tollgate.emulators.CosmosEmulator;
import dev.tollgate.local.LocalRunner;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code ./tollgate local} (or {@code --platform azure}), started in this JVM on free ports with its own
 * store (DynamoDB Local or the Cosmos DB emulator), called over real HTTP on 127.0.0.1: by the JDK's
 * client, or a socket written byte for byte when a header value holds bytes past ASCII.
 */
public final class LocalRunnerAdapter implements Adapter {

    /** Past this, a body is sent after {@code Expect: 100-continue}. */
    private static final int LARGE_BODY = 1024 * 1024;

    private final LocalRunner runner;
    private final String name;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final KeyAdmin keys;
    private final AutoCloseable store;

    private LocalRunnerAdapter(LocalRunner runner, String name, KeyAdmin keys, AutoCloseable store) {
        this.runner = runner;
        this.name = name;
        this.keys = keys;
        this.store = store;
    }

    static LocalRunnerAdapter start(LocalRunner.Platform platform, Path config, Map<String, Map<String, String>> stageVariables,
                                    Clock clock) throws Exception {
        LocalRunner runner = LocalRunner.start(new LocalRunner.Options(config, 0, 0, stageVariables, false,
                AwsGateway.DEFAULT_COUNTERS_TABLE, clock, RequestObserver.NONE, false, platform));
        try {
            if (platform == LocalRunner.Platform.AWS) {
                DynamoDbClient dynamo = dynamoDb(runner.dynamoDbPort());
                return new LocalRunnerAdapter(runner, "local-aws", new DynamoDbKeyAdmin(dynamo, AwsGateway.DEFAULT_KEYS_TABLE), dynamo);
            }
            // As ./tollgate keys --platform azure reaches the runner's emulator.
            CosmosStores stores = CosmosStores.connect(Map.of(CosmosStores.ENDPOINT, runner.cosmosEndpoint().orElseThrow(),
                    CosmosStores.KEY, CosmosEmulator.KEY));
            return new LocalRunnerAdapter(runner, "local-azure", stores.keyAdmin(), stores);
        } catch (Exception | Error e) {
            runner.close();
            throw e;
        }
    }

    /** The runner's port on 127.0.0.1, for requests no HTTP client would send. */
    public int port() {
        return runner.port();
    }

    /** The runner's DynamoDB Local, as {@code ./tollgate keys} reaches it. */
    int dynamoDbPort() {
        return runner.dynamoDbPort();
    }

    /** A client of DynamoDB Local on {@code port}, with the dummy credentials the local tools use. */
    static DynamoDbClient dynamoDb(int port) {
        return DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    @Override
    public KeyAdmin keys() {
        return keys;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Answer send(Call call) throws IOException, InterruptedException {
        if (call.headers().stream().anyMatch(field -> field.getValue().chars().anyMatch(c -> c > 0x7e || c < 0x20 && c != '\t')
                || !field.getKey().equals(field.getKey().strip()))
                || call.first("content-length") != null || !validUri(call) || call.body().length > LARGE_BODY) {
            return sendWritten(call);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.port() + call.path()
                        + (call.query().isEmpty() ? "" : "?" + call.query())))
                .timeout(Duration.ofSeconds(30))
                .method(call.method(), call.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        call.headers().forEach(field -> request.header(field.getKey(), field.getValue()));
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.headers().map(), response.body());
    }

    private static boolean validUri(Call call) {
        try {
            URI.create(call.path() + (call.query().isEmpty() ? "" : "?" + call.query()));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The call written byte for byte over a socket, header values in ISO-8859-1 as HTTP has them: the
     * JDK's client sends a header's bytes past ASCII as {@code ?}, refuses a target that is not a URI
     * and sets {@code Content-Length} itself; here the call's own {@code Content-Length} goes out as
     * sent. A large body waits for the server's go-ahead ({@code Expect: 100-continue}), so that an early
     * answer (413) is read rather than cut off mid-upload. The answer's length is its {@code content-length}
     * (both runners send one).
     */
    private Answer sendWritten(Call call) throws IOException {
        StringBuilder head = new StringBuilder(call.method()).append(' ').append(call.path())
                .append(call.query().isEmpty() ? "" : "?" + call.query()).append(" HTTP/1.1\r\n")
                .append("host: 127.0.0.1:").append(runner.port()).append("\r\nconnection: close\r\n");
        if (call.first("content-length") == null) {
            head.append("content-length: ").append(call.body().length).append("\r\n");
        }
        call.headers().forEach(field -> head.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n"));
        boolean goAhead = call.body().length > LARGE_BODY;
        if (goAhead) {
            head.append("expect: 100-continue\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), runner.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String answered = goAhead ? readHead(in) : null;
            if (answered == null || answered.startsWith("HTTP/1.1 100")) {
                out.write(call.body());
                out.flush();
                answered = readHead(in);
            }
            String[] lines = answered.split("\r\n");
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).strip());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", List.of("0")).get(0));
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, in.readNBytes(length));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, Math.max(0, text.length() - 4));
    }

    @Override
    public void close() {
        try {
            store.close();
        } catch (Exception e) {
            // The runner stops all the same.
        }
        runner.close();
    }
}
