package dev.tollgate.conformance;

import dev.tollgate.azure.CosmosFixture;
import dev.tollgate.azure.CosmosStores;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.local.LocalRunner;
import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import dev.tollgate.testing.TestIssuer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What the suite runs on: one configuration ({@value #CONFIG}), two echo backends (a: dev's, b: prod's)
 * that also serve the test issuer's keys, a closed port, and the five adapters built from them, each
 * with a store of its own, all on the real clock (the Lambda functions run in JVMs of their own, where
 * no clock can be passed in): scenarios about time use windows of a second or two.
 */
public final class Conformance implements AutoCloseable {

    static final String CONFIG = "src/test/resources/conformance/tollgate.yaml";
    public static final String AUDIENCE = "conformance-api";
    /** A key each adapter's keys store holds (not the configuration file), and one revoked there. */
    static final String STORED_KEY = "conformance-stored";
    static final String REVOKED_KEY = "conformance-stored-revoked";

    public final Instant now = Instant.now();
    public final TestIssuer issuer = TestIssuer.rsa("urn:tollgate:conformance", "conformance-key");
    public final List<Adapter> adapters = new ArrayList<>();
    private final List<EchoBackend> backends = new ArrayList<>();
    private final List<AutoCloseable> started = new ArrayList<>();

    public static Conformance start() throws Exception {
        Conformance conformance = new Conformance();
        try {
            conformance.startAdapters();
        } catch (Exception | Error e) {
            conformance.close();
            throw e;
        }
        return conformance;
    }

    private void startAdapters() throws Exception {
        Clock clock = Clock.systemUTC();
        EchoBackend a = started(new EchoBackend("a", issuer.publicKeys().toString()));
        EchoBackend b = started(new EchoBackend("b", issuer.publicKeys().toString()));
        backends.add(a);
        backends.add(b);
        String refused = "http://127.0.0.1:" + closedPort();
        String broken = "http://127.0.0.1:" + closedPort();
        Map<String, Map<String, String>> stageVariables = Map.of(
                "dev", Map.of("echoBackend", a.url(), "refusedBackend", refused, "brokenBackend", broken),
                "prod", Map.of("echoBackend", b.url(), "refusedBackend", refused, "brokenBackend", broken));
        Path config = Path.of("target", "conformance", "tollgate.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, Files.readString(Path.of(CONFIG)).replace("JWKS_URL", a.url() + "/jwks.json"));
        GatewayConfig loaded = ConfigLoader.load(config);

        // The local runner on AWS first: the Lambda functions count in its DynamoDB Local, in tables of their own.
        LocalRunnerAdapter localAws = LocalRunnerAdapter.start(LocalRunner.Platform.AWS, config, stageVariables, clock);
        started.add(localAws);
        DynamoDbClient dynamo = started(LocalRunnerAdapter.dynamoDb(localAws.dynamoDbPort()));
        URI endpoint = URI.create("http://127.0.0.1:" + localAws.dynamoDbPort());
        Path taskRoot = LambdaAdapter.taskRoot(Path.of("target", "conformance", "lambda-task"));
        LambdaAdapter v2 = LambdaAdapter.start(true, taskRoot, config, stageVariables, dynamo, endpoint, "v2");
        adapters.add(v2);
        LambdaAdapter v1 = LambdaAdapter.start(false, taskRoot, config, stageVariables, dynamo, endpoint, "v1");
        adapters.add(v1);

        CosmosFixture cosmos = started(new CosmosFixture());
        CosmosStores stores = started(cosmos.stores());
        adapters.add(AzureFunctionAdapter.start(loaded, stageVariables, stores, clock));

        started.remove(localAws);
        adapters.add(localAws);
        adapters.add(LocalRunnerAdapter.start(LocalRunner.Platform.AZURE, config, stageVariables, clock));
        v2.awaitStarted();
        v1.awaitStarted();
        for (Adapter adapter : adapters) {
            storeKeys(adapter.keys());
        }
    }

    /** Every request the echo backends received (a's, then b's), as {@code METHOD raw-path[?raw-query]}, but those for the key set. */
    public List<String> backendRequests() {
        List<String> all = new ArrayList<>();
        backends.forEach(backend -> all.addAll(backend.received()));
        return all;
    }

    /** The keys the scenarios expect in every keys store, written as {@code ./tollgate keys create} writes them. */
    private void storeKeys(KeyAdmin keys) {
        keys.create(ApiKeyHash.sha256Hex(STORED_KEY), new ApiKey("stored", "conformance-stored", "dev", "five",
                ApiKey.Status.ACTIVE, Optional.empty()), now);
        keys.create(ApiKeyHash.sha256Hex(REVOKED_KEY), new ApiKey("stored-revoked", "conformance-stored", "dev", "open",
                ApiKey.Status.ACTIVE, Optional.empty()), now);
        keys.revoke("stored-revoked", now);
    }

    private <T extends AutoCloseable> T started(T thing) {
        started.add(thing);
        return thing;
    }

    /** A port nothing listens on: one just bound and released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(adapters);
        List<AutoCloseable> others = new ArrayList<>(started);
        java.util.Collections.reverse(others);
        all.addAll(others);
        for (AutoCloseable thing : all) {
            try {
                thing.close();
            } catch (Exception e) {
                // Stop the rest all the same.
            }
        }
    }
}
