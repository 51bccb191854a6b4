package dev.tollgate.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.azure.FaultyCosmos.Hang;
import dev.tollgate.azure.FaultyCosmos.Status;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import dev.tollgate.problem.CounterStoreException;
import dev.tollgate.problem.CounterStoreRejectedException;
import dev.tollgate.problem.KeyStoreException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the stores make of Cosmos DB's failures, which the emulator never produces (no request units,
 * so no 429; never unavailable): the SDK, configured as {@link CosmosStores} configures it, talks to
 * the emulator through {@link FaultyCosmos}, which answers item requests with the failure under test.
 */
class CosmosStoreFailuresTest {

    private static final Instant EXPIRES = Instant.now().plus(Duration.ofDays(1));
    /**
     * Short, so that the hanging case ends soon, yet long enough for the emulator's answers through the
     * proxy on a loaded machine; the client's own, not the test's, timeout.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static CosmosFixture cosmos;
    private static CosmosStores direct;
    private FaultyCosmos faulty;
    private CosmosStores stores;
    private CosmosCounterStore counters;

    @BeforeAll
    static void startEmulator() {
        cosmos = new CosmosFixture();
        direct = cosmos.stores();
    }

    @AfterAll
    static void stopEmulator() {
        direct.close();
        cosmos.close();
    }

    @BeforeEach
    void connectThroughTheProxy() throws IOException {
        faulty = new FaultyCosmos(cosmos.emulator().endpoint());
        CosmosStores.Settings settings = CosmosStores.Settings.from(cosmos.settings(Map.of(
                CosmosStores.ENDPOINT, faulty.endpoint(), CosmosStores.DATABASE, direct.settings().database())));
        stores = CosmosStores.of(settings, CosmosStores.builder(settings, TIMEOUT).buildClient());
        counters = stores.counters(Clock.systemUTC());
        assertThat(counters.tryAcquire("quota#warm", 100, EXPIRES).granted()).isTrue();
    }

    @AfterEach
    void close() {
        stores.close();
        faulty.close();
    }

    @Test
    void throttled_429_isTheStoreUnavailable_afterOneRetry() {
        faulty.fault(new Status(429, "TooManyRequests"));

        assertThatThrownBy(() -> counters.tryAcquire("quota#a", 10, EXPIRES))
                .isExactlyInstanceOf(CounterStoreException.class)
                .hasMessage("The quota counter could not be updated. Cosmos DB answered 429.");
        assertThat(faulted()).isEqualTo(2);
    }

    @Test
    void unavailable_503_andRequestTimeout_408_areTheStoreUnavailable() {
        faulty.fault(new Status(503, "ServiceUnavailable"));
        assertThatThrownBy(() -> counters.tryAdmit("rate#a", 1, 1, 0, EXPIRES))
                .isExactlyInstanceOf(CounterStoreException.class)
                .hasMessageStartingWith("The rate limit bucket could not be updated. Cosmos DB answered 503");

        faulty.fault(new Status(408, "RequestTimeout"));
        assertThatThrownBy(() -> counters.used("quota#a"))
                .isExactlyInstanceOf(CounterStoreException.class)
                .hasMessageStartingWith("The quota counter could not be read. Cosmos DB answered 408");
    }

    @Test
    void aRequestRefusedAsInvalid_400_isARejection_neverFailedOpen() {
        faulty.fault(new Status(400, "BadRequest"));

        assertThatThrownBy(() -> counters.tryAcquire("quota#a", 10, EXPIRES))
                .isInstanceOf(CounterStoreRejectedException.class)
                .hasMessage("The quota counter could not be updated. Cosmos DB refused it as invalid.");
        assertThatThrownBy(() -> counters.tryAdmit("rate#a", 1, 1, 0, EXPIRES))
                .isInstanceOf(CounterStoreRejectedException.class);
        assertThatThrownBy(() -> counters.release("quota#a")).isInstanceOf(CounterStoreRejectedException.class);
    }

    @Test
    void noAnswerWithinTheOperationTimeout_isTheStoreUnavailable() {
        faulty.fault(new Hang());

        assertThatThrownBy(() -> counters.tryAcquire("quota#a", 10, EXPIRES))
                .isExactlyInstanceOf(CounterStoreException.class)
                .hasMessageStartingWith("The quota counter could not be updated. Cosmos DB answered 408");
    }

    @Test
    void refusedConnections_areTheStoreUnavailable() {
        faulty.refuseConnections();

        assertThatThrownBy(() -> counters.tryAcquire("quota#a", 10, EXPIRES))
                .isExactlyInstanceOf(CounterStoreException.class)
                .hasMessageStartingWith("The quota counter could not be updated. Cosmos DB answered ");
        assertThatThrownBy(() -> stores.keys().findBySha256(ApiKeyHash.sha256Hex("tg_x")))
                .isInstanceOfSatisfying(KeyStoreException.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void aFailingKeyStore_isA503_neverAnUnknownKey() {
        faulty.fault(new Status(429, "TooManyRequests"));

        assertThatThrownBy(() -> stores.keys().findBySha256(ApiKeyHash.sha256Hex("tg_x")))
                .isInstanceOfSatisfying(KeyStoreException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.type()).isEqualTo("urn:tollgate:problem:key-store-unavailable");
                })
                .hasMessage("The API key could not be looked up.");
    }

    private int faulted() {
        return faulty.faulted();
    }
}
