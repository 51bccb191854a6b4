package dev.tollgate.testing;

import dev.tollgate.Gateway;
import dev.tollgate.backend.HttpForwarder;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import java.util.StringJoiner;

/** A gateway over a configuration text, with in-memory counters and the file's keys. */
public final class TestGateways {

    private TestGateways() {
    }

    public static Gateway from(String yaml) {
        return builder(yaml).build();
    }

    public static Gateway from(String yaml, HttpForwarder forwarder) {
        return builder(yaml).forwarder(forwarder).build();
    }

    /**
     * A configuration of one stage ({@code dev}), one plan and one route, {@code GET /orders} to
     * http://127.0.0.1:9101, with {@code routeFields} ({@code name: value}) added to the route from line 11 on.
     */
    public static String oneRoute(String... routeFields) {
        StringBuilder yaml = new StringBuilder("""
                stages:
                  dev:
                    variables: {}
                plans:
                  free:
                    quota: {limit: 10, period: day}
                routes:
                  - path: /orders
                    methods: [GET]
                    backend: http://127.0.0.1:9101
                """);
        for (String field : routeFields) {
            yaml.append("    ").append(field).append('\n');
        }
        return yaml.toString();
    }

    /**
     * The six lines most gateway tests' configurations start with: the stage dev with the given
     * variables, name and value pairs ({@code keyedDev("b", url)}, or {@code "%s"} for a value
     * formatted in later), the plan p of 1000 requests a day, and consumer c's API key
     * {@code dev-secret-key} on it. The test's routes and other sections follow.
     */
    public static String keyedDev(String... variables) {
        StringJoiner written = new StringJoiner(", ");
        for (int i = 0; i < variables.length; i += 2) {
            written.add(variables[i] + ": \"" + variables[i + 1] + "\"");
        }
        return """
                stages:
                  dev: {variables: {%s}}
                plans:
                  p: {quota: {limit: 1000, period: day}}
                apiKeys:
                  - {id: k, value: dev-secret-key, consumer: c, stage: dev, plan: p}
                """.formatted(written);
    }

    public static Gateway.Builder builder(String yaml) {
        GatewayConfig config = ConfigLoader.parse(yaml, "test.yaml");
        return Gateway.builder().config(config).counters(new InMemoryCounterStore()).keys(new ConfigKeyStore(config.apiKeys()));
    }
}
