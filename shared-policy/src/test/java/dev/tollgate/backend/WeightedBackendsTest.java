package dev.tollgate.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Canary releases: each request draws a backend by weight. */
class WeightedBackendsTest {

    private static final String CONFIG = TestGateways.keyedDev("stable", "%s", "canary", "%s") + """
            routes:
              - path: /orders
                methods: [GET]
                backends:
                  - {url: "${stageVariables.stable}", weight: 90}
                  - {url: "${stageVariables.canary}", weight: 10}
            """;

    private final TestBackend stable = new TestBackend();
    private final TestBackend canary = new TestBackend();

    @AfterEach
    void tearDown() {
        stable.close();
        canary.close();
    }

    @Test
    void requests_areSharedByWeight() {
        AtomicInteger draws = new AtomicInteger();
        // Draws spread evenly over [0, 1): 100 requests give exactly the weights' shares.
        Gateway gateway = TestGateways.from(CONFIG.formatted(stable.url(), canary.url()),
                new HttpForwarder(d -> { },
                        () -> (draws.getAndIncrement() % 100) / 100.0));

        for (int i = 0; i < 100; i++) {
            assertThat(gateway.handle(request()).status()).isEqualTo(200);
        }

        assertThat(stable.received()).hasSize(90);
        assertThat(canary.received()).hasSize(10);
    }

    @Test
    void weights_areChecked() {
        String zero = CONFIG.formatted(stable.url(), canary.url()).replace("weight: 90", "weight: 0").replace("weight: 10", "weight: 0");
        String both = CONFIG.formatted(stable.url(), canary.url()).replace("    backends:\n", "    backend: http://a:1\n    backends:\n");

        assertThatThrownBy(() -> ConfigLoader.parse(zero, "t.yaml")).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems().get(0).toString()).isEqualTo(
                        "t.yaml:10: routes[0].backends: weights that are all 0 (expected: at least one weight above 0)"));
        assertThatThrownBy(() -> ConfigLoader.parse(both, "t.yaml")).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems().get(0).toString()).isEqualTo(
                        "t.yaml:8: routes[0]: both backend and backends (expected: backend, or backends with weights)"));
    }

    private static GatewayRequest request() {
        return Requests.get("/orders").key("dev-secret-key").sourceIp("192.0.2.1").build();
    }
}
