package dev.tollgate.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.PlanConfig;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.policy.auth.Identity;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.quota.LimitStatus;
import dev.tollgate.policy.quota.QuotaConfig;
import dev.tollgate.policy.quota.QuotaLeases;
import dev.tollgate.policy.quota.QuotaWindow;
import dev.tollgate.policy.ratelimit.RateLeases;
import dev.tollgate.policy.ratelimit.RateLimitPolicy;
import dev.tollgate.policy.route.RouteHandler;

/**
 * {@code GET /{stage}/_tollgate/usage}: the caller's plan and what is left of its quotas and its
 * plan's rate limit. Reading it counts against neither. {@code quota} (the plan's first quota)
 * stays for callers written before plans had several; {@code quotas} has them all. Under a leased
 * quota, {@code used} is the units admitted or leased to another instance, as far as this instance
 * knows: the store's count less what this instance's lease still holds; likewise a leased rate
 * limit's {@code remaining} counts the tokens this instance's lease still holds.
 */
public final class UsageEndpoint implements RouteHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CounterStore counters;
    private final QuotaLeases leases;
    private final RateLeases rateLeases;

    public UsageEndpoint(CounterStore counters, QuotaLeases leases, RateLeases rateLeases) {
        this.counters = counters;
        this.leases = leases;
        this.rateLeases = rateLeases;
    }

    @Override
    public GatewayResponse handle(Exchange exchange) {
        Identity identity = exchange.identity()
                .orElseThrow(() -> new IllegalStateException("the usage endpoint runs after authentication"));
        PlanConfig plan = exchange.plan().orElseThrow();
        String stage = exchange.request().stage();
        ObjectNode body = JSON.createObjectNode()
                .put("stage", stage)
                .put("consumer", identity.consumer())
                .put("plan", plan.name());
        ArrayNode quotas = JSON.createArrayNode();
        for (QuotaConfig quota : plan.quotas()) {
            quotas.add(quota(quota, stage, identity.consumer(), exchange));
        }
        if (!quotas.isEmpty()) {
            body.set("quota", quotas.get(0).deepCopy());
        }
        body.set("quotas", quotas);
        plan.rateLimit().ifPresent(limit -> {
            long now = RateLimitPolicy.micros(exchange.now());
            String bucket = RateLimitPolicy.bucket(stage, RateLimitPolicy.consumer(identity.consumer()));
            long held = limit.lease() ? rateLeases.unused(bucket, now) : 0;
            LimitStatus status = RateLimitPolicy.status(limit, counters.theoreticalArrival(bucket) - held * limit.intervalMicros(), now);
            body.putObject("rateLimit")
                    .put("requests", limit.requests())
                    .put("per", limit.per().configName())
                    .put("burst", limit.burst())
                    .put("remaining", status.remaining())
                    .put("resetSeconds", status.resetSeconds());
        });
        try {
            return GatewayResponse.json(200, JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode quota(QuotaConfig quota, String stage, String consumer, Exchange exchange) {
        QuotaWindow window = QuotaWindow.at(quota, exchange.now());
        String counter = window.counter(stage, consumer);
        long used = counters.used(counter) - (quota.lease() ? leases.unused(counter) : 0);
        long limit = quota.limit();
        return JSON.createObjectNode()
                .put("limit", limit)
                .put("used", Math.min(used, limit))
                .put("remaining", Math.max(0, limit - used))
                .put("period", quota.period().configName())
                .put("resetsAt", window.end().toString())
                .put("resetSeconds", window.secondsUntilReset(exchange.now()));
    }
}
