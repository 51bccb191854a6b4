package dev.tollgate.azure;

import com.azure.cosmos.CosmosContainer;
import com.azure.cosmos.CosmosException;
import com.azure.cosmos.models.CosmosPatchItemRequestOptions;
import com.azure.cosmos.models.CosmosPatchOperations;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.problem.CounterStoreException;
import dev.tollgate.problem.CounterStoreRejectedException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Quota counters and rate limit buckets in a Cosmos DB for NoSQL container, one item each
 * (partition key {@code /id}), changed only by patches with a filter predicate, so that concurrent
 * callers on any number of function instances never push a limit past itself.
 *
 * <p>A quota counter takes one round trip for a use or a whole lease of n units:
 * {@code increment /used n} only {@code FROM c WHERE c.used <= limit - n}; Cosmos DB answers 412
 * when the predicate is false. For one unit that is a refusal; for more, a failed patch returns no
 * item, so a read finds the count and a second patch leases what remains (three round trips). A
 * counter not yet written answers 404 and is created with {@code used} n (409: another caller
 * created it first, so patch again). Units are given back by {@code increment /used -n} only
 * {@code FROM c WHERE c.used >= n}.
 *
 * <p>A rate limit bucket holds its GCRA theoretical arrival time ({@value #TAT}, integer
 * microseconds) and follows {@code DynamoDbCounterStore}'s advance-or-restart, for a lease of n
 * tokens as for one request: first {@code increment /tat n * interval} only while
 * {@code now <= tat <= now + tolerance - (n - 1) * interval} (one round trip while the bucket is in
 * use); on 412, {@code set /tat now + n * interval} only while {@code tat < now} (the bucket was
 * idle: two); when that is refused too, the TAT lies beyond the tolerance, fewer than n tokens fit,
 * or another caller moved it meanwhile, and one read says which (a refusal: three; fewer tokens:
 * a fourth round trip takes those). A failed patch returns no item in Cosmos DB, hence that read;
 * it decides only whether and with how many tokens to try again, never what to write.
 *
 * <p>Items carry {@value #TTL}, in seconds from their last write (Cosmos DB's TTL), set at every
 * count to what remains until the window's {@code expiresAt}; the container needs TTL on with no
 * default ({@code defaultTtl -1}). Ids are {@link CosmosItemIds bounded whatever the identity}.
 *
 * <p>A request Cosmos DB refuses as invalid (400) is a {@link CounterStoreRejectedException}, never
 * failed open; every other failure (429, 503, 408, a timeout, no connection) is the store being
 * unavailable, a {@link CounterStoreException}.
 */
public final class CosmosCounterStore implements CounterStore {

    public static final String USED = "used";
    public static final String TAT = "tat";
    public static final String TTL = "ttl";
    /** The counter's key as the gateway wrote it, kept at creation: the id may be its hash. */
    public static final String KEY = "key";
    /** Each failed try means another caller changed the item meanwhile: more happen only when clocks disagree wildly. */
    static final int MAX_TRIES = 5;

    private static final int CONFLICT = 409;
    private static final int PRECONDITION_FAILED = 412;
    private static final int BAD_REQUEST = 400;

    private final CosmosContainer container;
    private final Clock clock;

    /**
     * @param container the counters container (partition key {@code /id}, {@code defaultTtl -1})
     * @param clock     what tells how many seconds remain until a counter's {@code expiresAt}, for its TTL
     */
    public CosmosCounterStore(CosmosContainer container, Clock clock) {
        this.container = container;
        this.clock = clock;
    }

    @Override
    public Lease tryLease(String counter, long units, long limit, Instant expiresAt) {
        long asked = Lease.firstAsk(units, limit);
        String id = CosmosItemIds.of(counter);
        long ttl = ttl(expiresAt, clock.instant().getEpochSecond());
        try {
            for (int tries = 0; tries < MAX_TRIES; tries++) {
                try {
                    CosmosPatchOperations increment = CosmosPatchOperations.create().increment("/" + USED, asked).set("/" + TTL, ttl);
                    return new Lease(asked, number(patch(id, increment, filter("FROM c WHERE c." + USED + " <= " + (limit - asked))), USED));
                } catch (CosmosException e) {
                    if (e.getStatusCode() == PRECONDITION_FAILED) {
                        if (asked == 1) {
                            return new Lease(0, limit);
                        }
                        long found = read(id).map(item -> number(item, USED)).orElse(0L);
                        if (found >= limit) {
                            return new Lease(0, found);
                        }
                        asked = Math.min(asked, limit - found); // fewer remain than asked: lease those
                        continue;
                    }
                    if (!CosmosItems.itemMissing(e)) {
                        throw e;
                    }
                }
                if (create(id, counter, USED, asked, ttl)) {
                    return new Lease(asked, asked);
                }
            }
        } catch (CosmosException e) {
            throw failure("The quota counter could not be updated.", e);
        }
        throw new CounterStoreException("The quota counter could not be updated.",
                new IllegalStateException("counter " + id + " changed under " + MAX_TRIES + " tries in a row"));
    }

    @Override
    public void giveBack(String counter, long units) {
        String id = CosmosItemIds.of(counter);
        long n = units;
        try {
            for (int tries = 0; tries < MAX_TRIES && n > 0; tries++) {
                try {
                    patch(id, CosmosPatchOperations.create().increment("/" + USED, -n), filter("FROM c WHERE c." + USED + " >= " + n));
                    return;
                } catch (CosmosException e) {
                    if (CosmosItems.itemMissing(e)) {
                        return; // gone with its window: nothing is counted that could be given back
                    }
                    if (e.getStatusCode() != PRECONDITION_FAILED) {
                        throw e;
                    }
                }
                // Fewer are counted than given back: give back what is.
                n = Math.min(n, read(id).map(item -> number(item, USED)).orElse(0L));
            }
        } catch (CosmosException e) {
            throw failure("The quota counter could not give uses back.", e);
        }
    }

    @Override
    public long used(String counter) {
        try {
            return read(CosmosItemIds.of(counter)).map(item -> number(item, USED)).orElse(0L);
        } catch (CosmosException e) {
            throw failure("The quota counter could not be read.", e);
        }
    }

    @Override
    public TokenLease tryLeaseTokens(String bucket, long tokens, long nowMicros, long intervalMicros, long toleranceMicros,
            Instant expiresAt) {
        long asked = TokenLease.firstAsk(tokens, intervalMicros, toleranceMicros);
        String id = CosmosItemIds.of(bucket);
        long ttl = ttl(expiresAt, nowMicros / 1_000_000);
        CosmosPatchItemRequestOptions inThePast = filter("FROM c WHERE c." + TAT + " < " + nowMicros);
        try {
            for (int tries = 0; tries < MAX_TRIES; tries++) {
                long maxTat = Math.addExact(nowMicros, toleranceMicros - (asked - 1) * intervalMicros);
                long restarted = Math.addExact(nowMicros, asked * intervalMicros);
                try {
                    CosmosPatchOperations advance = CosmosPatchOperations.create()
                            .increment("/" + TAT, asked * intervalMicros).set("/" + TTL, ttl);
                    return new TokenLease(asked, number(patch(id, advance,
                            filter("FROM c WHERE c." + TAT + " >= " + nowMicros + " AND c." + TAT + " <= " + maxTat)), TAT));
                } catch (CosmosException e) {
                    if (CosmosItems.itemMissing(e)) {
                        if (create(id, bucket, TAT, restarted, ttl)) {
                            return new TokenLease(asked, restarted);
                        }
                        continue; // created meanwhile: advance again
                    }
                    if (e.getStatusCode() != PRECONDITION_FAILED) {
                        throw e;
                    }
                }
                try {
                    patch(id, CosmosPatchOperations.create().set("/" + TAT, restarted).set("/" + TTL, ttl), inThePast);
                    return new TokenLease(asked, restarted);
                } catch (CosmosException e) {
                    if (e.getStatusCode() != PRECONDITION_FAILED && !CosmosItems.itemMissing(e)) {
                        throw e;
                    }
                }
                Optional<Long> found = read(id).map(item -> number(item, TAT));
                if (found.isPresent()) {
                    long fitting = TokenLease.fitting(found.get(), nowMicros, intervalMicros, toleranceMicros);
                    if (fitting == 0) {
                        return new TokenLease(0, found.get());
                    }
                    asked = Math.min(asked, fitting); // fewer fit than asked, or it moved meanwhile: try again
                }
            }
        } catch (CosmosException e) {
            throw failure("The rate limit bucket could not be updated.", e);
        }
        throw new CounterStoreException("The rate limit bucket could not be updated.",
                new IllegalStateException("bucket " + id + " changed under " + MAX_TRIES + " tries in a row"));
    }

    @Override
    public long theoreticalArrival(String bucket) {
        try {
            return read(CosmosItemIds.of(bucket)).map(item -> number(item, TAT)).orElse(0L);
        } catch (CosmosException e) {
            throw failure("The rate limit bucket could not be read.", e);
        }
    }

    private ObjectNode patch(String id, CosmosPatchOperations operations, CosmosPatchItemRequestOptions options) {
        return container.patchItem(id, new PartitionKey(id), operations, options, ObjectNode.class).getItem();
    }

    /** Creates the item with {@code field} at {@code value}; false when another caller created it first. */
    private boolean create(String id, String key, String field, long value, long ttl) {
        ObjectNode item = JsonNodeFactory.instance.objectNode()
                .put("id", id)
                .put(KEY, key)
                .put(field, value)
                .put(TTL, ttl);
        try {
            container.createItem(item, new PartitionKey(id), null);
            return true;
        } catch (CosmosException e) {
            if (e.getStatusCode() == CONFLICT) {
                return false;
            }
            throw e;
        }
    }

    private Optional<ObjectNode> read(String id) {
        return CosmosItems.read(container, id);
    }

    private static CosmosPatchItemRequestOptions filter(String predicate) {
        CosmosPatchItemRequestOptions options = new CosmosPatchItemRequestOptions();
        options.setFilterPredicate(predicate);
        return options;
    }

    /** Seconds from now to {@code expiresAt}, at least 1 (Cosmos DB refuses 0). */
    private static long ttl(Instant expiresAt, long nowSeconds) {
        return Math.max(1, Math.min(Integer.MAX_VALUE, expiresAt.getEpochSecond() - nowSeconds));
    }

    private static long number(ObjectNode item, String field) {
        JsonNode value = item.get(field);
        if (value == null || !value.isNumber()) {
            throw new CounterStoreException("The counter store holds an item of another shape.",
                    new IllegalStateException("item " + item.path("id").asText() + " has no number " + field));
        }
        return value.asLong();
    }

    /**
     * A 400 is Cosmos DB refusing this request as invalid (an id it cannot hold, a container of
     * another shape), not Cosmos DB being unavailable: it is never failed open.
     */
    static CounterStoreException failure(String detail, CosmosException e) {
        if (e.getStatusCode() == BAD_REQUEST) {
            return new CounterStoreRejectedException(detail + " Cosmos DB refused it as invalid.", e);
        }
        return new CounterStoreException(detail + " Cosmos DB answered " + e.getStatusCode()
                + (e.getSubStatusCode() == 0 ? "" : "/" + e.getSubStatusCode()) + ".", e);
    }
}
