package dev.tollgate.testing;

import dev.tollgate.Gateway;
import dev.tollgate.backend.HttpForwarder;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;

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

    public static Gateway.Builder builder(String yaml) {
        GatewayConfig config = ConfigLoader.parse(yaml, "test.yaml");
        return Gateway.builder().config(config).counters(new InMemoryCounterStore()).keys(new ConfigKeyStore(config.apiKeys()));
    }
}
