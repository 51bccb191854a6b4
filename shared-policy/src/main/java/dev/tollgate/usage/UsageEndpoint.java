package dev.tollgate.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.PlanConfig;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.policy.auth.Identity;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.quota.QuotaWindow;
import dev.tollgate.policy.route.RouteHandler;

/**
 * {@code GET /{stage}/_tollgate/usage}: the caller's plan and what is left of its quota. Reading
 * it does not count against the quota.
 */
public final class UsageEndpoint implements RouteHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayConfig config;
    private final CounterStore counters;

    public UsageEndpoint(GatewayConfig config, CounterStore counters) {
        this.config = config;
        this.counters = counters;
    }

    @Override
    public GatewayResponse handle(Exchange exchange) {
        Identity identity = exchange.identity()
                .orElseThrow(() -> new IllegalStateException("the usage endpoint runs after authentication"));
        PlanConfig plan = config.plan(identity.plan()).orElseThrow();
        QuotaWindow window = QuotaWindow.at(plan.quota(), exchange.now());
        long used = counters.used(window.counter(exchange.request().stage(), identity.consumer()));
        long limit = plan.quota().limit();
        ObjectNode body = JSON.createObjectNode()
                .put("stage", exchange.request().stage())
                .put("consumer", identity.consumer())
                .put("plan", plan.name());
        body.putObject("quota")
                .put("limit", limit)
                .put("used", Math.min(used, limit))
                .put("remaining", Math.max(0, limit - used))
                .put("period", plan.quota().period().configName())
                .put("resetsAt", window.end().toString())
                .put("resetSeconds", window.secondsUntilReset(exchange.now()));
        try {
            return GatewayResponse.json(200, JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
