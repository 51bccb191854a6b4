package dev.tollgate.policy.quota;

import dev.tollgate.config.PlanConfig;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.observe.LogText;
import dev.tollgate.observe.Outcome;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.pipeline.Policy;
import dev.tollgate.pipeline.PolicyChain;
import dev.tollgate.policy.auth.Identity;
import dev.tollgate.problem.CounterStoreException;
import dev.tollgate.problem.QuotaExceededException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Counts each metered request against every quota of its consumer's plan, exactly: the counter
 * store refuses the use that would pass a limit, and when one quota refuses, the uses already
 * counted for the same request by the plan's other quotas are given back, so a refused request
 * uses nothing of any quota. Allowed and refused answers carry {@code RateLimit-Limit},
 * {@code RateLimit-Remaining} and {@code RateLimit-Reset} of the tightest limit the request met
 * (see {@link LimitStatus}); a refusal is 429 with {@code Retry-After}. A failing counter store is
 * left to the plan's {@code failOpen} ({@link CounterStoreFailures}).
 *
 * <p>A quota with {@code lease} (the default) admits from this instance's {@link QuotaLeases},
 * which lease units from the store in batches and never past the limit; its
 * {@code RateLimit-Remaining} is then the units neither admitted nor leased to an instance as far
 * as this instance knows: the store's unleased units at its last lease plus what its own lease
 * still holds. Units idle in other instances' leases are not counted as remaining, so the header
 * errs low, never high, of what the store would still grant.
 */
public final class QuotaPolicy implements Policy {

    private static final Logger LOG = Logger.getLogger(QuotaPolicy.class.getName());

    private final CounterStore counters;
    private final QuotaLeases leases;
    private final CounterStoreFailures failures;

    /** @param leases this instance's leases over {@code counters}, shared by its requests */
    public QuotaPolicy(CounterStore counters, QuotaLeases leases, CounterStoreFailures failures) {
        this.counters = counters;
        this.leases = leases;
        this.failures = failures;
    }

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        Identity identity = exchange.identity().orElse(null);
        if (!exchange.route().metered() || identity == null || exchange.uncounted()) {
            return next.proceed(exchange);
        }
        PlanConfig plan = exchange.plan().orElseThrow();
        List<Taken> taken = new ArrayList<>();
        List<LimitStatus> statuses = new ArrayList<>();
        for (QuotaConfig quota : plan.quotas()) {
            QuotaWindow window = QuotaWindow.at(quota, exchange.now());
            String counter = window.counter(exchange.request().stage(), identity.consumer());
            CounterStore.Acquisition acquisition;
            try {
                acquisition = quota.lease() ? leases.tryAcquire(counter, window, exchange.now())
                        : counters.tryAcquire(counter, quota.limit(), window.expiresAt());
            } catch (CounterStoreException failure) {
                if (!CounterStoreFailures.failsOpen(plan, failure)) {
                    giveBack(taken, exchange);
                }
                failures.handle(exchange, plan, "plan " + plan.name() + ", consumer " + identity.consumer(), failure);
                return next.proceed(exchange);
            }
            long reset = window.secondsUntilReset(exchange.now());
            if (!acquisition.granted()) {
                exchange.observed().outcome(Outcome.QUOTA_EXHAUSTED);
                giveBack(taken, exchange);
                // The quotas given back stand one use higher again than counted a moment ago.
                statuses.replaceAll(s -> new LimitStatus(s.limit(), Math.min(s.limit(), s.remaining() + 1), s.resetSeconds()));
                statuses.forEach(exchange::limit);
                throw new QuotaExceededException("The " + quota.limit() + " requests per "
                        + quota.period().configName() + " of plan " + plan.name()
                        + " are used up; the quota resets in " + reset + " s.",
                        LimitStatus.refusal(exchange, new LimitStatus(quota.limit(), 0, reset), reset));
            }
            taken.add(new Taken(counter, quota.lease()));
            statuses.add(new LimitStatus(quota.limit(), Math.max(0, quota.limit() - acquisition.used()), reset));
        }
        statuses.forEach(exchange::limit);
        return LimitStatus.withTightest(exchange, next.proceed(exchange));
    }

    /**
     * Gives back the uses counted for a request that a later quota refused: into this instance's
     * lease, or to the store. A failure here leaves the use counted: the quota errs on the strict
     * side, and the refusal stands.
     */
    private void giveBack(List<Taken> taken, Exchange exchange) {
        for (Taken use : taken) {
            if (use.leased()) {
                leases.release(use.counter());
                continue;
            }
            try {
                counters.release(use.counter());
            } catch (CounterStoreException failure) {
                LOG.warning("counter " + LogText.escape(use.counter()) + " could not give back the use of refused request "
                        + exchange.requestId() + ": " + LogText.failure(failure));
            }
        }
    }

    /** A use counted for the request: from this instance's lease, or in the store. */
    private record Taken(String counter, boolean leased) {
    }
}
