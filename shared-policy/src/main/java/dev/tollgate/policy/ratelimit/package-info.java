/**
 * Per-key rate limits: a token bucket per plan and consumer, and per route and consumer (or caller
 * address), counted by GCRA through the {@link dev.tollgate.policy.quota.CounterStore}, so the limit
 * is exact across instances: each instance leases tokens in batches ({@link dev.tollgate.policy.ratelimit.RateLeases}),
 * never admitting more than {@code burst + rate × elapsed}, or with {@code lease: false} takes each
 * request's token with one atomic write.
 * {@code rateLimit: {requests: 10, per: second, burst: 20}} lets 20 requests through at once, then 10 a second.
 */
package dev.tollgate.policy.ratelimit;
