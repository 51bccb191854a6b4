package dev.tollgate.bench;

import dev.tollgate.Gateway;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.EmfRequestLog;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.local.LocalRunner;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.Headers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How close a rate limit comes to its theory with the real clock: callers send as fast as they can
 * for a while, against DynamoDB Local, and the requests allowed are compared with
 * {@code burst + rate × elapsed}, elapsed running from the first request sent to the last one sent
 * (theoretical), and with the bound exactness guarantees (elapsed up to the last answer, plus the skew).
 * First through real HTTP and the local runner (one instance); then in-process through two gateway
 * instances sharing the table, one of whose clocks runs ahead by the skew given.
 *
 * <p>Arguments (all optional): {@code CALLERS SECONDS RATE BURST SKEW_MS}, default {@code 32 2 50 50 100}.
 * Run by {@code bench/rate-limit-accuracy}. Exits 1 if more passed than exactness allows.
 */
public final class RateLimitAccuracy {

    private RateLimitAccuracy() {
    }

    public static void main(String[] args) throws Exception {
        int callers = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int burst = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        long skewMillis = args.length > 4 ? Long.parseLong(args[4]) : 100;
        Path config = Files.createTempFile("rate-limit-accuracy", ".yaml");
        Files.writeString(config, """
                stages:
                  dev: {variables: {ordersBackend: "http://127.0.0.1:1"}}
                plans:
                  bench: {rateLimit: {requests: %d, per: second, burst: %d}}
                apiKeys:
                  - {id: warm, value: warm-up-key, consumer: warm, stage: dev, plan: bench}
                  - {id: http, value: http-key-1, consumer: http, stage: dev, plan: bench}
                  - {id: same, value: same-clock-key, consumer: same, stage: dev, plan: bench}
                  - {id: skew, value: skewed-key-1, consumer: skew, stage: dev, plan: bench}
                routes:
                  - {path: /orders, methods: [GET], backend: "${stageVariables.ordersBackend}"}
                """.formatted(rate, burst));
        boolean exact = true;
        try (LocalRunner runner = LocalRunner.start(new LocalRunner.Options(config, 0, 0,
                Map.of("dev", Map.of("ordersBackend", "http://127.0.0.1:0")), true,
                AwsGateway.DEFAULT_COUNTERS_TABLE, Clock.systemUTC()))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI orders = URI.create("http://127.0.0.1:" + runner.port() + "/dev/orders");
            run(callers, 1, caller -> send(http, orders, "warm-up-key")); // warm-up, on a bucket of its own
            System.out.printf("%-44s %7s %7s %7s %11s %6s %7s %7s%n", "path", "callers", "seconds", "allowed", "theoretical",
                    "ratio", "bound", "ms/call");
            exact &= report("HTTP, local runner, 1 instance", callers, seconds, rate, burst, 0,
                    key -> send(http, orders, "http-key-1"));

            GatewayConfig parsed = ConfigLoader.load(config);
            DynamoDbClient dynamo = dynamoDb(runner);
            Map<String, String> variables = runner.stageVariables().get("dev");
            Gateway onTime = gateway(parsed, dynamo, Clock.systemUTC());
            Gateway ahead = gateway(parsed, dynamo, Clock.offset(Clock.systemUTC(), Duration.ofMillis(skewMillis)));
            exact &= report("in-process, 1 instance", callers, seconds, rate, burst, 0,
                    caller -> handle(onTime, "same-clock-key", variables));
            exact &= report("in-process, 2 instances, one " + skewMillis + " ms ahead", callers, seconds, rate, burst,
                    skewMillis, caller -> handle(caller % 2 == 0 ? onTime : ahead, "skewed-key-1", variables));
        } finally {
            Files.deleteIfExists(config);
        }
        System.exit(exact ? 0 : 1);
    }

    /** A client of the runner's DynamoDB Local, built as the function builds its own. */
    static DynamoDbClient dynamoDb(LocalRunner runner) {
        return DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create("http://127.0.0.1:" + runner.dynamoDbPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }

    /** The function's gateway over the runner's DynamoDB, on {@code clock}, logging each request as the function does. */
    private static Gateway gateway(GatewayConfig config, DynamoDbClient dynamo, Clock clock) {
        return AwsGateway.create(config, dynamo, AwsGateway.DEFAULT_COUNTERS_TABLE, AwsGateway.DEFAULT_KEYS_TABLE, clock,
                EmfRequestLog.toStandardOutput(), BackendResolver.NONE);
    }

    private static boolean report(String path, int callers, double seconds, int rate, int burst, long skewMillis,
                                  IntPredicate call) throws Exception {
        Window window = run(callers, seconds, call);
        // Every request the gateway counted read its clock between its sending and its answer.
        double sending = (window.lastSent - window.firstSent) / 1e9;
        double theoretical = burst + rate * sending;
        // A clock ahead may start the bucket that much earlier: exactness bounds what passes by that too.
        double bound = burst + rate * ((window.lastAnswered - window.firstSent) / 1e9 + skewMillis / 1000.0);
        System.out.printf("%-44s %7d %7.2f %7d %11.1f %6.3f %7.1f %7.1f%s%n", path, callers, sending, window.allowed.get(),
                theoretical, window.allowed.get() / theoretical, bound, window.latencyNanos.get() / 1e6 / window.calls.get(),
                window.allowed.get() > bound ? "  MORE THAN EXACTNESS ALLOWS" : "");
        return window.allowed.get() <= bound;
    }

    /** What a run saw: requests allowed, when the first and the last were sent, and when the last answer came. */
    private static final class Window {
        final AtomicLong allowed = new AtomicLong();
        final AtomicLong calls = new AtomicLong();
        final AtomicLong latencyNanos = new AtomicLong();
        volatile long firstSent = Long.MAX_VALUE;
        volatile long lastSent;
        volatile long lastAnswered;

        synchronized void sent(long at) {
            firstSent = Math.min(firstSent, at);
            lastSent = Math.max(lastSent, at);
        }

        synchronized void answered(long at) {
            lastAnswered = Math.max(lastAnswered, at);
        }
    }

    /** Callers call until the time is up. */
    private static Window run(int callers, double seconds, IntPredicate call) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        Window window = new Window();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                done.add(pool.submit(() -> {
                    long now;
                    while ((now = System.nanoTime()) < deadline) {
                        window.sent(now);
                        boolean allowed = call.test(caller);
                        long answered = System.nanoTime();
                        window.answered(answered);
                        window.calls.incrementAndGet();
                        window.latencyNanos.addAndGet(answered - now);
                        if (allowed) {
                            window.allowed.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return window;
    }

    private static boolean send(HttpClient http, URI uri, String key) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).header("x-api-key", key).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return status(response.statusCode());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean handle(Gateway gateway, String key, Map<String, String> variables) {
        return status(gateway.handle(new GatewayRequest("GET", "/orders", "", Headers.builder().set("x-api-key", key).build(),
                null, "127.0.0.1", "http", "dev", variables)).status());
    }

    private static boolean status(int status) {
        if (status != 200 && status != 429) {
            throw new IllegalStateException("unexpected status " + status);
        }
        return status == 200;
    }
}
