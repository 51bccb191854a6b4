package dev.tollgate.config;

import dev.tollgate.policy.quota.QuotaConfig;

/**
 * A usage plan: what a consumer whose key names it may use.
 *
 * @param name  the plan's name, as keys refer to it
 * @param quota the plan's quota
 */
public record PlanConfig(String name, QuotaConfig quota) {
}
