package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import dev.tollgate.policy.auth.apikey.KeyStore;
import dev.tollgate.policy.auth.apikey.NewApiKey;
import dev.tollgate.problem.KeyStoreException;
import dev.tollgate.testing.KeyAdminContract;
import java.net.ServerSocket;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The key store and its administrator's side against DynamoDB Local, in-process, a fresh table for
 * each test: what every keys store does ({@link KeyAdminContract}), and the table's own items and failures.
 */
class DynamoDbKeyStoreTest extends KeyAdminContract {

    private static final AtomicInteger TABLES = new AtomicInteger();

    @RegisterExtension
    static final EmbeddedDynamoDb DYNAMO = new EmbeddedDynamoDb();
    private String table;
    private DynamoDbKeyStore store;
    private DynamoDbKeyAdmin admin;

    @BeforeEach
    void createTable() {
        table = "keys-" + TABLES.incrementAndGet();
        DYNAMO.client().createTable(DynamoDbKeyStore.tableDefinition(table));
        store = new DynamoDbKeyStore(DYNAMO.client(), table);
        admin = new DynamoDbKeyAdmin(DYNAMO.client(), table);
    }

    @Override
    protected KeyStore store() {
        return store;
    }

    @Override
    protected KeyAdmin admin() {
        return admin;
    }

    @Test
    void theTable_holdsTheKeysHash_neverTheKey() {
        NewApiKey key = NewApiKey.generate(RANDOM);
        admin.create(key.sha256(), new ApiKey(key.id(), "acme", "dev", "trial"), NOW);

        List<Map<String, AttributeValue>> items = DYNAMO.client().scan(scan -> scan.tableName(table)).items();

        assertThat(items).hasSize(2);
        assertThat(items.toString()).doesNotContain(key.value()).doesNotContain(key.value().substring(3));
        assertThat(items).anySatisfy(item -> assertThat(item.get("pk").s()).isEqualTo("key#" + key.sha256()));
        assertThat(items).anySatisfy(item -> assertThat(item.get("pk").s()).isEqualTo("id#" + key.id()));
    }

    @Test
    void aMissingTable_isTheGatewaysKeyStoreException_forEveryOperation() {
        DynamoDbKeyStore missingStore = new DynamoDbKeyStore(DYNAMO.client(), "no-such-table");
        DynamoDbKeyAdmin missing = new DynamoDbKeyAdmin(DYNAMO.client(), "no-such-table");

        assertStoreFailure(() -> missingStore.findBySha256("00"), "The API key could not be looked up.");
        assertStoreFailure(() -> missing.create("00", new ApiKey("key_1", "acme", "dev", "trial"), NOW),
                "The key could not be created.");
        assertStoreFailure(() -> missing.findById("key_1"), "The key could not be read.");
        assertStoreFailure(() -> missing.revoke("key_1", NOW), "The key could not be read.");
        assertStoreFailure(() -> missing.rotate("key_1", "01", "key_2", NOW, Duration.ZERO, Optional.empty()),
                "The key could not be read.");
        assertStoreFailure(() -> missing.list(Optional.empty(), Optional.empty()), "The keys could not be listed.");
    }

    @Test
    void anUnreachableDynamoDb_isA503KeyStoreException() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (DynamoDbClient unreachable = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            KeyStoreException failure = (KeyStoreException) catchThrowable(
                    () -> new DynamoDbKeyStore(unreachable, table).findBySha256("00"));

            assertThat(failure.status()).isEqualTo(503);
            assertThat(failure.type()).isEqualTo("urn:tollgate:problem:key-store-unavailable");
        }
    }

    @Test
    void aMalformedItem_isTheStoresFailure_namingTheKeyIdButNotItsHash() {
        String hash = ApiKeyHash.sha256Hex("tg_malformed");
        DYNAMO.client().putItem(put -> put.tableName(table).item(Map.of(
                "pk", AttributeValue.fromS("key#" + hash),
                "keyId", AttributeValue.fromS("key_bad"),
                "consumer", AttributeValue.fromS("acme"),
                "status", AttributeValue.fromS("active"))));

        assertThatThrownBy(() -> store.findBySha256(hash))
                .isInstanceOf(KeyStoreException.class)
                .hasMessage("The API key could not be looked up.")
                .cause().hasMessage("the item of key key_bad is malformed: no stage")
                .hasMessageNotContaining(hash);
    }

    private static void assertStoreFailure(ThrowingCallable operation, String message) {
        assertThatThrownBy(operation)
                .isInstanceOf(KeyStoreException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((KeyStoreException) e).status()).isEqualTo(503));
    }
}
