package dev.tollgate.policy.auth.apikey;

import static dev.tollgate.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.problem.KeyStoreException;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API keys through the whole pipeline: the file's keys first, then a store's, whose keys may be
 * revoked or expire (checked against the request's time) and which may fail (503, not 401).
 */
class ApiKeyAuthenticationTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:10:00Z");

    private final TestBackend backend = new TestBackend();
    private final MutableClock clock = new MutableClock(NOW);
    private final Map<String, ApiKey> table = new ConcurrentHashMap<>();
    private volatile boolean tableFails;
    private Gateway gateway;

    @BeforeEach
    void setUp() {
        GatewayConfig config = ConfigLoader.parse("""
                stages:
                  dev: {variables: {ordersBackend: %s}}
                  prod: {variables: {ordersBackend: "http://127.0.0.1:1"}}
                plans:
                  p: {quota: {limit: 100, period: day}}
                apiKeys:
                  - {id: file-key, value: file-secret-key, consumer: carol, stage: dev, plan: p}
                routes:
                  - {path: /orders, methods: [GET], backend: "${stageVariables.ordersBackend}"}
                """.formatted(backend.url()), "test.yaml");
        KeyStore tableStore = hash -> {
            if (tableFails) {
                throw new KeyStoreException("The API key could not be looked up.", new IllegalStateException("table down"));
            }
            return Optional.ofNullable(table.get(hash));
        };
        gateway = Gateway.builder()
                .config(config)
                .counters(new InMemoryCounterStore())
                .keys(new ConfigKeyStore(config.apiKeys()).orElse(tableStore))
                .clock(clock)
                .build();
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void aTableKey_reachesTheBackend_asItsConsumer() {
        table.put(ApiKeyHash.sha256Hex("tg_alice"), new ApiKey("key_a", "alice", "dev", "p"));

        GatewayResponse response = get("tg_alice");

        assertThat(response.status()).isEqualTo(200);
        assertThat(backend.received().get(0).header("x-tollgate-consumer")).isEqualTo("alice");
    }

    @Test
    void aRevokedKey_is401_sayingItWasRevoked() throws Exception {
        table.put(ApiKeyHash.sha256Hex("tg_alice"),
                new ApiKey("key_a", "alice", "dev", "p", ApiKey.Status.REVOKED, Optional.empty()));

        GatewayResponse response = get("tg_alice");

        assertProblem(response, 401, "urn:tollgate:problem:unauthenticated", "The API key has been revoked.");
        assertThat(response.headers().all("www-authenticate")).containsExactly("ApiKey realm=\"tollgate\", header=\"x-api-key\"");
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aKeyWorksUntilItsExpiry_then401SaysWhenItExpired() throws Exception {
        Instant expiry = NOW.plus(Duration.ofMinutes(5));
        table.put(ApiKeyHash.sha256Hex("tg_alice"),
                new ApiKey("key_a", "alice", "dev", "p", ApiKey.Status.ACTIVE, Optional.of(expiry)));

        clock.set(expiry.minusMillis(1));
        assertThat(get("tg_alice").status()).isEqualTo(200);
        clock.set(expiry);
        assertProblem(get("tg_alice"), 401, "urn:tollgate:problem:unauthenticated",
                "The API key expired at 2026-11-23T12:15:00Z.");
    }

    @Test
    void aRevokedOrExpiredKeyOfAnotherStage_is401_not403() throws Exception {
        table.put(ApiKeyHash.sha256Hex("tg_prod"),
                new ApiKey("key_p", "bob", "prod", "p", ApiKey.Status.REVOKED, Optional.empty()));

        assertProblem(get("tg_prod"), 401, "urn:tollgate:problem:unauthenticated", "The API key has been revoked.");
    }

    @Test
    void aFailingTable_is503_loggedAndCounted_notA401() throws Exception {
        tableFails = true;

        GatewayResponse response = get("tg_alice");

        assertProblem(response, 503, "urn:tollgate:problem:key-store-unavailable", "The API key could not be looked up.");
        assertThat(response.headers().first("www-authenticate")).isEmpty();
        assertThat(gateway.keyStoreFailures()).isEqualTo(1);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void theFilesKeys_areAskedFirst_andKeepWorkingWhileTheTableFails() {
        tableFails = true;

        assertThat(get("file-secret-key").status()).isEqualTo(200);
        assertThat(gateway.keyStoreFailures()).isZero();
    }

    private GatewayResponse get(String key) {
        return gateway.handle(Requests.get("/orders").key(key).build());
    }
}
