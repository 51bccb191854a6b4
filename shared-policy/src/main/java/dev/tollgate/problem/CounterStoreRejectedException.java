package dev.tollgate.problem;

/**
 * The counter store is up but refused the count as invalid (DynamoDB's {@code ValidationException}:
 * a key it cannot hold, a table of another shape). Serving such a request uncounted would let
 * whatever caused it, perhaps the caller's own input, pass every limit, so it is refused whatever
 * the plan's {@code failOpen}: 500, since the gateway or its table is at fault, not the store's
 * availability.
 */
public final class CounterStoreRejectedException extends CounterStoreException {

    public CounterStoreRejectedException(String detail, Throwable cause) {
        super(500, "counter-store-rejected", "Internal Server Error", detail, cause);
    }
}
