package dev.tollgate.battery.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.DynamoDbCounterStore;
import dev.tollgate.azure.CosmosStores;
import dev.tollgate.emulators.CosmosEmulator;
import dev.tollgate.local.LocalRunner;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.quota.QuotaConfig;
import dev.tollgate.policy.quota.QuotaPeriod;
import dev.tollgate.policy.quota.QuotaWindow;
import dev.tollgate.testing.TestIssuer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A bounded soak through each local runner ({@code ./tollgate local}, and {@code --platform azure}), started in
 * this JVM with its own store (DynamoDB Local, the Cosmos DB emulator): {@value #DEFAULT_CLIENTS} clients for
 * {@value #DEFAULT_SECONDS} s by default, {@code -P battery-long} 64 for 120 s ({@code tollgate.soak.clients},
 * {@code tollgate.soak.seconds}), each cycling through a mix of API keys of several consumers and plans (some
 * past their quota or rate limit), bearer tokens of several subjects, a public route, unknown keys and tokens,
 * and routes whose backend drops the connection, answers 503, or answers after the route's timeout.
 * It asserts what must hold under load: every answer one the configuration allows for what was sent; the heap
 * after a GC, the open file descriptors and the threads at the end within a stated bound of the start (after a
 * warm-up of the same mix); and each consumer's quota counter read back from the store equal to the requests it
 * had admitted ({@code lease: false}), or at most one lease above ({@code lease: true}: one instance, whose
 * unused lease holds at most {@value #MAX_LEASE} units; docs/policies.md).
 */
class LocalRunnerSoakTest {

    static final int DEFAULT_CLIENTS = 16;
    static final int DEFAULT_SECONDS = 12;
    /** The most units one instance's lease holds (docs/policies.md, "Leased quotas"). */
    static final long MAX_LEASE = 100;
    /** Heap after a GC at the end, beyond the start's. */
    static final long HEAP_BOUND_BYTES = 32L * 1024 * 1024;
    /**
     * Open file descriptors at the end, beyond the start's, but for established TCP connections: a connection
     * closed unanswered and never released stays in CLOSE_WAIT and counts here. (A backend that wrote a late
     * answer after the gateway had given up cost one each in the JDK's server: 100 and more per run, which this
     * bound caught; {@link SoakBackend} no longer writes one.)
     */
    static final int FD_SLACK = 16;
    /**
     * Established TCP connections at the end, beyond the start's, plus one per client: the keep-alive pools (the
     * clients', the runner's forwarder's, the store clients'; both ends live in this JVM) hold as many idle
     * connections as the run's peak concurrency reached, which grows with the machine's load. A connection per
     * request, or per failure, would be thousands.
     */
    static final int CONNECTION_SLACK = 16;
    /**
     * Threads at the end, beyond the start's, plus one per two clients: pools' workers (the JDK HTTP client's,
     * Jetty's, the SDKs') that the warm-up had not yet grown to, idle and not yet timed out. A thread per
     * request, or per connection, would be thousands.
     */
    static final int THREAD_SLACK = 16;
    static final Duration ROUTE_TIMEOUT = Duration.ofMillis(250);
    static final long TIGHT_LIMIT = 40;
    static final String STAGE = "dev";
    static final String ISSUER_NAME = "soak-jwt";
    static final TestIssuer ISSUER = TestIssuer.rsa("urn:tollgate:soak", "s1");
    static final Set<Integer> REFUSALS = Set.of(401, 403, 429);

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(30));

    /** What one request of the mix sends, and what may come back. */
    record Kind(String name, String path, String header, String value, Set<Integer> allowed, String consumer, boolean leased) {
    }

    record Usage(long heap, long fds, long established, int threads) {
        @Override
        public String toString() {
            return "heap %.1f MB, %d fds (%d established connections), %d threads".formatted(heap / 1048576.0, fds,
                    established, threads);
        }

        long otherFds() {
            return fds - established;
        }
    }

    @ParameterizedTest
    @EnumSource(LocalRunner.Platform.class)
    void soak_answersOnlyWhatTheConfigurationAllows_leaksNothing_andCountsExactly(LocalRunner.Platform platform,
                                                                                  @TempDir Path dir) throws Exception {
        int clients = Integer.getInteger("tollgate.soak.clients", DEFAULT_CLIENTS);
        long seconds = Long.getLong("tollgate.soak.seconds", DEFAULT_SECONDS);
        List<Kind> mix = mix();
        try (SoakBackend backend = new SoakBackend(4 * clients, new JWKSet(ISSUER.publicKeys().getKeys()).toString())) {
            Path config = Files.writeString(dir.resolve("soak.yaml"), config(backend));
            Clock clock = Clock.fixed(now, ZoneOffset.UTC);
            try (LocalRunner runner = LocalRunner.start(new LocalRunner.Options(config, 0, 0, Map.of(), false,
                    AwsGateway.DEFAULT_COUNTERS_TABLE, clock, RequestObserver.NONE, false, platform))) {
                ExecutorService pool = Executors.newFixedThreadPool(clients + 2);
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).executor(pool).build();
                Map<String, LongAdder> answers = new ConcurrentHashMap<>();
                List<String> wrong = new CopyOnWriteArrayList<>();
                ExecutorService callers = Executors.newFixedThreadPool(clients);
                try {
                    run(callers, clients, Duration.ofSeconds(Math.max(3, seconds / 8)), runner.port(), client, mix, answers, wrong);
                    Usage start = quiet(backend);
                    long sentBefore = total(answers);
                    long began = System.nanoTime();
                    run(callers, clients, Duration.ofSeconds(seconds), runner.port(), client, mix, answers, wrong);
                    double took = (System.nanoTime() - began) / 1e9;
                    Usage end = quiet(backend);
                    long soaked = total(answers) - sentBefore;

                    Map<String, long[]> counted = counters(platform, runner, clock, mix, answers);
                    System.out.printf("soak %s: %d clients, %d requests in %.1f s (%.0f/s) after a warm-up of %d; "
                                    + "statuses %s; start %s, end %s; counters (admitted, store) %s%n",
                            platform, clients, soaked, took, soaked / took, sentBefore, statuses(answers), start, end,
                            counted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()[0] + "/" + e.getValue()[1]).toList());

                    assertThat(wrong).as("answers the configuration does not allow").isEmpty();
                    assertThat(soaked).as("requests in the soak").isPositive();
                    for (Kind kind : mix) {
                        assertThat(count(answers, kind, kind.allowed())).as("%s answered", kind.name()).isPositive();
                    }
                    assertThat(end.heap() - start.heap()).as("heap growth after GC (%s, then %s)", start, end)
                            .isLessThanOrEqualTo(HEAP_BOUND_BYTES);
                    assertThat(end.otherFds()).as("open file descriptors but established connections (%s, then %s)",
                            start, end).isLessThanOrEqualTo(start.otherFds() + FD_SLACK);
                    assertThat(end.established()).as("established connections (%s, then %s)", start, end)
                            .isLessThanOrEqualTo(start.established() + CONNECTION_SLACK + clients);
                    assertThat(end.threads()).as("threads (%s, then %s)", start, end)
                            .isLessThanOrEqualTo(start.threads() + THREAD_SLACK + clients / 2);
                    counted.forEach((consumer, pair) -> {
                        long admitted = pair[0];
                        long stored = pair[1];
                        boolean leased = mix.stream().anyMatch(k -> consumer.equals(k.consumer()) && k.leased());
                        assertThat(admitted).as("%s admitted", consumer).isPositive();
                        if (leased) {
                            assertThat(stored).as("%s: the store's count, leased", consumer)
                                    .isBetween(admitted, admitted + MAX_LEASE);
                        } else {
                            assertThat(stored).as("%s: the store's count, lease: false", consumer).isEqualTo(admitted);
                        }
                        if (consumer.startsWith("tight")) {
                            assertThat(stored).as("%s: a quota under 128 leases one unit at a time", consumer)
                                    .isEqualTo(admitted).isLessThanOrEqualTo(TIGHT_LIMIT);
                        }
                    });
                } finally {
                    callers.shutdownNow();
                    pool.shutdownNow();
                }
            }
        }
    }

    /** Each client cycles through the mix from its own place in it, until the time is up. */
    private static void run(ExecutorService callers, int clients, Duration duration, int port, HttpClient client,
                            List<Kind> mix, Map<String, LongAdder> answers, List<String> wrong) throws Exception {
        long deadline = System.nanoTime() + duration.toNanos();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int first = c * 7;
            running.add(callers.submit(() -> {
                for (int i = first; System.nanoTime() < deadline; i++) {
                    Kind kind = mix.get(i % mix.size());
                    call(client, port, kind, answers, wrong);
                }
                return null;
            }));
        }
        for (Future<?> caller : running) {
            caller.get(duration.toSeconds() + 120, TimeUnit.SECONDS);
        }
    }

    private static void call(HttpClient client, int port, Kind kind, Map<String, LongAdder> answers, List<String> wrong)
            throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + STAGE + kind.path()))
                .timeout(Duration.ofSeconds(30)).GET();
        if (kind.header() != null) {
            request.header(kind.header(), kind.value());
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            note(wrong, kind.name() + ": " + e);
            return;
        }
        int status = response.statusCode();
        answers.computeIfAbsent(kind.name() + " " + status, k -> new LongAdder()).increment();
        String problem = problem(kind, response);
        if (problem != null) {
            note(wrong, kind.name() + ": " + status + " " + problem + " " + response.headers().map() + " " + response.body());
        }
    }

    /** What is wrong with an answer to {@code kind}, or null. */
    private static String problem(Kind kind, HttpResponse<String> response) {
        int status = response.statusCode();
        if (!kind.allowed().contains(status)) {
            return "not one of " + kind.allowed();
        }
        if (response.headers().firstValue("x-request-id").isEmpty()) {
            return "no request id";
        }
        if (status == 429 && response.headers().firstValue("retry-after").isEmpty()) {
            return "429 without Retry-After";
        }
        boolean backends = response.headers().firstValue(SoakBackend.MARK).isPresent();
        if (status == 503 && !backends) {
            return "a 503 not the backend's";
        }
        if ((status >= 400 && status != 503) && !response.headers().firstValue("content-type").orElse("")
                .startsWith("application/problem+json")) {
            return "a refusal that is no problem";
        }
        return null;
    }

    /** Keeps the first few wrong answers. */
    private static void note(List<String> wrong, String what) {
        if (wrong.size() < 20) {
            wrong.add(what);
        }
    }

    /** Once every slow answer is let go and the backend idle: heap after GC, open file descriptors, threads. */
    private static Usage quiet(SoakBackend backend) throws Exception {
        backend.release();
        long waitUntil = System.nanoTime() + SoakBackend.SLOW.multipliedBy(5).toNanos();
        while (backend.inFlight() > 0 && System.nanoTime() < waitUntil) {
            backend.release();
            Thread.onSpinWait();
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        memory.gc();
        Set<String> sockets = new java.util.HashSet<>();
        long fds = 0;
        try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) open::iterator) {
                fds++;
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        sockets.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor, or one closed since: not this process's socket
                }
            }
        }
        long established = 0;
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] columns = line.strip().split("\\s+");
                if (columns[3].equals(TCP_ESTABLISHED) && sockets.contains(columns[9])) {
                    established++;
                }
            }
        }
        return new Usage(memory.getHeapMemoryUsage().getUsed(), fds, established,
                ManagementFactory.getThreadMXBean().getThreadCount());
    }

    /** The state column of {@code /proc/net/tcp} for an established connection. */
    private static final String TCP_ESTABLISHED = "01";

    /** For each consumer with a quota: the requests it had admitted, and its counter read back from the store. */
    private Map<String, long[]> counters(LocalRunner.Platform platform, LocalRunner runner, Clock clock, List<Kind> mix,
                                         Map<String, LongAdder> answers) throws Exception {
        Map<String, Long> admitted = new LinkedHashMap<>();
        for (Kind kind : mix) {
            if (kind.consumer() != null) {
                long passed = answers.entrySet().stream()
                        .filter(e -> e.getKey().startsWith(kind.name() + " "))
                        .filter(e -> !REFUSALS.contains(Integer.parseInt(e.getKey().substring(kind.name().length() + 1))))
                        .mapToLong(e -> e.getValue().sum()).sum();
                admitted.merge(kind.consumer(), passed, Long::sum);
            }
        }
        Map<String, long[]> counted = new LinkedHashMap<>();
        if (platform == LocalRunner.Platform.AWS) {
            try (DynamoDbClient dynamo = AwsGateway.dynamoDb(Map.of(AwsGateway.DYNAMODB_ENDPOINT,
                    "http://127.0.0.1:" + runner.dynamoDbPort()), StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))) {
                read(new DynamoDbCounterStore(dynamo, AwsGateway.DEFAULT_COUNTERS_TABLE), admitted, counted);
            }
        } else {
            try (CosmosStores stores = CosmosStores.connect(Map.of(CosmosStores.ENDPOINT, runner.cosmosEndpoint().orElseThrow(),
                    CosmosStores.KEY, CosmosEmulator.KEY, CosmosStores.COUNTERS_CONTAINER, AwsGateway.DEFAULT_COUNTERS_TABLE,
                    CosmosStores.TIMEOUT, "10s"))) {
                read(stores.counters(clock), admitted, counted);
            }
        }
        return counted;
    }

    private void read(CounterStore store, Map<String, Long> admitted, Map<String, long[]> counted) {
        QuotaWindow window = QuotaWindow.at(new QuotaConfig(TIGHT_LIMIT, QuotaPeriod.HOUR), now);
        admitted.forEach((consumer, passed) -> counted.put(consumer, new long[] {passed, store.used(window.counter(STAGE, consumer))}));
    }

    private static long total(Map<String, LongAdder> answers) {
        return answers.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static long count(Map<String, LongAdder> answers, Kind kind, Set<Integer> statuses) {
        return statuses.stream().mapToLong(s -> {
            LongAdder n = answers.get(kind.name() + " " + s);
            return n == null ? 0 : n.sum();
        }).sum();
    }

    /** Answers by status, over every kind. */
    private static Map<Integer, Long> statuses(Map<String, LongAdder> answers) {
        Map<Integer, Long> byStatus = new TreeMap<>();
        answers.forEach((key, n) -> byStatus.merge(Integer.parseInt(key.substring(key.lastIndexOf(' ') + 1)), n.sum(), Long::sum));
        return byStatus;
    }

    /** The requests the clients cycle through. */
    private List<Kind> mix() {
        List<Kind> mix = new ArrayList<>();
        Set<Integer> ok = Set.of(200);
        Set<Integer> limited = Set.of(200, 429);
        for (int n = 0; n < 3; n++) {
            mix.add(new Kind("leased-" + n, "/ok/items/" + n, "x-api-key", "soak-leased-key-" + n, ok, "leased-" + n, true));
        }
        for (int n = 0; n < 2; n++) {
            mix.add(new Kind("exact-" + n, "/ok/items/" + n, "x-api-key", "soak-exact-key-" + n, ok, "exact-" + n, false));
        }
        mix.add(new Kind("tight", "/ok/tight", "x-api-key", "soak-tight-key", limited, "tight", false));
        mix.add(new Kind("tight-leased", "/ok/tight", "x-api-key", "soak-tight-leased-key", limited, "tight-leased", true));
        mix.add(new Kind("bursty", "/ok/bursty", "x-api-key", "soak-bursty-key", limited, null, false));
        for (int n = 0; n < 4; n++) {
            String token = ISSUER.sign(ISSUER.claims("sub-" + n, "api", now).build());
            mix.add(new Kind("jwt-" + n, "/ok/token", "authorization", "Bearer " + token, ok, ISSUER_NAME + ":sub-" + n, false));
        }
        mix.add(new Kind("public", "/public/page", null, null, ok, null, false));
        mix.add(new Kind("unknown-key", "/ok/items/1", "x-api-key", "soak-no-such-key", Set.of(401), null, false));
        mix.add(new Kind("no-credential", "/ok/items/1", null, null, Set.of(401), null, false));
        mix.add(new Kind("bad-token", "/ok/token", "authorization", "Bearer not.a.token", Set.of(401), null, false));
        mix.add(new Kind("backend-drops", "/drop/x", "x-api-key", "soak-failing-key", Set.of(502), "failing", false));
        mix.add(new Kind("backend-503", "/fail/x", "x-api-key", "soak-failing-key", Set.of(503), "failing", false));
        mix.add(new Kind("backend-slow", "/slow/x", "x-api-key", "soak-failing-key", Set.of(504), "failing", false));
        return mix;
    }

    /** Plans: quotas leased and not, two tight ones, a rate limit; keys for each; routes to each backend path. */
    private static String config(SoakBackend backend) {
        StringBuilder yaml = new StringBuilder("""
                stages:
                  dev: {}
                plans:
                  leased: {quota: {limit: 1000000, period: hour}}
                  exact: {quota: {limit: 1000000, period: hour, lease: false}}
                  tight: {quota: {limit: %d, period: hour, lease: false}}
                  tight-leased: {quota: {limit: %d, period: hour}}
                  bursty: {rateLimit: {requests: 5, per: minute}}
                apiKeys:
                """.formatted(TIGHT_LIMIT, TIGHT_LIMIT));
        for (int n = 0; n < 3; n++) {
            yaml.append("  - {id: leased-%d, value: soak-leased-key-%d, consumer: leased-%d, stage: dev, plan: leased}\n".formatted(n, n, n));
        }
        for (int n = 0; n < 2; n++) {
            yaml.append("  - {id: exact-%d, value: soak-exact-key-%d, consumer: exact-%d, stage: dev, plan: exact}\n".formatted(n, n, n));
        }
        yaml.append("""
                  - {id: tight, value: soak-tight-key, consumer: tight, stage: dev, plan: tight}
                  - {id: tight-leased, value: soak-tight-leased-key, consumer: tight-leased, stage: dev, plan: tight-leased}
                  - {id: bursty, value: soak-bursty-key, consumer: bursty, stage: dev, plan: bursty}
                  - {id: failing, value: soak-failing-key, consumer: failing, stage: dev, plan: exact}
                routes:
                  - {path: "/ok/items/{id}", methods: [GET], backend: "%1$s", auth: {apiKey: true, jwt: [%2$s]}}
                  - {path: /ok/tight, methods: [GET], backend: "%1$s"}
                  - {path: /ok/bursty, methods: [GET], backend: "%1$s"}
                  - {path: /ok/token, methods: [GET], backend: "%1$s", auth: {jwt: [%2$s]}}
                  - {path: /public/page, methods: [GET], backend: "%1$s", public: true}
                  - {path: /drop/x, methods: [GET], backend: "%5$s", timeout: 5s}
                  - {path: /fail/x, methods: [GET], backend: "%1$s", timeout: 5s}
                  - {path: /slow/x, methods: [GET], backend: "%5$s", timeout: %3$dms}
                jwt:
                  issuers:
                    %2$s:
                      issuer: %4$s
                      jwksUri: %1$s/keys
                      audiences: [api]
                      plan: exact
                """.formatted(backend.url(), ISSUER_NAME, ROUTE_TIMEOUT.toMillis(), ISSUER.issuer(), backend.rawUrl()));
        return yaml.toString();
    }
}
