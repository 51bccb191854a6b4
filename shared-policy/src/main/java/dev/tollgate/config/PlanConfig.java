package dev.tollgate.config;

import dev.tollgate.policy.quota.QuotaConfig;
import dev.tollgate.policy.ratelimit.RateLimitConfig;
import java.util.List;
import java.util.Optional;

/**
 * A usage plan: what a consumer whose key names it may use. It has quotas, a rate limit, or both.
 *
 * @param name      the plan's name, as keys refer to it
 * @param quotas    the plan's quotas, at most one per period, in file order; a request must pass them all
 * @param rateLimit the plan's rate limit per consumer, across every route of the stage
 * @param failOpen  when the counter store fails: serve uncounted (true) or refuse with 503 (false)
 */
public record PlanConfig(String name, List<QuotaConfig> quotas, Optional<RateLimitConfig> rateLimit, boolean failOpen) {

    /** Exact quotas are the promise, so a plan fails closed unless it says otherwise. */
    public static final boolean DEFAULT_FAIL_OPEN = false;

    public PlanConfig {
        quotas = List.copyOf(quotas);
    }
}
