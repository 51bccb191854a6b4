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
 */
public final class QuotaPolicy implements Policy {

    private static final Logger LOG = Logger.getLogger(QuotaPolicy.class.getName());

    private final CounterStore counters;
    private final CounterStoreFailures failures;

    public QuotaPolicy(CounterStore counters, CounterStoreFailures failures) {
        this.counters = counters;
        this.failures = failures;
    }

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        Identity identity = exchange.identity().orElse(null);
        if (!exchange.route().metered() || identity == null || exchange.uncounted()) {
            return next.proceed(exchange);
        }
        PlanConfig plan = exchange.plan().orElseThrow();
        List<String> taken = new ArrayList<>();
        List<LimitStatus> statuses = new ArrayList<>();
        for (QuotaConfig quota : plan.quotas()) {
            QuotaWindow window = QuotaWindow.at(quota, exchange.now());
            String counter = window.counter(exchange.request().stage(), identity.consumer());
            CounterStore.Acquisition acquisition;
            try {
                acquisition = counters.tryAcquire(counter, quota.limit(), window.expiresAt());
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
            taken.add(counter);
            statuses.add(new LimitStatus(quota.limit(), Math.max(0, quota.limit() - acquisition.used()), reset));
        }
        statuses.forEach(exchange::limit);
        return LimitStatus.withTightest(exchange, next.proceed(exchange));
    }

    /**
     * Gives back the uses counted for a request that a later quota refused. A failure here leaves
     * the use counted: the quota errs on the strict side, and the refusal stands.
     */
    private void giveBack(List<String> taken, Exchange exchange) {
        for (String counter : taken) {
            try {
                counters.release(counter);
            } catch (CounterStoreException failure) {
                LOG.warning("counter " + LogText.escape(counter) + " could not give back the use of refused request "
                        + exchange.requestId() + ": " + LogText.failure(failure));
            }
        }
    }
}
