package dev.tollgate.local;

import com.azure.cosmos.CosmosException;
import com.azure.identity.AzureCliCredentialBuilder;
import dev.tollgate.azure.CosmosStores;
import dev.tollgate.emulators.CosmosEmulator;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import java.io.PrintStream;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./tollgate keys --platform azure}: the keys container of a Cosmos DB account. By default the
 * local runner's Cosmos DB emulator ({@value #LOCAL_ENDPOINT}, signed with the emulator's well-known
 * key); with {@code --cosmos-endpoint https://ACCOUNT.documents.azure.com:443/}, that account, signed
 * with {@code TOLLGATE_COSMOS_KEY} when set, else as the user {@code az login} signed in (who needs
 * the data-plane role "Cosmos DB Built-in Data Contributor" on it).
 *
 * @param key the account key; empty: {@code az login}
 */
record CosmosKeysTarget(URI endpoint, String database, String container, Optional<String> key) implements KeysTarget {

    static final String LOCAL_ENDPOINT = "http://127.0.0.1:8081";

    static CosmosKeysTarget of(Optional<URI> endpoint, Optional<String> database, Optional<String> container,
                               Optional<String> accountKey) {
        URI uri = endpoint.orElse(URI.create(LOCAL_ENDPOINT));
        boolean local = "http".equals(uri.getScheme());
        return new CosmosKeysTarget(uri, database.orElse(CosmosStores.DEFAULT_DATABASE),
                container.orElse(CosmosStores.DEFAULT_KEYS_CONTAINER), local ? Optional.of(CosmosEmulator.KEY) : accountKey);
    }

    @Override
    public Session open() {
        if ("http".equals(endpoint.getScheme())) {
            // The emulator speaks plain HTTP, which the SDK allows only when told so before it loads.
            CosmosEmulator.allowPlainHttp();
        }
        Map<String, String> settings = new HashMap<>(Map.of(
                CosmosStores.ENDPOINT, endpoint.toString(),
                CosmosStores.DATABASE, database,
                CosmosStores.KEYS_CONTAINER, container));
        key.ifPresent(k -> settings.put(CosmosStores.KEY, k));
        CosmosStores stores = CosmosStores.connect(settings, () -> new AzureCliCredentialBuilder().build());
        KeyAdmin admin = stores.keyAdmin();
        return new Session(admin, stores::close);
    }

    @Override
    public String name() {
        return "container " + container;
    }

    private boolean local() {
        return "http".equals(endpoint.getScheme());
    }

    private String where() {
        return (local() ? "in the Cosmos DB emulator at " : "in Cosmos DB account ") + endpoint + ", database " + database;
    }

    @Override
    public void announce(PrintStream err) {
        err.println("tollgate: keys container " + container + " " + where()
                + (local() ? "" : ", signed in with " + (key.isPresent() ? "TOLLGATE_COSMOS_KEY" : "az login")));
    }

    @Override
    public String explain(Throwable failure) {
        CosmosException cosmos = null;
        for (Throwable cause = failure; cause != null && cosmos == null; cause = cause.getCause()) {
            cosmos = cause instanceof CosmosException e ? e : null;
        }
        if (cosmos != null && cosmos.getStatusCode() == 404) {
            return "container " + container + " does not exist " + where()
                    + (local() ? " (./tollgate local --platform azure creates " + CosmosStores.DEFAULT_KEYS_CONTAINER + ")" : "");
        }
        if (local() && (cosmos == null || cosmos.getStatusCode() == 503 || cosmos.getStatusCode() == 408)) {
            return "the Cosmos DB emulator at " + endpoint + " cannot be reached (is ./tollgate local --platform azure"
                    + " running? With another port, give --cosmos-endpoint http://127.0.0.1:PORT)";
        }
        if (cosmos != null) {
            return "Cosmos DB answered " + cosmos.getStatusCode() + ": " + firstLine(cosmos.getShortMessage());
        }
        return failure == null ? "no cause given" : firstLine(failure.getMessage());
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }
}
