package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tollgate.aws.DynamoDbKeyAdmin.Rotation;
import dev.tollgate.aws.DynamoDbKeyStore.StoredKey;
import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import dev.tollgate.policy.auth.apikey.CachingKeyStore;
import dev.tollgate.policy.auth.apikey.NewApiKey;
import dev.tollgate.problem.KeyStoreException;
import dev.tollgate.testing.MutableClock;
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

/** The key store and its administrator's side against DynamoDB Local, in-process; a fresh table for each test. */
class DynamoDbKeyStoreTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant NOW = Instant.parse("2026-11-23T12:10:00Z");
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

    @Test
    void aCreatedKey_isFoundByItsHash_andByItsId() {
        NewApiKey key = NewApiKey.generate(RANDOM);
        Instant expiry = NOW.plus(Duration.ofDays(30)).plusMillis(700);

        StoredKey created = admin.create(key.sha256(), new ApiKey(key.id(), "acme", "dev", "trial",
                ApiKey.Status.ACTIVE, Optional.of(expiry)), NOW.plusMillis(300));

        ApiKey expected = new ApiKey(key.id(), "acme", "dev", "trial", ApiKey.Status.ACTIVE,
                Optional.of(NOW.plus(Duration.ofDays(30)))); // times in whole seconds
        assertThat(created).isEqualTo(new StoredKey(expected, NOW, Optional.empty(), Optional.empty()));
        assertThat(store.findBySha256(ApiKeyHash.sha256Hex(key.value()))).contains(expected);
        assertThat(admin.findById(key.id())).contains(created);
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
    void unknownKeysAndIds_areEmpty() {
        assertThat(store.findBySha256(ApiKeyHash.sha256Hex("tg_nobody"))).isEmpty();
        assertThat(admin.findById("key_nobody")).isEmpty();
        assertThat(admin.revoke("key_nobody", NOW)).isEmpty();
        assertThat(admin.rotate("key_nobody", "00", "key_new", NOW, Duration.ofHours(1), Optional.empty())).isEmpty();
        assertThat(DYNAMO.client().scan(scan -> scan.tableName(table)).items()).isEmpty();
    }

    @Test
    void aSecondKeyWithTheSameId_isRefused_andNothingIsWritten() {
        NewApiKey key = NewApiKey.generate(RANDOM);
        admin.create(key.sha256(), new ApiKey(key.id(), "acme", "dev", "trial"), NOW);

        assertThatThrownBy(() -> admin.create(ApiKeyHash.sha256Hex("tg_other"), new ApiKey(key.id(), "evil", "dev", "trial"), NOW))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a key with id " + key.id() + " or with the same value exists already");
        assertThat(store.findBySha256(ApiKeyHash.sha256Hex("tg_other"))).isEmpty();
        assertThat(admin.findById(key.id()).orElseThrow().key().consumer()).isEqualTo("acme");
    }

    @Test
    void aRevokedKey_isFoundRevoked_andRevokingAgainKeepsTheFirstTime() {
        NewApiKey key = created("acme", "dev", Optional.empty());

        StoredKey revoked = admin.revoke(key.id(), NOW.plusSeconds(60)).orElseThrow();
        admin.revoke(key.id(), NOW.plusSeconds(120));

        assertThat(revoked.key().status()).isEqualTo(ApiKey.Status.REVOKED);
        assertThat(revoked.revokedAt()).contains(NOW.plusSeconds(60));
        assertThat(store.findBySha256(key.sha256()).orElseThrow().status()).isEqualTo(ApiKey.Status.REVOKED);
        assertThat(admin.findById(key.id()).orElseThrow().revokedAt()).contains(NOW.plusSeconds(60));
    }

    @Test
    void rotation_makesANewKeyOfTheSameConsumerStageAndPlan_andTheOldOneExpiresAfterTheGrace() {
        NewApiKey old = created("acme", "prod", Optional.empty());
        NewApiKey next = NewApiKey.generate(RANDOM);

        Rotation rotation = admin.rotate(old.id(), next.sha256(), next.id(), NOW, Duration.ofHours(24), Optional.empty())
                .orElseThrow();

        ApiKey oldKey = store.findBySha256(old.sha256()).orElseThrow();
        assertThat(oldKey.status()).isEqualTo(ApiKey.Status.ACTIVE);
        assertThat(oldKey.expiresAt()).contains(NOW.plus(Duration.ofHours(24)));
        assertThat(oldKey.expiredAt(NOW.plus(Duration.ofHours(24)).minusSeconds(1))).isFalse();
        assertThat(oldKey.expiredAt(NOW.plus(Duration.ofHours(24)))).isTrue();
        ApiKey newKey = store.findBySha256(next.sha256()).orElseThrow();
        assertThat(newKey).isEqualTo(new ApiKey(next.id(), "acme", "prod", "trial", ApiKey.Status.ACTIVE, Optional.empty()));
        assertThat(rotation.previous().key()).isEqualTo(oldKey);
        assertThat(rotation.previous().replacedBy()).contains(next.id());
        assertThat(admin.findById(old.id()).orElseThrow().replacedBy()).contains(next.id());
        assertThat(rotation.replacement()).isEqualTo(admin.findById(next.id()).orElseThrow());
    }

    @Test
    void rotation_keepsAnEarlierExpiryOfTheOldKey_andTheNewKeyInheritsIt_unlessGivenItsOwn() {
        Instant ownExpiry = NOW.plus(Duration.ofHours(2));
        NewApiKey old = created("acme", "dev", Optional.of(ownExpiry));
        NewApiKey next = NewApiKey.generate(RANDOM);

        admin.rotate(old.id(), next.sha256(), next.id(), NOW, Duration.ofDays(7), Optional.empty()).orElseThrow();

        assertThat(store.findBySha256(old.sha256()).orElseThrow().expiresAt()).contains(ownExpiry);
        assertThat(store.findBySha256(next.sha256()).orElseThrow().expiresAt()).contains(ownExpiry);

        NewApiKey third = NewApiKey.generate(RANDOM);
        Instant later = NOW.plus(Duration.ofDays(90));
        admin.rotate(next.id(), third.sha256(), third.id(), NOW, Duration.ZERO, Optional.of(later)).orElseThrow();
        assertThat(store.findBySha256(next.sha256()).orElseThrow().expiredAt(NOW)).isTrue(); // no grace at all
        assertThat(store.findBySha256(third.sha256()).orElseThrow().expiresAt()).contains(later);
    }

    @Test
    void revokedAndExpiredKeys_cannotBeRotated() {
        NewApiKey revoked = created("acme", "dev", Optional.empty());
        admin.revoke(revoked.id(), NOW);
        NewApiKey expired = created("acme", "dev", Optional.of(NOW.minusSeconds(1)));
        NewApiKey next = NewApiKey.generate(RANDOM);

        assertThatThrownBy(() -> admin.rotate(revoked.id(), next.sha256(), next.id(), NOW, Duration.ofHours(1), Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("key " + revoked.id() + " is revoked (expected: an active key; create a new one instead)");
        assertThatThrownBy(() -> admin.rotate(expired.id(), next.sha256(), next.id(), NOW, Duration.ofHours(1), Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("key " + expired.id() + " expired at " + NOW.minusSeconds(1)
                        + " (expected: an active key; create a new one instead)");
        assertThat(store.findBySha256(next.sha256())).isEmpty();
    }

    @Test
    void aKeyInItsGracePeriod_cannotBeRotatedAgain_andNothingIsWritten() {
        NewApiKey old = created("acme", "prod", Optional.empty());
        NewApiKey next = NewApiKey.generate(RANDOM);
        admin.rotate(old.id(), next.sha256(), next.id(), NOW, Duration.ofHours(24), Optional.empty()).orElseThrow();
        NewApiKey third = NewApiKey.generate(RANDOM);

        // Rotated again, the old key's grace period would become the new key's expiry: dead within 24 h.
        assertThatThrownBy(() -> admin.rotate(old.id(), third.sha256(), third.id(), NOW.plusSeconds(60), Duration.ofHours(24),
                Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("key " + old.id() + " was rotated already: key " + next.id() + " replaces it and " + old.id()
                        + " stops working at " + NOW.plus(Duration.ofHours(24)) + " (expected: a key not yet replaced; rotate "
                        + next.id() + " instead)");
        assertThat(admin.findById(third.id())).isEmpty();
        assertThat(store.findBySha256(third.sha256())).isEmpty();
        assertThat(admin.findById(old.id()).orElseThrow().replacedBy()).contains(next.id());
        assertThat(store.findBySha256(old.sha256()).orElseThrow().expiresAt()).contains(NOW.plus(Duration.ofHours(24)));
        assertThat(store.findBySha256(next.sha256()).orElseThrow().expiresAt()).isEmpty();
    }

    @Test
    void list_isOldestFirst_ofAStageOrConsumer_whenAsked() {
        NewApiKey a = created("acme", "dev", Optional.empty());
        NewApiKey b = created("globex", "dev", Optional.empty(), NOW.plusSeconds(2));
        NewApiKey c = created("acme", "prod", Optional.empty(), NOW.plusSeconds(1));

        assertThat(ids(admin.list(Optional.empty(), Optional.empty()))).containsExactly(a.id(), c.id(), b.id());
        assertThat(ids(admin.list(Optional.of("dev"), Optional.empty()))).containsExactly(a.id(), b.id());
        assertThat(ids(admin.list(Optional.empty(), Optional.of("acme")))).containsExactly(a.id(), c.id());
        assertThat(ids(admin.list(Optional.of("prod"), Optional.of("acme")))).containsExactly(c.id());
        assertThat(admin.list(Optional.of("qa"), Optional.empty())).isEmpty();
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

    @Test
    void throughTheCache_aRevokedKeyWorksUntilItsEntryIsTtlOld() {
        MutableClock clock = new MutableClock(NOW);
        CachingKeyStore cached = new CachingKeyStore(store, CachingKeyStore.DEFAULT_TTL, 100, clock);
        NewApiKey key = created("acme", "dev", Optional.empty());
        assertThat(cached.findBySha256(key.sha256()).orElseThrow().status()).isEqualTo(ApiKey.Status.ACTIVE);

        admin.revoke(key.id(), NOW);

        clock.advance(CachingKeyStore.DEFAULT_TTL.minusSeconds(1));
        assertThat(cached.findBySha256(key.sha256()).orElseThrow().status()).isEqualTo(ApiKey.Status.ACTIVE);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cached.findBySha256(key.sha256()).orElseThrow().status()).isEqualTo(ApiKey.Status.REVOKED);
    }

    private NewApiKey created(String consumer, String stage, Optional<Instant> expiresAt) {
        return created(consumer, stage, expiresAt, NOW);
    }

    private NewApiKey created(String consumer, String stage, Optional<Instant> expiresAt, Instant createdAt) {
        NewApiKey key = NewApiKey.generate(RANDOM);
        admin.create(key.sha256(), new ApiKey(key.id(), consumer, stage, "trial", ApiKey.Status.ACTIVE, expiresAt), createdAt);
        return key;
    }

    private static List<String> ids(List<StoredKey> keys) {
        return keys.stream().map(k -> k.key().id()).toList();
    }

    private static void assertStoreFailure(ThrowingCallable operation, String message) {
        assertThatThrownBy(operation)
                .isInstanceOf(KeyStoreException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((KeyStoreException) e).status()).isEqualTo(503));
    }
}
