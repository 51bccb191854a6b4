package dev.tollgate.conformance;

import dev.tollgate.azure.CosmosFixture;
import dev.tollgate.azure.CosmosStores;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.local.LocalRunner;
import dev.tollgate.testing.TestIssuer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * What the suite runs on: one configuration ({@value #CONFIG}), two echo backends (a: dev's, b: prod's)
 * that also serve the test issuer's keys, a closed port, one clock standing still in the middle of the
 * current hour (no quota window ends mid-run, and DynamoDB Local's TTL sweep leaves the counters alone),
 * and the five adapters built from them, each with a store of its own.
 */
final class Conformance implements AutoCloseable {

    static final String CONFIG = "src/test/resources/conformance/tollgate.yaml";
    static final String AUDIENCE = "conformance-api";

    final Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(30));
    final Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    final TestIssuer issuer = TestIssuer.rsa("urn:tollgate:conformance", "conformance-key");
    final List<Adapter> adapters = new ArrayList<>();
    private final List<AutoCloseable> started = new ArrayList<>();

    static Conformance start() throws Exception {
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
        EchoBackend a = started(new EchoBackend("a", issuer.publicKeys().toString()));
        EchoBackend b = started(new EchoBackend("b", issuer.publicKeys().toString()));
        String refused = "http://127.0.0.1:" + closedPort();
        String broken = "http://127.0.0.1:" + closedPort();
        Map<String, Map<String, String>> stageVariables = Map.of(
                "dev", Map.of("echoBackend", a.url(), "refusedBackend", refused, "brokenBackend", broken),
                "prod", Map.of("echoBackend", b.url(), "refusedBackend", refused, "brokenBackend", broken));
        Path config = Path.of("target", "conformance", "tollgate.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, Files.readString(Path.of(CONFIG)).replace("JWKS_URL", a.url() + "/jwks.json"));
        GatewayConfig loaded = ConfigLoader.load(config);

        AmazonDynamoDBLocal dynamo = DynamoDBEmbedded.create(true);
        started.add(dynamo::shutdown);
        adapters.add(LambdaAdapter.start(true, loaded, stageVariables, dynamo.dynamoDbClient(), "v2", clock));
        adapters.add(LambdaAdapter.start(false, loaded, stageVariables, dynamo.dynamoDbClient(), "v1", clock));

        CosmosFixture cosmos = started(new CosmosFixture());
        CosmosStores stores = started(cosmos.stores());
        adapters.add(AzureFunctionAdapter.start(loaded, stageVariables, stores, clock));

        adapters.add(LocalRunnerAdapter.start(LocalRunner.Platform.AWS, config, stageVariables, clock));
        adapters.add(LocalRunnerAdapter.start(LocalRunner.Platform.AZURE, config, stageVariables, clock));
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
