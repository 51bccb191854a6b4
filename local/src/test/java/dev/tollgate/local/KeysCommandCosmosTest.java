package dev.tollgate.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.azure.CosmosStores;
import dev.tollgate.emulators.CosmosEmulator;
import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code ./tollgate keys --platform azure} against the Cosmos DB emulator, as the local runner starts it. */
class KeysCommandCosmosTest {

    private static final String EXAMPLE = Path.of("..", "examples", "tollgate.yaml").toString();
    private static final Instant NOON = Instant.parse("2026-11-23T12:00:00Z");
    private static final String DATABASE = "keys-command";

    private static CosmosEmulator emulator;
    private static CosmosStores stores;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void startEmulator() {
        emulator = CosmosEmulator.start();
        stores = CosmosStores.connect(Map.of(CosmosStores.ENDPOINT, emulator.endpoint(), CosmosStores.KEY, emulator.key(),
                CosmosStores.DATABASE, DATABASE)).createIfMissing();
    }

    @AfterAll
    static void stopEmulator() {
        stores.close();
        emulator.close();
    }

    @Test
    void createRotateRevokeList_inTheEmulatorsKeysContainer_whichTheGatewayReads() throws Exception {
        assertThat(keys(NOON, "create", "--stage", "prod", "--plan", "trial", "--consumer", "acme", "--config", EXAMPLE)).isZero();
        String key = text(out).strip();
        String id = idIn(text(err));
        assertThat(key).matches("tg_[A-Za-z0-9_-]{43}");
        assertThat(text(err)).contains("tollgate: keys container tollgate-keys in the Cosmos DB emulator at "
                + emulator.endpoint() + ", database " + DATABASE, "tollgate: created key " + id + " for consumer acme");
        assertThat(stores.keys().findBySha256(ApiKeyHash.sha256Hex(key))).contains(new ApiKey(id, "acme", "prod", "trial"));

        assertThat(keys(NOON.plusSeconds(60), "rotate", id, "--grace", "2h")).isZero();
        String newId = idIn(text(err));
        assertThat(text(err)).contains("tollgate: " + id + " keeps working until 2026-11-23T14:01:00Z (grace 2h;");
        assertThat(keys(NOON.plusSeconds(120), "revoke", newId)).isZero();
        assertThat(text(out)).contains("revoked key " + newId + " (consumer acme, stage prod)");

        assertThat(keys(NOON.plusSeconds(180), "list", "--consumer", "acme")).isZero();
        assertThat(text(out).lines()).containsExactly(
                "ID                    CONSUMER  STAGE  PLAN   STATUS   CREATED               EXPIRES               REPLACED BY",
                id + "  acme      prod   trial  active   2026-11-23T12:00:00Z  2026-11-23T14:01:00Z  " + newId,
                newId + "  acme      prod   trial  revoked  2026-11-23T12:01:00Z  -                     -");
        assertThat(text(err)).contains("tollgate: 2 keys in container tollgate-keys");
        assertThat(keys(NOON, "revoke", "key_nobody")).isEqualTo(1);
        assertThat(text(err)).contains("tollgate: no key key_nobody in container tollgate-keys");
    }

    @Test
    void eachPlatformsOptions_goOnlyWithIt() throws Exception {
        assertUsageError("--platform gcp: expected aws or azure", "keys", "list", "--platform", "gcp");
        assertUsageError("--table is for --platform aws", "keys", "list", "--platform", "azure", "--table", "t");
        assertUsageError("--cosmos-endpoint is for --platform azure", "keys", "list", "--cosmos-endpoint", emulator.endpoint());
        assertUsageError("--aws is for --platform aws", "keys", "list", "--platform", "azure", "--aws");
        assertUsageError("--cosmos-endpoint http://acme.documents.azure.com: expected https://ACCOUNT.documents.azure.com:443/"
                + " or the local emulator's http://127.0.0.1:PORT",
                "keys", "list", "--platform", "azure", "--cosmos-endpoint", "http://acme.documents.azure.com");
    }

    @Test
    void anEmulatorThatIsNotRunning_isSaidSo() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        int status = run(NOON, "keys", "list", "--platform", "azure", "--cosmos-endpoint", "http://127.0.0.1:" + closed);

        assertThat(status).isEqualTo(1);
        assertThat(text(err)).contains("the Cosmos DB emulator at http://127.0.0.1:" + closed + " cannot be reached"
                + " (is ./tollgate local --platform azure running?");
    }

    private int keys(Instant now, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("keys"));
        all.addAll(List.of(args));
        all.addAll(List.of("--platform", "azure", "--cosmos-endpoint", emulator.endpoint(), "--database", DATABASE));
        return run(now, all.toArray(String[]::new));
    }

    private int run(Instant now, String... args) throws Exception {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Clock.fixed(now, ZoneOffset.UTC));
    }

    private void assertUsageError(String message, String... args) throws Exception {
        assertThat(run(NOON, args)).as(String.join(" ", args)).isEqualTo(2);
        assertThat(text(err)).startsWith("tollgate: " + message + "\n");
    }

    private static String idIn(String text) {
        Matcher id = Pattern.compile("key (key_[0-9a-f]{16})").matcher(text);
        assertThat(id.find()).as(text).isTrue();
        return id.group(1);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
