package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.backend.BackendResolver;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.policy.auth.apikey.KeyStore;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The synthetic requests SnapStart priming sends run the pipeline and both handlers to an answer, and
 * ask nothing of the counter store, the key store, the backend or the ECS lookup: each of them here
 * counts every call it gets, and answers none.
 */
class SnapStartPrimingTest {

    private final AtomicInteger storeCalls = new AtomicInteger();

    /** Any store interface whose every call, default methods included, is counted and then refused. */
    private <T> T counting(Class<T> store) {
        return store.cast(Proxy.newProxyInstance(store.getClassLoader(), new Class<?>[] {store}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.getName().equals("hashCode") ? System.identityHashCode(proxy) : method.getName().equals("equals")
                        ? proxy == args[0] : store.getSimpleName() + " counting calls";
            }
            storeCalls.incrementAndGet();
            throw new IllegalStateException("priming called " + method);
        }));
    }

    private List<Integer> prime(String yaml, Optional<String> functionStage) {
        GatewayConfig config = ConfigLoader.parse(yaml, "test.yaml");
        return new SnapStartPriming(config, functionStage, counting(CounterStore.class), counting(KeyStore.class),
                counting(BackendResolver.class)).prime();
    }

    @Test
    void priming_answersBothPayloadFormats401_withoutAskingAStoreOrTheBackend() {
        try (TestBackend backend = new TestBackend()) {
            String yaml = TestGateways.keyedDev("orders", backend.url()) + """
                    routes:
                      - {path: /public, methods: [GET], backend: "${stageVariables.orders}", public: true,
                         rateLimit: {requests: 5, per: second, burst: 5}}
                      - {path: "/orders/{id}", methods: [POST, GET], backend: "${stageVariables.orders}"}
                    """;

            List<Integer> statuses = prime(yaml, Optional.empty());

            assertThat(statuses).containsExactly(401, 401);
            assertThat(storeCalls).hasValue(0);
            assertThat(backend.received()).isEmpty();
        }
    }

    @Test
    void priming_ofAFunctionStage_sendsItsEventsToTheDefaultStage_andStillAnswers401() {
        try (TestBackend backend = new TestBackend()) {
            List<Integer> statuses = prime(TestGateways.keyedDev() + """
                    routes:
                      - {path: /orders, methods: [POST], backend: "%s"}
                    """.formatted(backend.url()), Optional.of("dev"));

            assertThat(statuses).containsExactly(401, 401);
            assertThat(storeCalls).hasValue(0);
            assertThat(backend.received()).isEmpty();
        }
    }

    @Test
    void priming_ofOnlyPublicRoutes_sendsNothing() {
        try (TestBackend backend = new TestBackend()) {
            List<Integer> statuses = prime(TestGateways.keyedDev() + """
                    routes:
                      - {path: /orders, methods: [GET], backend: "%s", public: true}
                    """.formatted(backend.url()), Optional.empty());

            assertThat(statuses).isEmpty();
            assertThat(storeCalls).hasValue(0);
            assertThat(backend.received()).isEmpty();
        }
    }

    @Test
    void priming_theExampleConfiguration_withTheFunctionsOwnRefusingStores_answers401() {
        GatewayConfig example = ConfigLoader.load(Path.of("../examples/tollgate.yaml"), ApiGatewayLimits.INSTANCE);

        SnapStartPriming priming = new SnapStartPriming(example, Optional.of("dev"));

        assertThat(priming.prime()).containsExactly(401, 401);
    }
}
