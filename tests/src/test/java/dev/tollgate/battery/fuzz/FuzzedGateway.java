package dev.tollgate.battery.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import dev.tollgate.Gateway;
import dev.tollgate.conformance.EchoBackend;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.testing.InMemoryCounterStore;
import java.util.Set;

/**
 * A gateway for the adapters' fuzz tests: the stages AWS's sample events use (and {@code dev}, the stage
 * {@code $default} maps to), public routes of one to three segments on every method, and behind them a
 * loopback backend that answers 200 (under the base path {@code /fuzz}, which none of its special paths, such
 * as {@code /slow} or {@code /status/N}, starts with); in-memory counters and the file's keys.
 */
final class FuzzedGateway implements AutoCloseable {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1");

    final EchoBackend backend = backend("fuzz");
    final GatewayConfig config = ConfigLoader.parse("""
            stages:
              dev: {variables: {}}
              prod: {variables: {}}
              testStage: {variables: {}}
              default: {variables: {}}
            plans:
              p: {quota: {limit: 1000, period: day}}
            routes:
              - {path: /, methods: [%1$s], backend: "%2$s", public: true}
              - {path: "/{a}", methods: [%1$s], backend: "%2$s", public: true}
              - {path: "/{a}/{b}", methods: [%1$s], backend: "%2$s", public: true}
              - {path: "/{a}/{b}/{c}", methods: [%1$s], backend: "%2$s", public: true}
            """.formatted("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS", backend.url() + "/fuzz"), "fuzz.yaml");
    final Gateway gateway = Gateway.builder().config(config).counters(new InMemoryCounterStore())
            .keys(new ConfigKeyStore(config.apiKeys())).build();

    /** A loopback backend that echoes what it received ({@link EchoBackend}). */
    static EchoBackend backend(String name) {
        return new EchoBackend(name, "{}");
    }

    /**
     * Tells Jazzer's SSRF detector, which reports any connection it is not told to expect (the JDK client opens
     * one whenever a kept one was closed), that connections to loopback are expected: any other is still a
     * finding. Jazzer forgets this after each input, so each fuzz test's method says it first.
     */
    static void expectLoopbackConnections() {
        BugDetectors.allowNetworkConnections((host, port) -> LOOPBACK.contains(host));
    }

    @Override
    public void close() {
        backend.close();
    }
}
