package dev.tollgate.bench;

import dev.tollgate.Gateway;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.DynamoDbCounterStore;
import dev.tollgate.azure.CosmosStores;
import dev.tollgate.emulators.CosmosEmulator;
import dev.tollgate.local.LocalRunner;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.quota.QuotaLeases;
import dev.tollgate.testing.CountingCounterStore;
import dev.tollgate.testing.LeasedInstances;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Leased quotas with several gateway instances in parallel (each its own {@link Gateway}, so its
 * own {@link QuotaLeases}) over one counter store: DynamoDB Local over HTTP (the local runner's)
 * and the npm Cosmos DB emulator through the Cosmos Java SDK. For each store it prints, per run,
 * the requests admitted against the limit (overshoot must be 0), the units left unadmitted when
 * every instance kept asking until refused, and the counter-store writes per request, counted by
 * a wrapper (a count, not a timing):
 * <ul>
 *   <li>limits from 1 to 5,000 per hour, every instance asking until refused;</li>
 *   <li>the same with one instance that stops after 50 requests: the units its lease strands;</li>
 *   <li>a large quota (10,000,000 a day) at steady state, leased and with {@code lease: false}.</li>
 * </ul>
 *
 * <p>Then rate limits on each store, leased and with {@code lease: false} side by side
 * ({@link LeasedRateLimits}, a quarter of {@code STEADY_REQUESTS} per run), and a {@code RESULT}
 * line with their overshoot, writes per request at steady state and under-admission.
 *
 * <p>Arguments (optional): {@code INSTANCES THREADS_EACH STEADY_REQUESTS}, default {@code 4 4 40000}.
 * Run by {@code bench/leases}. Exits 1 if any run admitted more than its limit, or any interval of
 * a rate limit's run more than {@code burst + rate × elapsed}.
 */
public final class LeasedQuotas {

    private static final long[] LIMITS = {1, 7, 64, 100, 1_000, 5_000};
    private static final long IDLE_LIMIT = 5_000;
    private static final long IDLE_AFTER = 50;
    private static final long STEADY_LIMIT = 10_000_000;

    private final int instances;
    private final int threadsEach;
    private final long steadyRequests;
    private final TestBackend backend;
    private boolean exact = true;

    private LeasedQuotas(int instances, int threadsEach, long steadyRequests, TestBackend backend) {
        this.instances = instances;
        this.threadsEach = threadsEach;
        this.steadyRequests = steadyRequests;
        this.backend = backend;
    }

    public static void main(String[] args) throws Exception {
        CosmosEmulator.allowPlainHttp();
        int instances = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int threadsEach = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        long steady = args.length > 2 ? Long.parseLong(args[2]) : 40_000;
        Path config = Files.createTempFile("leases", ".yaml");
        Files.writeString(config, """
                stages:
                  dev: {variables: {ordersBackend: "http://127.0.0.1:1"}}
                plans:
                  p: {quota: {limit: 1, period: hour}}
                apiKeys:
                  - {id: k, value: bench-key-1, consumer: c, stage: dev, plan: p}
                routes:
                  - {path: /orders, methods: [GET], backend: "${stageVariables.ordersBackend}"}
                """);
        boolean exact = true;
        try (TestBackend backend = new TestBackend();
                LocalRunner runner = LocalRunner.start(new LocalRunner.Options(config, 0, 0,
                        Map.of("dev", Map.of("ordersBackend", "http://127.0.0.1:0")), true,
                        AwsGateway.DEFAULT_COUNTERS_TABLE, Clock.systemUTC()))) {
            System.out.printf("%d gateway instances x %d threads each%n", instances, threadsEach);
            DynamoDbClient dynamo = RateLimitAccuracy.dynamoDb(runner);
            LeasedQuotas bench = new LeasedQuotas(instances, threadsEach, steady, backend);
            LeasedRateLimits rates = new LeasedRateLimits(instances, threadsEach, steady / 4);
            DynamoDbCounterStore dynamoCounters = new DynamoDbCounterStore(dynamo, AwsGateway.DEFAULT_COUNTERS_TABLE);
            bench.runAll("DynamoDB Local", dynamoCounters);
            LeasedRateLimits.Summary dynamoRates = rates.runAll("DynamoDB Local", dynamoCounters);
            LeasedRateLimits.Summary cosmosRates;
            try (CosmosEmulator cosmos = CosmosEmulator.start(0);
                    CosmosStores stores = CosmosStores.connect(Map.of(CosmosStores.ENDPOINT, cosmos.endpoint(),
                            CosmosStores.KEY, cosmos.key())).createIfMissing()) {
                CounterStore cosmosCounters = stores.counters(Clock.systemUTC());
                bench.runAll("Cosmos emulator", cosmosCounters);
                cosmosRates = rates.runAll("Cosmos emulator", cosmosCounters);
            }
            exact = bench.exact && dynamoRates.overshoot() == 0 && cosmosRates.overshoot() == 0;
            System.out.printf(Locale.ROOT, "%nRESULT name=leases rate_overshoot_dynamodb=%d rate_overshoot_cosmos=%d"
                            + " rate_steady_writes_per_request_dynamodb=%.4f rate_steady_writes_per_request_cosmos=%.4f"
                            + " rate_under_admission_pct_dynamodb=%.2f rate_under_admission_pct_cosmos=%.2f%n",
                    dynamoRates.overshoot(), cosmosRates.overshoot(), dynamoRates.steadyWritesPerRequest(),
                    cosmosRates.steadyWritesPerRequest(), 100 * dynamoRates.underAdmission(),
                    100 * cosmosRates.underAdmission());
        } finally {
            Files.deleteIfExists(config);
        }
        System.exit(exact ? 0 : 1);
    }

    /** What one run measured: its counter-store writes per request asked, and the units left unadmitted (-1: not asked until refused). */
    private record Row(double writesPerRequest, long under, long overshoot) {
    }

    /**
     * Every run on one store, then its RESULT line for ./tollgate bench, named after the store's first word
     * ({@code leases-dynamodb}, {@code leases-cosmos}): overshoot summed over the runs.
     */
    private void runAll(String store, CounterStore counters) throws Exception {
        String id = store.split(" ")[0].toLowerCase(Locale.ROOT);
        System.out.printf("%n%s%n%-34s %10s %9s %9s %9s %7s %10s %10s%n", store, "run", "limit", "asked", "admitted",
                "overshoot", "under", "writes", "writes/req");
        long overshoot = 0;
        for (long limit : LIMITS) {
            overshoot += run(counters, "every instance asks until refused", limit, "hour", true, Long.MAX_VALUE, false).overshoot();
        }
        Row idle = run(counters, "one instance stops after " + IDLE_AFTER, IDLE_LIMIT, "hour", true, Long.MAX_VALUE, true);
        long perThread = steadyRequests / ((long) instances * threadsEach);
        Row leased = run(counters, "steady state, leased", STEADY_LIMIT, "day", true, perThread, false);
        Row unleased = run(counters, "steady state, lease: false", STEADY_LIMIT, "day", false, Math.max(1, perThread / 10), false);
        overshoot += idle.overshoot() + leased.overshoot() + unleased.overshoot();
        System.out.printf(Locale.ROOT, "RESULT name=leases-%s overshoot=%d steady_leased_writes_per_req=%.4f"
                + " steady_unleased_writes_per_req=%.4f idle_stranded_units=%d idle_limit=%d%n", id, overshoot,
                leased.writesPerRequest(), unleased.writesPerRequest(), idle.under(), IDLE_LIMIT);
    }

    /**
     * One quota of a consumer of its own, asked by every thread of every instance: each thread asks
     * {@code asksPerThread} times or until refused; with {@code oneIdle}, instance 0 stops after
     * {@value #IDLE_AFTER} requests.
     */
    private Row run(CounterStore store, String name, long limit, String period, boolean lease, long asksPerThread,
            boolean oneIdle) throws Exception {
        String yaml = """
                stages:
                  dev: {variables: {ordersBackend: "%s"}}
                plans:
                  p: {quota: {limit: %d, period: %s, lease: %s}}
                apiKeys:
                  - {id: k, value: bench-key-%s, consumer: %s, stage: dev, plan: p}
                routes:
                  - {path: /orders, methods: [GET], backend: "${stageVariables.ordersBackend}"}
                """;
        String consumer = UUID.randomUUID().toString();
        String config = yaml.formatted(backend.url(), limit, period, lease, consumer, consumer);
        CountingCounterStore counting = new CountingCounterStore(store);
        List<Gateway> gateways = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            gateways.add(TestGateways.builder(config).counters(counting).build());
        }
        AtomicLong asked = new AtomicLong();
        AtomicLong idleAdmitted = new AtomicLong();
        long admitted = LeasedInstances.inParallel(instances, threadsEach, asksPerThread, instance -> {
            if (oneIdle && instance == 0 && idleAdmitted.get() >= IDLE_AFTER) {
                return false;
            }
            asked.incrementAndGet();
            int status = gateways.get(instance).handle(Requests.get("/orders").key("bench-key-" + consumer).build()).status();
            if (status != 200 && status != 429) {
                throw new IllegalStateException("unexpected status " + status);
            }
            if (status == 200 && instance == 0) {
                idleAdmitted.incrementAndGet();
            }
            return status == 200;
        });
        long overshoot = Math.max(0, admitted - limit);
        boolean untilRefused = asksPerThread == Long.MAX_VALUE;
        String under = untilRefused ? Long.toString(limit - admitted) : "-";
        exact &= overshoot == 0;
        double writesPerRequest = (double) counting.writes() / asked.get();
        System.out.printf("%-34s %10d %9d %9d %9d %7s %10d %10.4f%s%n", name, limit, asked.get(), admitted, overshoot,
                under, counting.writes(), writesPerRequest, overshoot > 0 ? "  OVERSHOOT" : "");
        return new Row(writesPerRequest, untilRefused ? limit - admitted : -1, overshoot);
    }
}
