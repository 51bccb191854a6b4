package dev.tollgate.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.cosmos.CosmosClient;
import com.azure.cosmos.CosmosClientBuilder;
import com.azure.cosmos.CosmosContainer;
import com.azure.cosmos.CosmosDatabase;
import com.azure.cosmos.CosmosEndToEndOperationLatencyPolicyConfigBuilder;
import com.azure.cosmos.GatewayConnectionConfig;
import com.azure.cosmos.ThrottlingRetryOptions;
import com.azure.cosmos.models.CosmosContainerProperties;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import dev.tollgate.config.Durations;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The Cosmos DB client and containers of a function app, from its settings: {@value #ENDPOINT}
 * (required), {@value #DATABASE}, {@value #COUNTERS_CONTAINER}, {@value #KEYS_CONTAINER},
 * {@value #TIMEOUT}, and {@value #KEY} for the emulator and local runs only; without a key the client signs in as the
 * app's managed identity, which needs the data-plane role "Cosmos DB Built-in Data Contributor".
 *
 * <p>The client runs in gateway mode (HTTPS to the account, no direct TCP connections to replicas,
 * which suits short-lived function instances), gives up on an operation after
 * {@value #TIMEOUT} ({@link #OPERATION_TIMEOUT} unless set), and retries a throttled one (429) at most once: the gateway answers a
 * caller, and a counter store that cannot answer soon fails per plan. Against a loopback endpoint
 * (the emulator) it does not look for the account's other regions.
 */
public final class CosmosStores implements AutoCloseable {

    public static final String ENDPOINT = "TOLLGATE_COSMOS_ENDPOINT";
    public static final String DATABASE = "TOLLGATE_COSMOS_DATABASE";
    public static final String COUNTERS_CONTAINER = "TOLLGATE_COUNTERS_CONTAINER";
    public static final String KEYS_CONTAINER = "TOLLGATE_KEYS_CONTAINER";
    public static final String KEY = "TOLLGATE_COSMOS_KEY";
    public static final String TIMEOUT = "TOLLGATE_COSMOS_TIMEOUT";
    public static final String DEFAULT_DATABASE = "tollgate";
    public static final String DEFAULT_COUNTERS_CONTAINER = "tollgate-counters";
    public static final String DEFAULT_KEYS_CONTAINER = "tollgate-keys";
    /** How long one store operation may take, retries included, before it fails as unavailable (408). */
    public static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(2);
    /** The bounds of {@value #TIMEOUT}: a decision waits no longer than the longest a request may take. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);
    /** Database and container names: Cosmos DB refuses / \ ? # and trailing spaces; Tollgate keeps to these. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,254}");

    /**
     * The settings, checked.
     *
     * @param key              the account key; empty: the managed identity
     * @param operationTimeout how long one operation may take, retries included
     */
    public record Settings(URI endpoint, String database, String counters, String keys, Optional<String> key,
                           Duration operationTimeout) {

        public Settings(URI endpoint, String database, String counters, String keys, Optional<String> key) {
            this(endpoint, database, counters, keys, key, OPERATION_TIMEOUT);
        }

        /** Reads and checks the settings; a missing or invalid one fails, naming it and what was expected. */
        public static Settings from(Map<String, String> settings) {
            String endpoint = settings.get(ENDPOINT);
            if (endpoint == null || endpoint.isBlank()) {
                throw new IllegalStateException(ENDPOINT + " is not set (expected: the Cosmos DB account's endpoint,"
                        + " such as https://ACCOUNT.documents.azure.com:443/)");
            }
            URI uri;
            try {
                uri = URI.create(endpoint.strip());
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null
                    || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()) && loopback(uri))) {
                throw new IllegalStateException(ENDPOINT + ": " + endpoint + " (expected: an https URL such as"
                        + " https://ACCOUNT.documents.azure.com:443/; http only for an emulator on 127.0.0.1)");
            }
            Optional<String> key = Optional.ofNullable(settings.get(KEY)).filter(k -> !k.isBlank());
            return new Settings(uri, name(settings, DATABASE, DEFAULT_DATABASE),
                    name(settings, COUNTERS_CONTAINER, DEFAULT_COUNTERS_CONTAINER),
                    name(settings, KEYS_CONTAINER, DEFAULT_KEYS_CONTAINER), key, timeout(settings));
        }

        private static Duration timeout(Map<String, String> settings) {
            return Durations.setting(settings, TIMEOUT, OPERATION_TIMEOUT, MIN_TIMEOUT, MAX_TIMEOUT);
        }

        /** How the client signs in, for the start-up log: never the key itself. */
        public String signsInWith() {
            return key.isPresent() ? "an account key (" + KEY + ")" : "the app's managed identity";
        }

        private static String name(Map<String, String> settings, String setting, String fallback) {
            String value = settings.getOrDefault(setting, fallback);
            if (!NAME.matcher(value).matches()) {
                throw new IllegalStateException(setting + ": " + value + " (expected: a name of letters, digits, ., - and _,"
                        + " beginning with a letter or digit, at most 255)");
            }
            return value;
        }
    }

    private final Settings settings;
    private final CosmosClient client;

    private CosmosStores(Settings settings, CosmosClient client) {
        this.settings = settings;
        this.client = client;
    }

    /** Connects as the settings say; the client reads the account once here, so an unreachable account fails now. */
    public static CosmosStores connect(Map<String, String> settings) {
        return connect(settings, CosmosStores::managedIdentity);
    }

    /** The same, signing in with {@code signIn}'s credential when no key is set (the keys command: {@code az login}). */
    public static CosmosStores connect(Map<String, String> settings, Supplier<TokenCredential> signIn) {
        Settings checked = Settings.from(settings);
        return new CosmosStores(checked, builder(checked, checked.operationTimeout(), signIn).buildClient());
    }

    /** The client's builder, as {@link #connect} uses it with {@link #OPERATION_TIMEOUT}. */
    static CosmosClientBuilder builder(Settings settings, Duration operationTimeout) {
        return builder(settings, operationTimeout, CosmosStores::managedIdentity);
    }

    private static CosmosClientBuilder builder(Settings settings, Duration operationTimeout, Supplier<TokenCredential> signIn) {
        CosmosClientBuilder builder = new CosmosClientBuilder()
                .endpoint(settings.endpoint().toString())
                .gatewayMode(new GatewayConnectionConfig())
                .endpointDiscoveryEnabled(!loopback(settings.endpoint()))
                .contentResponseOnWriteEnabled(true)
                .throttlingRetryOptions(new ThrottlingRetryOptions()
                        .setMaxRetryAttemptsOnThrottledRequests(1)
                        .setMaxRetryWaitTime(operationTimeout))
                .endToEndOperationLatencyPolicyConfig(new CosmosEndToEndOperationLatencyPolicyConfigBuilder(operationTimeout).build())
                .userAgentSuffix("tollgate");
        settings.key().ifPresentOrElse(builder::key, () -> builder.credential(signIn.get()));
        return builder;
    }

    /** The function app's system-assigned identity; it asks for a token only when the client first needs one. */
    static TokenCredential managedIdentity() {
        return new ManagedIdentityCredentialBuilder().build();
    }

    static CosmosStores of(Settings settings, CosmosClient client) {
        return new CosmosStores(settings, client);
    }

    public Settings settings() {
        return settings;
    }

    public CosmosCounterStore counters(Clock clock) {
        return new CosmosCounterStore(container(settings.counters()), clock);
    }

    public CosmosKeyStore keys() {
        return new CosmosKeyStore(container(settings.keys()));
    }

    public CosmosKeyAdmin keyAdmin() {
        return new CosmosKeyAdmin(container(settings.keys()));
    }

    /**
     * Creates the database and both containers when missing, for the local runner and tests (on Azure
     * the deployment template makes them): partition key {@code /id} each, and on the counters TTL
     * on with no default ({@code defaultTtl -1}), so that each item's own {@code ttl} applies.
     */
    public CosmosStores createIfMissing() {
        client.createDatabaseIfNotExists(settings.database());
        CosmosDatabase database = client.getDatabase(settings.database());
        database.createContainerIfNotExists(new CosmosContainerProperties(settings.counters(), "/id")
                .setDefaultTimeToLiveInSeconds(-1));
        createKeysContainer(settings.keys());
        return this;
    }

    void createKeysContainer(String name) {
        client.getDatabase(settings.database()).createContainerIfNotExists(new CosmosContainerProperties(name, "/id"));
    }

    CosmosContainer container(String name) {
        return client.getDatabase(settings.database()).getContainer(name);
    }

    @Override
    public void close() {
        client.close();
    }

    private static boolean loopback(URI endpoint) {
        String host = endpoint.getHost();
        return host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"));
    }
}
