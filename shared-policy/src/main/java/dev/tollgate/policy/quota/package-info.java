/**
 * Exact quotas per consumer over calendar periods in UTC. {@link dev.tollgate.policy.quota.QuotaPolicy}
 * counts through a {@link dev.tollgate.policy.quota.CounterStore}, whose conditional writes make the
 * limit exact however many function instances count at once.
 */
package dev.tollgate.policy.quota;
