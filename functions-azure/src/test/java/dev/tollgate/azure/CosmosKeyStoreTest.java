package dev.tollgate.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.cosmos.CosmosContainer;
import com.azure.cosmos.models.CosmosQueryRequestOptions;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import dev.tollgate.policy.auth.apikey.KeyStore;
import dev.tollgate.policy.auth.apikey.NewApiKey;
import dev.tollgate.problem.KeyStoreException;
import dev.tollgate.testing.KeyAdminContract;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key store and its administrator's side against the Cosmos DB emulator through the real SDK,
 * a fresh container for each test: what every keys store does ({@link KeyAdminContract}), and the
 * container's own items and failures.
 */
class CosmosKeyStoreTest extends KeyAdminContract {

    private static CosmosFixture cosmos;
    private static CosmosStores stores;
    private CosmosContainer container;
    private CosmosKeyStore store;
    private CosmosKeyAdmin admin;

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

    @BeforeEach
    void createContainer() {
        String name = "keys-" + UUID.randomUUID();
        stores.createKeysContainer(name);
        container = stores.container(name);
        store = new CosmosKeyStore(container);
        admin = new CosmosKeyAdmin(container);
    }

    @AfterEach
    void deleteContainer() {
        container.delete();
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
    void theContainer_holdsOneItemPerKey_idTheKeysHash_neverTheKey() {
        NewApiKey key = NewApiKey.generate(RANDOM);
        admin.create(key.sha256(), new ApiKey(key.id(), "acme", "dev", "trial"), NOW);

        List<ObjectNode> items = container.queryItems("SELECT * FROM c", new CosmosQueryRequestOptions(), ObjectNode.class)
                .stream().toList();

        assertThat(items).hasSize(1);
        assertThat(items.toString()).doesNotContain(key.value()).doesNotContain(key.value().substring(3));
        assertThat(items.get(0).get("id").asText()).isEqualTo(key.sha256());
        assertThat(items.get(0).get("keyId").asText()).isEqualTo(key.id());
        assertThat(items.get(0).get("status").asText()).isEqualTo("active");
        assertThat(items.get(0).get("createdAt").asLong()).isEqualTo(NOW.getEpochSecond());
    }

    @Test
    void aMissingContainer_isTheGatewaysKeyStoreException_503() {
        CosmosKeyStore missing = new CosmosKeyStore(stores.container("no-such-container"));

        assertThatThrownBy(() -> missing.findBySha256(ApiKeyHash.sha256Hex("tg_x")))
                .isInstanceOfSatisfying(KeyStoreException.class, e -> assertThat(e.status()).isEqualTo(503))
                .hasMessage("The API key could not be looked up.");
        CosmosKeyAdmin missingAdmin = new CosmosKeyAdmin(stores.container("no-such-container"));
        assertThatThrownBy(() -> missingAdmin.list(java.util.Optional.empty(), java.util.Optional.empty()))
                .isInstanceOf(KeyStoreException.class)
                .hasMessage("The keys could not be listed.");
        assertThatThrownBy(() -> missingAdmin.findById("key_1"))
                .isInstanceOf(KeyStoreException.class)
                .hasMessage("The key could not be read.");
    }

    @Test
    void aMalformedItem_isTheStoresFailure_namingTheKeyIdButNotItsHash() {
        String hash = ApiKeyHash.sha256Hex("tg_malformed");
        container.createItem(JsonNodeFactory.instance.objectNode().put("id", hash).put("keyId", "key_bad")
                .put("consumer", "acme").put("status", "active"), new PartitionKey(hash), null);

        assertThatThrownBy(() -> store.findBySha256(hash))
                .isInstanceOf(KeyStoreException.class)
                .hasMessage("The API key could not be looked up.")
                .cause().hasMessage("the item of key key_bad is malformed: no stage")
                .hasMessageNotContaining(hash);
    }
}
