package dev.tollgate.policy.quota;

/**
 * A plan's quota: at most {@code limit} requests per consumer in each calendar {@code period}.
 *
 * @param limit  requests allowed per period, at least 1
 * @param period the calendar period in UTC
 */
public record QuotaConfig(long limit, QuotaPeriod period) {
}
