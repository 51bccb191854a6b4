/**
 * Exact quotas per consumer over calendar periods in UTC, several per plan.
 * {@link dev.tollgate.policy.quota.QuotaPolicy} counts through a
 * {@link dev.tollgate.policy.quota.CounterStore}, whose conditional writes make every limit exact
 * however many function instances count at once; {@link dev.tollgate.policy.quota.QuotaLeases}
 * lets each instance lease units in batches under the same guarantee. Rate limits count through
 * the same store, and {@link dev.tollgate.policy.quota.LimitStatus} picks the tightest limit for
 * the headers.
 */
package dev.tollgate.policy.quota;
