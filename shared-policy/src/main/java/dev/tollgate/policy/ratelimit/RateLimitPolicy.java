package dev.tollgate.policy.ratelimit;

import dev.tollgate.config.PlanConfig;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.observe.Outcome;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.pipeline.Policy;
import dev.tollgate.pipeline.PolicyChain;
import dev.tollgate.policy.auth.Identity;
import dev.tollgate.policy.quota.CounterKeys;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.quota.CounterStoreFailures;
import dev.tollgate.policy.quota.LimitStatus;
import dev.tollgate.policy.route.RouteConfig;
import dev.tollgate.policy.route.RouteMatch;
import dev.tollgate.problem.CounterStoreException;
import dev.tollgate.problem.RateLimitedException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Holds each metered request to its plan's rate limit (per consumer, every route of the stage),
 * then to its route's (per consumer on that route, or per caller address when the request has no
 * identity). Each limit is a token bucket counted by GCRA, so it is exact however many instances
 * count at once: with {@code lease} (the default) from this instance's {@link RateLeases}, which
 * lease tokens from the store in batches and never admit more than {@code burst + rate × elapsed};
 * without, through one atomic {@link CounterStore#tryAdmit} per request.
 * A refusal is 429 with {@code Retry-After}, the seconds until a token is back. A token taken by
 * the plan's limit is not given back when the route's refuses: the caller did send the request.
 */
public final class RateLimitPolicy implements Policy {

    /**
     * Buckets outlive their TAT by this much before TTL may remove them; an expired bucket is a full
     * one anyway, and the margin covers instances whose clocks run behind.
     */
    static final Duration RETENTION = Duration.ofHours(1);
    private static final long MICROS_PER_SECOND = 1_000_000;

    private final CounterStore counters;
    private final RateLeases leases;
    private final CounterStoreFailures failures;

    /** @param leases this instance's leases over {@code counters}, shared by its requests */
    public RateLimitPolicy(CounterStore counters, RateLeases leases, CounterStoreFailures failures) {
        this.counters = counters;
        this.leases = leases;
        this.failures = failures;
    }

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        if (!(exchange.route() instanceof RouteMatch.Configured configured)) {
            return next.proceed(exchange);
        }
        Identity identity = exchange.identity().orElse(null);
        PlanConfig plan = exchange.plan().orElse(null);
        String stage = exchange.request().stage();
        // Named by kind, so that no consumer name (a JWT subject may be anything) meets a caller address.
        String caller = identity != null ? consumer(identity.consumer()) : address(exchange.request().sourceIp());
        String who = identity != null ? "consumer " + identity.consumer() : "caller " + exchange.request().sourceIp();
        boolean limited = false;
        if (plan != null && plan.rateLimit().isPresent()) {
            limited = true;
            String whose = "plan " + plan.name();
            admit(exchange, plan, plan.rateLimit().get(), bucket(stage, caller), whose, whose + ", " + who);
        }
        RouteConfig route = configured.route();
        Optional<RateLimitConfig> routeLimit = route.rateLimit();
        if (routeLimit.isPresent()) {
            limited = true;
            String whose = "route " + label(route);
            admit(exchange, plan, routeLimit.get(), bucket(stage, caller) + "#" + CounterKeys.part(whose), whose,
                    whose + ", " + who);
        }
        GatewayResponse response = next.proceed(exchange);
        return limited ? LimitStatus.withTightest(exchange, response) : response;
    }

    private void admit(Exchange exchange, PlanConfig plan, RateLimitConfig limit, String bucket, String whose, String forLog) {
        if (exchange.uncounted()) {
            return;
        }
        long now = micros(exchange.now());
        long interval = limit.intervalMicros();
        long tolerance = limit.toleranceMicros();
        Instant expiresAt = exchange.now().plus(tolerance + interval, ChronoUnit.MICROS).plus(RETENTION);
        CounterStore.Admission admission;
        try {
            admission = limit.lease() ? leases.tryAdmit(bucket, limit, now, expiresAt)
                    : counters.tryAdmit(bucket, now, interval, tolerance, expiresAt);
        } catch (CounterStoreException failure) {
            failures.handle(exchange, plan, forLog, failure);
            return;
        }
        if (!admission.admitted()) {
            exchange.observed().outcome(Outcome.RATE_LIMITED);
            long retryAfter = Math.max(1, ceilSeconds(admission.tatMicros() - tolerance - now));
            LimitStatus refusing = new LimitStatus(limit.burst(), 0, ceilSeconds(admission.tatMicros() - now));
            throw new RateLimitedException("The rate limit of " + whose + " (" + limit.describe()
                    + ") is reached; a request passes again in " + retryAfter + " s.",
                    LimitStatus.refusal(exchange, refusing, retryAfter));
        }
        exchange.limit(status(limit, admission.tatMicros(), now));
    }

    /**
     * Where a bucket stands at {@code now} given its TAT: the requests that would pass now (each
     * moves the TAT one interval on, up to now + tolerance), and the seconds until it is full (TAT
     * reached).
     */
    public static LimitStatus status(RateLimitConfig limit, long tatMicros, long nowMicros) {
        long passing = Math.floorDiv(nowMicros + limit.toleranceMicros() - tatMicros, limit.intervalMicros()) + 1;
        long remaining = Math.max(0, Math.min(limit.burst(), passing));
        return new LimitStatus(limit.burst(), remaining, Math.max(0, ceilSeconds(tatMicros - nowMicros)));
    }

    /**
     * The plan's bucket of a caller on a stage, {@code rate#STAGE#CALLER}; a route's bucket adds
     * {@code #route METHODS PATH}. Every part is bounded ({@link CounterKeys}).
     */
    public static String bucket(String stage, String caller) {
        return "rate#" + CounterKeys.part(stage) + "#" + caller;
    }

    /**
     * A consumer, as a caller in {@link #bucket}. A token's consumer claim may hold any text, {@code #}
     * included, so it is escaped: {@code alice#route GET /orders} must not name alice's route bucket.
     */
    public static String consumer(String consumer) {
        return "consumer#" + CounterKeys.part(consumer).replace("%", "%25").replace("#", "%23");
    }

    /** A caller without credentials, by address, as a caller in {@link #bucket}. */
    public static String address(String sourceIp) {
        return "address#" + CounterKeys.part(sourceIp);
    }

    public static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), MICROS_PER_SECOND), instant.getNano() / 1000);
    }

    /** {@code GET,POST /orders/{id}}: a route's limit covers all its methods. */
    private static String label(RouteConfig route) {
        return String.join(",", new TreeSet<>(route.methods())) + " " + route.path();
    }

    /** Whole seconds, rounded up, so that a client waiting that long is never early. */
    private static long ceilSeconds(long micros) {
        return Math.floorDiv(micros + MICROS_PER_SECOND - 1, MICROS_PER_SECOND);
    }
}
