package dev.tollgate.config;

import dev.tollgate.policy.quota.QuotaConfig;

/**
 * A usage plan: what a consumer whose key names it may use.
 *
 * @param name  the plan's name, as keys refer to it
 * @param quota    the plan's quota
 * @param failOpen when the counter store fails: serve uncounted (true) or refuse with 503 (false)
 */
public record PlanConfig(String name, QuotaConfig quota, boolean failOpen) {

    /** Exact quotas are the promise, so a plan fails closed unless it says otherwise. */
    public static final boolean DEFAULT_FAIL_OPEN = false;
}
