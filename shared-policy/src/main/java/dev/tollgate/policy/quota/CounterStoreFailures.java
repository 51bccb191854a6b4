package dev.tollgate.policy.quota;

import dev.tollgate.config.PlanConfig;
import dev.tollgate.observe.LogText;
import dev.tollgate.observe.Outcome;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.problem.CounterStoreException;
import dev.tollgate.problem.CounterStoreRejectedException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a plan's {@code failOpen} makes of a failing counter store, for quotas and rate limits
 * alike: the failure is logged, one line with the request id, and counted either way, then the request is
 * refused with 503 (fail closed, the default, and always without a plan) or served uncounted.
 * A request served uncounted is not counted against its later limits either: the store is failing.
 * A store that refused the count as invalid ({@link CounterStoreRejectedException}) is not
 * unavailable: that request is refused whatever the plan, since failing open there would let
 * whatever made the count invalid pass every limit.
 */
public final class CounterStoreFailures {

    private static final Logger LOG = Logger.getLogger(CounterStoreFailures.class.getName());

    private final AtomicLong requests = new AtomicLong();

    /**
     * @param plan  the caller's plan; null on a route without credentials, which fails closed
     * @param whose who was being counted, for the log: {@code plan trial, consumer alice}
     * @throws CounterStoreException {@code failure} again, unless the plan fails open
     */
    public void handle(Exchange exchange, PlanConfig plan, String whose, CounterStoreException failure) {
        requests.incrementAndGet();
        exchange.observed().outcome(Outcome.COUNTER_STORE_ERROR);
        boolean open = failsOpen(plan, failure);
        boolean rejected = failure instanceof CounterStoreRejectedException;
        String line = "counter store failed for request " + exchange.requestId() + " (" + LogText.escape(whose) + "); "
                + (open ? "served uncounted (failOpen)" : rejected ? "refused with " + failure.status()
                        + " (the store refused the count as invalid, never served uncounted)"
                        : "refused with " + failure.status() + " (fail closed)")
                + ": " + LogText.failure(failure);
        // The store being unavailable is expected, and each request that meets it logs this one line;
        // a count it refused as invalid is not, and keeps its stack trace.
        LOG.log(Level.WARNING, line, rejected ? failure : null);
        if (!open) {
            throw failure;
        }
        exchange.uncounted(true);
    }

    /** Whether {@link #handle} serves the request uncounted rather than refuse it. */
    public static boolean failsOpen(PlanConfig plan, CounterStoreException failure) {
        return plan != null && plan.failOpen() && !(failure instanceof CounterStoreRejectedException);
    }

    /** Requests of this instance that met a failing counter store, served or refused. */
    public long requests() {
        return requests.get();
    }
}
