package dev.tollgate.bench;

import dev.tollgate.aws.DynamoDbCounterStore;
import dev.tollgate.policy.quota.CounterStore;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The latency of one counter-store write alone, against a DynamoDB (the local runner's DynamoDB Local):
 * the {@code UpdateItem} a rate limit makes ({@code tryAdmit}) and the one an unleased quota makes
 * ({@code tryLease} of one unit), each call timed, from {@code threads} callers at once, through the
 * store and the client the function uses. Prints {@code RESULT} lines (bench/load).
 * <pre>java ... dev.tollgate.bench.CounterStoreLatency ENDPOINT TABLE CALLS THREADS</pre>
 */
public final class CounterStoreLatency {

    private static final int WARM_UP_CALLS = 300;

    private CounterStoreLatency() {
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String table = args[1];
        int calls = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build()) {
            CounterStore store = new DynamoDbCounterStore(dynamo, table);
            Instant expires = Instant.now().plus(1, ChronoUnit.DAYS);
            Write admit = (store1, caller) -> store1.tryAdmit("bench-latency-rate-" + caller,
                    Instant.now().toEpochMilli() * 1000, 1, Long.MAX_VALUE / 4, expires);
            Write lease = (store1, caller) -> store1.tryLease("bench-latency-quota-" + caller, 1, Long.MAX_VALUE / 4, expires);
            time(store, "tryAdmit", admit, WARM_UP_CALLS, 1);
            time(store, "tryLease", lease, WARM_UP_CALLS, 1);
            report("tryAdmit", threads, time(store, "tryAdmit", admit, calls, threads));
            report("tryLease", threads, time(store, "tryLease", lease, calls, threads));
        }
    }

    @FunctionalInterface
    private interface Write {
        void call(CounterStore store, int caller);
    }

    /** Each caller's calls' nanoseconds, all callers together. */
    private static long[] time(CounterStore store, String what, Write write, int calls, int threads) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[]>> each = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int caller = t;
                each.add(callers.submit(() -> {
                    long[] nanos = new long[calls / threads];
                    for (int i = 0; i < nanos.length; i++) {
                        long start = System.nanoTime();
                        write.call(store, caller);
                        nanos[i] = System.nanoTime() - start;
                    }
                    return nanos;
                }));
            }
            long[] all = new long[0];
            for (Future<long[]> nanos : each) {
                long[] got = nanos.get();
                long[] joined = Arrays.copyOf(all, all.length + got.length);
                System.arraycopy(got, 0, joined, all.length, got.length);
                all = joined;
            }
            return all;
        } finally {
            callers.shutdownNow();
        }
    }

    private static void report(String what, int threads, long[] nanos) {
        Arrays.sort(nanos);
        System.out.printf("RESULT name=load.dynamodb-local.%s threads=%d p50_ms=%.3f p99_ms=%.3f calls=%d%n", what, threads,
                nanos[nanos.length / 2] / 1e6, nanos[(int) (nanos.length * 0.99)] / 1e6, nanos.length);
    }
}
