package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.observe.Outcome;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.policy.quota.CounterKeys;
import dev.tollgate.testing.InMemoryJwksSource;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Counter, bucket and usage keys stay within DynamoDB's 2,048-byte partition keys whatever the
 * identity: a correctly signed token whose consumer claim is huge is counted and limited like any
 * other, through the real JWT path and the pipeline onto DynamoDB Local, on a plan that fails open.
 * And a request the store refuses as invalid is never served uncounted.
 */
class IdentityCounterKeysTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "counters";
    private static final String ISS = "https://login.example.com/";
    private static final TestIssuer IDP = TestIssuer.rsa(ISS, "key-1");
    /** In the real present: DynamoDB Local's TTL sweep would delete counters of a past window. */
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @RegisterExtension
    static final EmbeddedDynamoDb DYNAMO = new EmbeddedDynamoDb();

    private final TestBackend backend = new TestBackend();
    private final List<RequestObservation> observed = new CopyOnWriteArrayList<>();
    private GatewayConfig config;

    @BeforeAll
    static void createTables() {
        DYNAMO.client().createTable(DynamoDbCounterStore.tableDefinition(TABLE));
        // A table made by hand with another key: every write to it is a ValidationException.
        DYNAMO.client().createTable(DynamoDbTables.keyedBy("wrong-key", "id"));
    }

    @BeforeEach
    void setUp() {
        config = ConfigLoader.parse("""
                stages:
                  dev: {variables: {backend: %s}}
                plans:
                  lenient:
                    failOpen: true
                    quota: {limit: 3, period: day}
                    rateLimit: {requests: 1000, per: second}
                """.formatted(backend.url()) + IDP.jwtSection("idp", "lenient") + """
                routes:
                  - {path: /orders, methods: [GET], backend: "${stageVariables.backend}", auth: {jwt: [idp]}}
                  - path: /limited
                    methods: [GET]
                    backend: ${stageVariables.backend}
                    auth: {jwt: [idp]}
                    rateLimit: {requests: 2, per: minute}
                  - path: /open
                    methods: [GET]
                    backend: ${stageVariables.backend}
                    public: true
                    rateLimit: {requests: 2, per: minute}
                """, "test.yaml");
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    private Gateway gateway(String table) {
        return Gateway.builder().config(config).counters(new DynamoDbCounterStore(DYNAMO.client(), table))
                .keys(new ConfigKeyStore(config.apiKeys())).jwks(new InMemoryJwksSource().serve("idp", IDP))
                .clock(new MutableClock(NOW)).observer(observed::add).build();
    }

    /** The longest consumer claim the gateway takes (256 characters), of characters the counter keys encode. */
    @ParameterizedTest
    @ValueSource(ints = {200, 256})
    void aSignedTokenWithTheLongestConsumerClaim_isCountedAndLimited_onAPlanThatFailsOpen(int length) throws Exception {
        Gateway gateway = gateway(TABLE);
        String subject = (length + "-" + "\u00e9x#%\u4e2d".repeat(length)).substring(0, length);
        String token = IDP.sign(IDP.claims(subject, "api", NOW).build());

        List<Integer> limited = List.of(status(gateway, "/limited", token), status(gateway, "/limited", token),
                status(gateway, "/limited", token));
        List<Integer> orders = List.of(status(gateway, "/orders", token), status(gateway, "/orders", token));
        GatewayResponse usage = gateway.handle(get("/_tollgate/usage", token, "192.0.2.10"));

        List<Integer> served = List.of(200);
        assertThat(limited).satisfiesExactly(s -> assertThat(s).isIn(served), s -> assertThat(s).isIn(served),
                s -> assertThat(s).isEqualTo(429));
        assertThat(orders).satisfiesExactly(s -> assertThat(s).isIn(served), s -> assertThat(s).isEqualTo(429));
        assertThat(backend.received()).hasSizeLessThanOrEqualTo(3);
        assertThat(usage.status()).isEqualTo(200);
        JsonNode quota = JSON.readTree(usage.body()).path("quota");
        assertThat(quota.path("used").asLong()).isEqualTo(3);
        assertThat(quota.path("remaining").asLong()).isZero();
        assertThat(observed).noneMatch(o -> o.outcomes().contains(Outcome.COUNTER_STORE_ERROR));
        assertThat(keysInTable()).allSatisfy(key -> assertThat(key.getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(CounterKeys.MAX_KEY_BYTES));
    }

    @ParameterizedTest
    @ValueSource(ints = {257, 100_000})
    void aSignedTokenWithALongerConsumerClaim_isA401_countedNowhere(int length) throws Exception {
        Gateway gateway = gateway(TABLE);
        String token = IDP.sign(IDP.claims("\u00e9".repeat(length), "api", NOW).build());
        List<String> before = keysInTable();

        assertThat(List.of(status(gateway, "/limited", token), status(gateway, "/orders", token))).containsOnly(401);
        assertThat(backend.received()).isEmpty();
        assertThat(keysInTable()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void aPublicRoute_limitsACallerByAddress_howeverLongTheAddress() {
        Gateway gateway = gateway(TABLE);
        String address = "2001:db8::" + "f".repeat(3_000);

        List<Integer> statuses = List.of(gateway.handle(get("/open", null, address)).status(),
                gateway.handle(get("/open", null, address)).status(), gateway.handle(get("/open", null, address)).status());

        assertThat(statuses).containsExactly(200, 200, 429);
        assertThat(observed).noneMatch(o -> o.outcomes().contains(Outcome.COUNTER_STORE_ERROR));
    }

    @Test
    void aCountTheStoreRefusesAsInvalid_isNeverServedUncounted_evenOnAPlanThatFailsOpen() throws Exception {
        Gateway gateway = gateway("wrong-key");
        String token = IDP.sign(IDP.claims("alice", "api", NOW).build());

        GatewayResponse response = gateway.handle(get("/orders", token, "192.0.2.10"));

        assertThat(response.status()).isEqualTo(500);
        assertThat(JSON.readTree(response.body()).path("type").asText()).isEqualTo("urn:tollgate:problem:counter-store-rejected");
        assertThat(backend.received()).isEmpty();
        assertThat(observed.get(0).outcomes()).contains(Outcome.COUNTER_STORE_ERROR);
    }

    private static int status(Gateway gateway, String path, String token) {
        return gateway.handle(get(path, token, "192.0.2.10")).status();
    }

    private static GatewayRequest get(String path, String token, String sourceIp) {
        Headers.Builder headers = Headers.builder();
        if (token != null) {
            headers.set("authorization", "Bearer " + token);
        }
        return new GatewayRequest("GET", path, "", headers.build(), null, sourceIp, "https", "dev", Map.of());
    }

    private static List<String> keysInTable() {
        return DYNAMO.client().scanPaginator(scan -> scan.tableName(TABLE)).items().stream()
                .map(item -> item.get(DynamoDbCounterStore.PARTITION_KEY)).map(AttributeValue::s).toList();
    }
}
