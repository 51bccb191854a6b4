package dev.tollgate.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.cosmos.models.CosmosQueryRequestOptions;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.Gateway;
import dev.tollgate.azure.FaultyCosmos.Status;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.testing.InMemoryJwksSource;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestIssuer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whatever a caller's identity, the pipeline's counters on Cosmos DB have valid, bounded ids and
 * count it like any other: a correctly signed token with a huge consumer claim full of the characters
 * item ids may not hold. And a count Cosmos DB refuses as invalid is never served uncounted.
 */
class CosmosIdentityCounterKeysTest {

    private static final String ISS = "https://login.example.com/";
    private static final TestIssuer IDP = TestIssuer.rsa(ISS, "key-1");
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private static CosmosFixture cosmos;
    private static CosmosStores stores;
    private final TestBackend backend = new TestBackend();
    private final GatewayConfig config = ConfigLoader.parse("""
            stages:
              dev: {variables: {backend: %s}}
            plans:
              lenient: {failOpen: true, quota: {limit: 2, period: day}}
            jwt:
              issuers:
                idp: {issuer: %s, jwksUri: https://login.example.com/keys, audiences: [api], plan: lenient}
            routes:
              - {path: /orders, methods: [GET], backend: "${stageVariables.backend}", auth: {jwt: [idp]}}
            """.formatted(backend.url(), ISS), "cosmos.yaml");

    @BeforeAll
    static void startEmulator() {
        cosmos = new CosmosFixture();
        stores = cosmos.stores();
    }

    @AfterAll
    static void stopEmulator() {
        stores.close();
        cosmos.close();
    }

    @AfterEach
    void stopBackend() {
        backend.close();
    }

    @Test
    void consumerClaimsOfAnyTakenLengthAndCharacter_areCountedAndLimited_underValidBoundedIds() {
        Gateway gateway = gateway(stores.counters(new MutableClock(NOW)));

        // The longest consumer claim taken is 256 characters (a longer one is a 401): 250 here, an id of far more.
        for (String consumer : List.of("x/y\\z?#%\u00e9 ".repeat(25), "a/b?c#d\\e", "sha256:" + "0".repeat(64))) {
            String token = IDP.sign(IDP.claims(consumer, "api", NOW).build());
            List<Integer> statuses = List.of(status(gateway, token), status(gateway, token), status(gateway, token));
            assertThat(statuses).as(consumer).containsExactly(200, 200, 429);
        }
        List<String> ids = stores.container(stores.settings().counters())
                .queryItems("SELECT * FROM c", new CosmosQueryRequestOptions(), ObjectNode.class)
                .stream().map(item -> item.get("id").asText()).toList();
        assertThat(ids).hasSize(3).allSatisfy(id -> assertThat(id).matches("[!-~&&[^/\\\\?#]]{1,255}"));
    }

    @Test
    void aCountCosmosRefusesAsInvalid_isNeverServedUncounted_evenOnAPlanThatFailsOpen() throws Exception {
        try (FaultyCosmos faulty = new FaultyCosmos(cosmos.emulator().endpoint());
             CosmosStores through = CosmosStores.connect(cosmos.settings(Map.of(CosmosStores.ENDPOINT, faulty.endpoint(),
                     CosmosStores.DATABASE, stores.settings().database())))) {
            Gateway gateway = gateway(through.counters(new MutableClock(NOW)));
            String token = IDP.sign(IDP.claims("alice", "api", NOW).build());
            faulty.fault(new Status(400, "BadRequest"));
            int refused = status(gateway, token);
            faulty.fault(new Status(503, "ServiceUnavailable"));
            int failedOpen = status(gateway, token);

            assertThat(refused).isEqualTo(500);
            assertThat(failedOpen).isEqualTo(200);
            assertThat(backend.received()).hasSize(1);
        }
    }

    private Gateway gateway(CounterStore counters) {
        return Gateway.builder().config(config).counters(counters).keys(new ConfigKeyStore(config.apiKeys()))
                .jwks(new InMemoryJwksSource().serve("idp", IDP)).clock(new MutableClock(NOW)).build();
    }

    private static int status(Gateway gateway, String token) {
        return gateway.handle(Requests.get("/orders").bearer(token).sourceIp("192.0.2.10").build()).status();
    }
}
