package dev.tollgate.policy.quota;

import dev.tollgate.config.ConfigChecks;

/**
 * A plan's quota: at most {@code limit} requests per consumer in each calendar {@code period}.
 *
 * @param limit  requests allowed per period, at least 1
 * @param period the calendar period in UTC
 * @param lease  whether each instance leases units in batches ({@link QuotaLeases}) rather than
 *               count every request in the store
 */
public record QuotaConfig(long limit, QuotaPeriod period, boolean lease) {

    public static final long MIN_LIMIT = 1;
    public static final long MAX_LIMIT = Long.MAX_VALUE;
    /**
     * Leasing by default: it never passes a limit, it is counting each request on a quota under
     * {@value QuotaLeases#LEASE_DIVISOR} units, and on a large one it saves nearly every write.
     */
    public static final boolean DEFAULT_LEASE = true;

    public QuotaConfig(long limit, QuotaPeriod period) {
        this(limit, period, DEFAULT_LEASE);
    }

    public QuotaConfig {
        ConfigChecks.require(limit >= MIN_LIMIT, "limit", limit, "a whole number from " + MIN_LIMIT + " to " + MAX_LIMIT);
        ConfigChecks.require(period != null, "period", period, "one of hour, day, week, month");
    }
}
