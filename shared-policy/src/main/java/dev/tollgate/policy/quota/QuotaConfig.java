package dev.tollgate.policy.quota;

import dev.tollgate.config.ConfigChecks;

/**
 * A plan's quota: at most {@code limit} requests per consumer in each calendar {@code period}.
 *
 * @param limit  requests allowed per period, at least 1
 * @param period the calendar period in UTC
 */
public record QuotaConfig(long limit, QuotaPeriod period) {

    public static final long MIN_LIMIT = 1;
    public static final long MAX_LIMIT = Long.MAX_VALUE;

    public QuotaConfig {
        ConfigChecks.require(limit >= MIN_LIMIT, "limit", limit, "a whole number from " + MIN_LIMIT + " to " + MAX_LIMIT);
        ConfigChecks.require(period != null, "period", period, "one of hour, day, week, month");
    }
}
