package dev.tollgate.aws;

import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.problem.CounterStoreException;
import dev.tollgate.problem.CounterStoreRejectedException;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Quota counters and rate limit buckets in DynamoDB, one item each, changed only by conditional
 * {@code UpdateItem}s, so that concurrent callers on any number of function instances never push
 * a limit past itself.
 *
 * <p>A quota counter takes {@code ADD used :units} only while {@code used <= :limit - :units}: a
 * lease of n units, or of one for a single use, is one write. When fewer units remain than asked,
 * the refused write's old item ({@code ALL_OLD}) gives the count, and a second write leases what
 * remains. Units are given back by {@code ADD used -:units} only while {@code used >= :units}.
 *
 * <p>A rate limit bucket holds its GCRA theoretical arrival time ({@value #TAT}, integer
 * microseconds). A lease of n tokens (one for a single request) first tries to push a TAT that lies
 * ahead of now by n intervals, allowed only while all n conform
 * ({@code tat >= :now AND tat <= :now + tolerance - (n - 1) * interval}); if that condition fails
 * because the TAT lies in the past (or the bucket is new), it starts the TAT afresh at
 * {@code now + n * interval}, allowed only while it still lies in the past. The old item that
 * {@code ALL_OLD} returns on a failed condition says which case holds, and how many tokens fit when
 * fewer than n do, so no read precedes a write. Two callers racing over a past TAT make one of them
 * try again, a bounded number of times.
 *
 * <p>Items carry their expiry in {@value #EXPIRES_AT}, the table's TTL attribute. A write DynamoDB
 * refuses as invalid ({@code ValidationException}) is a {@link CounterStoreRejectedException}, never
 * failed open; every other failure is the store being unavailable.
 */
public final class DynamoDbCounterStore implements CounterStore {

    public static final String PARTITION_KEY = "pk";
    public static final String USED = "used";
    public static final String EXPIRES_AT = "expiresAt";
    public static final String TAT = "tat";

    private static final String INCREMENT = "SET #expiresAt = if_not_exists(#expiresAt, :expiresAt) ADD #used :units";
    private static final String ROOM_FOR_UNITS = "attribute_not_exists(#used) OR #used <= :most";
    private static final Map<String, String> NAMES = Map.of("#used", USED, "#expiresAt", EXPIRES_AT);

    private static final String DECREMENT = "ADD #used :minusUnits";
    private static final String AT_LEAST_UNITS = "#used >= :units";

    private static final String ADVANCE = "SET #tat = #tat + :advance, #expiresAt = :expiresAt";
    private static final String WITHIN_TOLERANCE = "#tat >= :now AND #tat <= :maxTat";
    private static final String RESTART = "SET #tat = :restarted, #expiresAt = :expiresAt";
    private static final String IN_THE_PAST = "attribute_not_exists(#tat) OR #tat < :now";
    private static final Map<String, String> BUCKET_NAMES = Map.of("#tat", TAT, "#expiresAt", EXPIRES_AT);
    /**
     * Each failed restart means another caller moved the TAT into the present, after which the
     * advance decides; more tries than this happen only when clocks disagree wildly.
     */
    static final int MAX_TRIES = 5;
    private static final String VALIDATION = "ValidationException";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbCounterStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** The table this store needs; the CDK stack and the local runner create the same one. */
    public static CreateTableRequest tableDefinition(String table) {
        return DynamoDbTables.keyedBy(table, PARTITION_KEY);
    }

    @Override
    public Lease tryLease(String counter, long units, long limit, Instant expiresAt) {
        long asked = Lease.firstAsk(units, limit);
        AttributeValue expires = number(expiresAt.getEpochSecond());
        try {
            for (int tries = 0; tries < MAX_TRIES; tries++) {
                long n = asked;
                try {
                    UpdateItemResponse response = dynamo.updateItem(update -> update
                            .tableName(table)
                            .key(key(counter))
                            .updateExpression(INCREMENT)
                            .conditionExpression(ROOM_FOR_UNITS)
                            .expressionAttributeNames(NAMES)
                            .expressionAttributeValues(Map.of(
                                    ":units", number(n),
                                    ":most", number(limit - n),
                                    ":expiresAt", expires))
                            .returnValues(ReturnValue.UPDATED_NEW)
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                    return new Lease(n, Long.parseLong(response.attributes().get(USED).n()));
                } catch (ConditionalCheckFailedException refused) {
                    long found = used(refused, limit);
                    if (found >= limit) {
                        return new Lease(0, found);
                    }
                    asked = limit - found; // fewer remain than asked: lease those
                }
            }
        } catch (SdkException e) {
            throw failure("The quota counter could not be updated.", e);
        }
        throw new CounterStoreException("The quota counter could not be updated.",
                new IllegalStateException("counter " + counter + " changed under " + MAX_TRIES + " tries in a row"));
    }

    @Override
    public void giveBack(String counter, long units) {
        long n = units;
        try {
            for (int tries = 0; tries < MAX_TRIES && n > 0; tries++) {
                long back = n;
                try {
                    dynamo.updateItem(update -> update
                            .tableName(table)
                            .key(key(counter))
                            .updateExpression(DECREMENT)
                            .conditionExpression(AT_LEAST_UNITS)
                            .expressionAttributeNames(Map.of("#used", USED))
                            .expressionAttributeValues(Map.of(":minusUnits", number(-back), ":units", number(back)))
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                    return;
                } catch (ConditionalCheckFailedException fewer) {
                    // Fewer are counted than given back (or the counter is gone with its window): give back what is.
                    n = Math.min(n, used(fewer, 0));
                }
            }
        } catch (SdkException e) {
            throw failure("The quota counter could not give uses back.", e);
        }
    }

    @Override
    public long used(String counter) {
        try {
            GetItemResponse response = dynamo.getItem(get -> get.tableName(table).key(key(counter)).consistentRead(true));
            AttributeValue used = response.hasItem() ? response.item().get(USED) : null;
            return used == null ? 0 : Long.parseLong(used.n());
        } catch (SdkException e) {
            throw failure("The quota counter could not be read.", e);
        }
    }

    @Override
    public TokenLease tryLeaseTokens(String bucket, long tokens, long nowMicros, long intervalMicros, long toleranceMicros,
            Instant expiresAt) {
        long asked = TokenLease.firstAsk(tokens, intervalMicros, toleranceMicros);
        AttributeValue now = number(nowMicros);
        AttributeValue expires = number(expiresAt.getEpochSecond());
        try {
            for (int tries = 0; tries < MAX_TRIES; tries++) {
                long n = asked;
                Long found;
                try {
                    UpdateItemResponse advanced = dynamo.updateItem(update -> update
                            .tableName(table)
                            .key(key(bucket))
                            .updateExpression(ADVANCE)
                            .conditionExpression(WITHIN_TOLERANCE)
                            .expressionAttributeNames(BUCKET_NAMES)
                            .expressionAttributeValues(Map.of(":advance", number(n * intervalMicros), ":now", now,
                                    ":maxTat", number(Math.addExact(nowMicros, toleranceMicros - (n - 1) * intervalMicros)),
                                    ":expiresAt", expires))
                            .returnValues(ReturnValue.UPDATED_NEW)
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                    return new TokenLease(n, Long.parseLong(advanced.attributes().get(TAT).n()));
                } catch (ConditionalCheckFailedException notAdvanced) {
                    found = tat(notAdvanced);
                }
                if (found != null && found >= nowMicros) {
                    long fitting = TokenLease.fitting(found, nowMicros, intervalMicros, toleranceMicros);
                    if (fitting == 0) {
                        return new TokenLease(0, found);
                    }
                    asked = Math.min(asked, fitting); // fewer fit than asked (or it moved meanwhile): advance by those
                    continue;
                }
                long restarted = Math.addExact(nowMicros, n * intervalMicros);
                try {
                    dynamo.updateItem(update -> update
                            .tableName(table)
                            .key(key(bucket))
                            .updateExpression(RESTART)
                            .conditionExpression(IN_THE_PAST)
                            .expressionAttributeNames(BUCKET_NAMES)
                            .expressionAttributeValues(Map.of(":restarted", number(restarted), ":now", now,
                                    ":expiresAt", expires))
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                    return new TokenLease(n, restarted);
                } catch (ConditionalCheckFailedException notRestarted) {
                    Long moved = tat(notRestarted);
                    if (moved != null && TokenLease.fitting(moved, nowMicros, intervalMicros, toleranceMicros) == 0) {
                        return new TokenLease(0, moved);
                    }
                }
            }
        } catch (SdkException e) {
            throw failure("The rate limit bucket could not be updated.", e);
        }
        throw new CounterStoreException("The rate limit bucket could not be updated.",
                new IllegalStateException("bucket " + bucket + " changed under " + MAX_TRIES + " tries in a row"));
    }

    @Override
    public long theoreticalArrival(String bucket) {
        try {
            GetItemResponse response = dynamo.getItem(get -> get.tableName(table).key(key(bucket)).consistentRead(true));
            AttributeValue tat = response.hasItem() ? response.item().get(TAT) : null;
            return tat == null ? 0 : Long.parseLong(tat.n());
        } catch (SdkException e) {
            throw failure("The rate limit bucket could not be read.", e);
        }
    }

    /**
     * A {@code ValidationException} is DynamoDB refusing this write as invalid (a key too long, a
     * table of another shape), not DynamoDB being unavailable: it is never failed open.
     */
    private static CounterStoreException failure(String detail, SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && VALIDATION.equals(service.awsErrorDetails().errorCode())) {
            return new CounterStoreRejectedException(detail + " DynamoDB refused it as invalid.", e);
        }
        return new CounterStoreException(detail, e);
    }

    /** The count of the item as it was when a condition failed; {@code absent} when there was none. */
    private static long used(ConditionalCheckFailedException failed, long absent) {
        AttributeValue used = failed.hasItem() ? failed.item().get(USED) : null;
        return used == null ? absent : Long.parseLong(used.n());
    }

    /** The TAT of the item as it was when a condition failed; null when there was none. */
    private static Long tat(ConditionalCheckFailedException failed) {
        AttributeValue tat = failed.hasItem() ? failed.item().get(TAT) : null;
        return tat == null ? null : Long.parseLong(tat.n());
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static Map<String, AttributeValue> key(String counter) {
        return Map.of(PARTITION_KEY, AttributeValue.fromS(counter));
    }
}
