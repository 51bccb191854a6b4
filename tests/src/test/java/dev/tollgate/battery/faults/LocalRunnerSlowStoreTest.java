package dev.tollgate.battery.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.DynamoDbCounterStore;
import dev.tollgate.config.Durations;
import dev.tollgate.local.LocalRunner;
import dev.tollgate.policy.quota.QuotaConfig;
import dev.tollgate.policy.quota.QuotaPeriod;
import dev.tollgate.policy.quota.QuotaWindow;
import dev.tollgate.testing.FaultyProxy;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code ./tollgate local}'s runner (the Lambda handler behind the local API Gateway) over a DynamoDB Local
 * that stops answering its counter writes ({@link FaultyProxy} between the function's client and the store,
 * through the Lambda settings {@value AwsGateway#DYNAMODB_ENDPOINT} and {@value AwsGateway#DYNAMODB_TIMEOUT}
 * the runner hands its function): each request is answered within the call timeout and a margin, per its plan
 * (failOpen: 200 uncounted; else the 503 problem with the request id), and once the store answers again the
 * counters equal the requests admitted and counted. Without the Lambda's call timeout on the runner's client,
 * no answer came within the test client's 60 s.
 */
class LocalRunnerSlowStoreTest {

    private static final String CONFIG = """
            stages:
              dev:
                variables:
                  ordersBackend: %s
            plans:
              open: {quota: {limit: 1000, period: day, lease: false}, failOpen: true}
              closed: {quota: {limit: 1000, period: day, lease: false}}
            apiKeys:
              - {id: open, value: runner-open-key, consumer: runner-open, stage: dev, plan: open}
              - {id: closed, value: runner-closed-key, consumer: runner-closed, stage: dev, plan: closed}
            routes:
              - {path: /orders, methods: [GET], backend: "${stageVariables.ordersBackend}"}
            """;

    /** The call timeout the test hands the runner's function, short of the runner's own 10 s, to keep the test short. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aSlowDynamoDb_isAnsweredPerPlan_withinTheCallTimeout_andCountsExactlyOnceBack() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(30));
        MutableClock clock = new MutableClock(now);
        int storePort = freePort();
        try (TestBackend backend = new TestBackend();
             FaultyProxy proxy = new FaultyProxy("http://127.0.0.1:" + storePort,
                     exchange -> String.valueOf(exchange.getRequestHeaders().getFirst("x-amz-target")).endsWith(".UpdateItem"));
             LocalRunner runner = LocalRunner.start(new LocalRunner.Options(Files.writeString(dir.resolve("tollgate.yaml"),
                     CONFIG.formatted(backend.url())), 0, storePort, Map.of(), false, AwsGateway.DEFAULT_COUNTERS_TABLE, clock),
                     Map.of(AwsGateway.DYNAMODB_ENDPOINT, proxy.endpoint(), AwsGateway.DYNAMODB_TIMEOUT, Durations.show(TIMEOUT)))) {
            for (String plan : List.of("open", "closed")) {
                assertThat(get(runner, plan).statusCode()).isEqualTo(200);
            }

            proxy.fault(new FaultyProxy.Hang());
            for (String plan : List.of("open", "closed")) {
                long started = System.nanoTime();
                HttpResponse<String> answer = get(runner, plan);
                Duration took = Duration.ofNanos(System.nanoTime() - started);

                assertThat(took).as("%s: within the call timeout and a margin", plan)
                        .isLessThanOrEqualTo(TIMEOUT.plus(PlatformFaults.MARGIN));
                if (plan.equals("open")) {
                    assertThat(answer.statusCode()).isEqualTo(200);
                    assertThat(answer.headers().firstValue("ratelimit-limit")).isEmpty();
                } else {
                    String requestId = answer.headers().firstValue("x-request-id").orElseThrow();
                    assertThat(answer.statusCode()).isEqualTo(503);
                    assertThat(answer.headers().firstValue("content-type")).contains("application/problem+json");
                    assertThat(answer.body()).contains("urn:tollgate:problem:counter-store-unavailable", requestId);
                }
            }
            assertThat(proxy.met()).as("the fault met the counter writes").isGreaterThanOrEqualTo(2);
            proxy.fault(null);

            for (String plan : List.of("open", "closed")) {
                assertThat(get(runner, plan).statusCode()).isEqualTo(200);
            }
            try (DynamoDbClient direct = DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + storePort))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .httpClient(UrlConnectionHttpClient.create()).build()) {
                DynamoDbCounterStore counters = new DynamoDbCounterStore(direct, AwsGateway.DEFAULT_COUNTERS_TABLE);
                QuotaWindow window = QuotaWindow.at(new QuotaConfig(1000, QuotaPeriod.DAY), now);
                assertThat(counters.used(window.counter("dev", "runner-open"))).as("failOpen: the one served uncounted is not in it")
                        .isEqualTo(2);
                assertThat(counters.used(window.counter("dev", "runner-closed"))).isEqualTo(2);
            }
        }
    }

    private HttpResponse<String> get(LocalRunner runner, String plan) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.port() + "/dev/orders"))
                .header("x-api-key", "runner-" + plan + "-key").timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A port free now, for DynamoDB Local, so that the proxy in front of it can be made before the runner starts. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
