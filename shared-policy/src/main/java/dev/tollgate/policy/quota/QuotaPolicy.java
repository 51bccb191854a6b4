package dev.tollgate.policy.quota;

import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.PlanConfig;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.http.Headers;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.pipeline.Policy;
import dev.tollgate.pipeline.PolicyChain;
import dev.tollgate.policy.auth.Identity;
import dev.tollgate.problem.CounterStoreException;
import dev.tollgate.problem.QuotaExceededException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Counts each metered request against its consumer's plan quota, exactly: the counter store
 * refuses the use that would pass the limit. Allowed and refused answers both carry
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} (seconds);
 * a refusal is 429 with {@code Retry-After}. When the counter store fails, the plan's
 * {@code failOpen} decides: serve uncounted, or refuse with 503; either way it is logged and counted.
 */
public final class QuotaPolicy implements Policy {

    private static final Logger LOG = Logger.getLogger(QuotaPolicy.class.getName());

    private final GatewayConfig config;
    private final CounterStore counters;
    private final AtomicLong counterStoreFailures = new AtomicLong();

    public QuotaPolicy(GatewayConfig config, CounterStore counters) {
        this.config = config;
        this.counters = counters;
    }

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        Identity identity = exchange.identity().orElse(null);
        if (!exchange.route().metered() || identity == null) {
            return next.proceed(exchange);
        }
        PlanConfig plan = config.plan(identity.plan())
                .orElseThrow(() -> new IllegalStateException("key " + identity.credentialId()
                        + " names plan " + identity.plan() + ", which the configuration does not define"));
        QuotaWindow window = QuotaWindow.at(plan.quota(), exchange.now());
        CounterStore.Acquisition acquisition;
        try {
            acquisition = counters.tryAcquire(
                    window.counter(exchange.request().stage(), identity.consumer()), plan.quota().limit(), window.expiresAt());
        } catch (CounterStoreException failure) {
            counterStoreFailures.incrementAndGet();
            LOG.log(Level.WARNING, "counter store failed for request " + exchange.requestId() + " (plan " + plan.name()
                    + ", consumer " + identity.consumer() + "); " + (plan.failOpen() ? "served uncounted (failOpen)"
                    : "refused with 503 (fail closed)"), failure);
            if (!plan.failOpen()) {
                throw failure;
            }
            return next.proceed(exchange);
        }
        long reset = window.secondsUntilReset(exchange.now());
        long remaining = Math.max(0, plan.quota().limit() - acquisition.used());
        if (!acquisition.granted()) {
            Headers headers = rateLimitHeaders(plan.quota().limit(), 0, reset).toBuilder()
                    .set(HeaderNames.RETRY_AFTER, Long.toString(reset)).build();
            throw new QuotaExceededException("The " + plan.quota().limit() + " requests per "
                    + plan.quota().period().configName() + " of plan " + plan.name()
                    + " are used up; the quota resets in " + reset + " s.", headers);
        }
        Headers headers = rateLimitHeaders(plan.quota().limit(), remaining, reset);
        return next.proceed(exchange).withHeaders(h -> h.setAll(headers));
    }

    /** How many requests met a failing counter store in this instance, served or refused. */
    public long counterStoreFailures() {
        return counterStoreFailures.get();
    }

    static Headers rateLimitHeaders(long limit, long remaining, long reset) {
        return Headers.builder()
                .set(HeaderNames.RATE_LIMIT_LIMIT, Long.toString(limit))
                .set(HeaderNames.RATE_LIMIT_REMAINING, Long.toString(remaining))
                .set(HeaderNames.RATE_LIMIT_RESET, Long.toString(reset))
                .build();
    }
}
