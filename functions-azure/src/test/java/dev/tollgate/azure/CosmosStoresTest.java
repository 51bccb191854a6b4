package dev.tollgate.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.cosmos.models.CosmosContainerProperties;
import com.azure.identity.ManagedIdentityCredential;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The function app's Cosmos DB settings, checked at start; the containers made for local runs. */
class CosmosStoresTest {

    private static final String ENDPOINT = "https://acme.documents.azure.com:443/";

    @Test
    void theDefaults_andTheManagedIdentity_whenNoKeyIsSet() {
        CosmosStores.Settings settings = CosmosStores.Settings.from(Map.of(CosmosStores.ENDPOINT, ENDPOINT));

        assertThat(settings).isEqualTo(new CosmosStores.Settings(URI.create(ENDPOINT), "tollgate", "tollgate-counters",
                "tollgate-keys", Optional.empty()));
        assertThat(settings.signsInWith()).isEqualTo("the app's managed identity");
        assertThat(CosmosStores.managedIdentity()).isInstanceOf(ManagedIdentityCredential.class);
    }

    @Test
    void namedSettings_andAKey_areTaken_theKeyNeverShown() {
        CosmosStores.Settings settings = CosmosStores.Settings.from(Map.of(CosmosStores.ENDPOINT, "http://127.0.0.1:8081",
                CosmosStores.DATABASE, "gw", CosmosStores.COUNTERS_CONTAINER, "c", CosmosStores.KEYS_CONTAINER, "k",
                CosmosStores.KEY, "secret=="));

        assertThat(settings).isEqualTo(new CosmosStores.Settings(URI.create("http://127.0.0.1:8081"), "gw", "c", "k",
                Optional.of("secret==")));
        assertThat(settings.signsInWith()).isEqualTo("an account key (TOLLGATE_COSMOS_KEY)").doesNotContain("secret");
    }

    @Test
    void theOperationTimeout_is2s_unlessSet_withinItsBounds() {
        assertThat(CosmosStores.Settings.from(Map.of(CosmosStores.ENDPOINT, ENDPOINT)).operationTimeout())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(CosmosStores.Settings.from(Map.of(CosmosStores.ENDPOINT, ENDPOINT, CosmosStores.TIMEOUT, "500ms"))
                .operationTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(CosmosStores.Settings.from(Map.of(CosmosStores.ENDPOINT, ENDPOINT, CosmosStores.TIMEOUT, "30s"))
                .operationTimeout()).isEqualTo(Duration.ofSeconds(30));
        for (String bad : new String[] {"99ms", "31s", "1m", "2", "2 s", "-1s", ""}) {
            assertThatThrownBy(() -> CosmosStores.Settings.from(Map.of(CosmosStores.ENDPOINT, ENDPOINT, CosmosStores.TIMEOUT, bad)))
                    .as(bad)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("TOLLGATE_COSMOS_TIMEOUT: " + bad + " (expected: a duration from 100ms to 30s, such as 2s or 500ms)");
        }
    }

    @Test
    void aMissingOrInvalidSetting_failsAtStart_namingIt() {
        assertThatThrownBy(() -> CosmosStores.Settings.from(Map.of()))
                .hasMessage("TOLLGATE_COSMOS_ENDPOINT is not set (expected: the Cosmos DB account's endpoint, such as"
                        + " https://ACCOUNT.documents.azure.com:443/)");
        assertThatThrownBy(() -> CosmosStores.Settings.from(Map.of(CosmosStores.ENDPOINT, "http://acme.documents.azure.com")))
                .hasMessage("TOLLGATE_COSMOS_ENDPOINT: http://acme.documents.azure.com (expected: an https URL such as"
                        + " https://ACCOUNT.documents.azure.com:443/; http only for an emulator on 127.0.0.1)");
        assertThatThrownBy(() -> CosmosStores.Settings.from(Map.of(CosmosStores.ENDPOINT, "not a url")))
                .hasMessageStartingWith("TOLLGATE_COSMOS_ENDPOINT: not a url (expected: an https URL");
        assertThatThrownBy(() -> CosmosStores.Settings.from(Map.of(CosmosStores.ENDPOINT, ENDPOINT,
                CosmosStores.COUNTERS_CONTAINER, "a/b")))
                .hasMessage("TOLLGATE_COUNTERS_CONTAINER: a/b (expected: a name of letters, digits, ., - and _, beginning"
                        + " with a letter or digit, at most 255)");
    }

    @Test
    void createIfMissing_makesTheContainers_countersWithTtlOnAndNoDefault() {
        try (CosmosFixture cosmos = new CosmosFixture(); CosmosStores stores = cosmos.stores()) {
            stores.createIfMissing(); // twice: nothing changes

            CosmosContainerProperties counters = stores.container("tollgate-counters").read().getProperties();
            CosmosContainerProperties keys = stores.container("tollgate-keys").read().getProperties();
            assertThat(counters.getDefaultTimeToLiveInSeconds()).isEqualTo(-1);
            assertThat(counters.getPartitionKeyDefinition().getPaths()).containsExactly("/id");
            assertThat(keys.getPartitionKeyDefinition().getPaths()).containsExactly("/id");
            assertThat(keys.getDefaultTimeToLiveInSeconds()).isNull();
        }
    }
}
