package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.quota.CounterStore.Acquisition;
import dev.tollgate.problem.CounterStoreException;
import dev.tollgate.problem.CounterStoreRejectedException;
import dev.tollgate.testing.CounterStoreContract;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The counter store against DynamoDB Local, in-process: the quota counters here, the rate limit
 * buckets and giving uses back through {@link CounterStoreContract}, concurrent callers included.
 */
class DynamoDbCounterStoreTest extends CounterStoreContract {

    private static final String TABLE = "counters";
    /** Counters expire in the real future: DynamoDB Local's TTL sweep would delete past ones. */
    private static final Instant EXPIRES = Instant.now().plus(Duration.ofDays(1));

    @RegisterExtension
    static final EmbeddedDynamoDb DYNAMO = new EmbeddedDynamoDb();
    private static DynamoDbCounterStore store;

    @BeforeAll
    static void createTables() {
        DYNAMO.client().createTable(DynamoDbCounterStore.tableDefinition(TABLE));
        store = new DynamoDbCounterStore(DYNAMO.client(), TABLE);
    }

    @Override
    protected CounterStore store() {
        return store;
    }

    @Test
    void counts_upToTheLimit_thenRefuses_reportingTheCount() {
        assertThat(store.tryAcquire("c-limit", 2, EXPIRES)).isEqualTo(new Acquisition(true, 1));
        assertThat(store.tryAcquire("c-limit", 2, EXPIRES)).isEqualTo(new Acquisition(true, 2));
        assertThat(store.tryAcquire("c-limit", 2, EXPIRES)).isEqualTo(new Acquisition(false, 2));
        assertThat(store.used("c-limit")).isEqualTo(2);
    }

    @Test
    void anUnwrittenCounter_hasNoUses() {
        assertThat(store.used("never-written")).isZero();
    }

    @Test
    void items_carryTheirExpiry_forTtl() {
        store.tryAcquire("c-ttl", 5, EXPIRES);

        var item = DYNAMO.client().getItem(get -> get.tableName(TABLE)
                .key(java.util.Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("c-ttl"))))
                .item();
        assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(EXPIRES.getEpochSecond()));
    }

    @Test
    void buckets_holdTheirTatInMicroseconds_andCarryTheirExpiry() {
        long now = Instant.now().getEpochSecond() * 1_000_000 + 123_456;

        store.tryAdmit("b-ttl", now, 100_000, 900_000, EXPIRES);

        var item = DYNAMO.client().getItem(get -> get.tableName(TABLE)
                .key(java.util.Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("b-ttl"))))
                .item();
        assertThat(item.get("tat").n()).isEqualTo(Long.toString(now + 100_000));
        assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(EXPIRES.getEpochSecond()));
    }

    @Test
    void quota_isNeverExceeded_underConcurrentCallers() throws Exception {
        int callers = 16;
        int attempts = 120;
        long limit = 50;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                Callable<Boolean> call = () -> {
                    start.await();
                    return store.tryAcquire("c-concurrent", limit, EXPIRES).granted();
                };
                results.add(pool.submit(call));
            }
            start.countDown();
            long granted = 0;
            for (Future<Boolean> result : results) {
                granted += result.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }

            assertThat(granted).isEqualTo(limit);
            assertThat(store.used("c-concurrent")).isEqualTo(limit);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aStoreFailure_becomesTheGatewaysOwnException() {
        DynamoDbCounterStore missingTable = new DynamoDbCounterStore(DYNAMO.client(), "no-such-table");

        assertThatThrownBy(() -> missingTable.tryAcquire("c", 1, EXPIRES))
                .isInstanceOf(CounterStoreException.class)
                .hasMessage("The quota counter could not be updated.");
        assertThatThrownBy(() -> missingTable.used("c"))
                .isInstanceOf(CounterStoreException.class)
                .hasMessage("The quota counter could not be read.");
        assertThatThrownBy(() -> missingTable.release("c"))
                .isInstanceOf(CounterStoreException.class)
                .hasMessage("The quota counter could not give uses back.");
        assertThatThrownBy(() -> missingTable.tryAdmit("b", 1, 1, 0, EXPIRES))
                .isInstanceOf(CounterStoreException.class)
                .hasMessage("The rate limit bucket could not be updated.");
        assertThatThrownBy(() -> missingTable.theoreticalArrival("b"))
                .isInstanceOf(CounterStoreException.class)
                .hasMessage("The rate limit bucket could not be read.");
        assertThatThrownBy(() -> missingTable.tryAcquire("c", 1, EXPIRES)).isNotInstanceOf(CounterStoreRejectedException.class);
    }

    @Test
    void aWriteDynamoDbRefusesAsInvalid_isARejection_notAnOutage() {
        String tooLong = "k".repeat(2_049);

        assertThatThrownBy(() -> store.tryAcquire(tooLong, 1, EXPIRES))
                .isInstanceOf(CounterStoreRejectedException.class)
                .hasMessage("The quota counter could not be updated. DynamoDB refused it as invalid.");
        assertThatThrownBy(() -> store.tryAdmit(tooLong, 1, 1, 0, EXPIRES))
                .isInstanceOf(CounterStoreRejectedException.class)
                .hasMessage("The rate limit bucket could not be updated. DynamoDB refused it as invalid.");
        assertThatThrownBy(() -> store.used(tooLong)).isInstanceOf(CounterStoreRejectedException.class);
        assertThatThrownBy(() -> store.release(tooLong)).isInstanceOf(CounterStoreRejectedException.class);
        assertThatThrownBy(() -> store.theoreticalArrival(tooLong)).isInstanceOf(CounterStoreRejectedException.class);
    }
}
