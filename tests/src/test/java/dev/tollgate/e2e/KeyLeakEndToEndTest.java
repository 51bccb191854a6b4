package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.aws.AwsGateway;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import dev.tollgate.policy.auth.apikey.CachingKeyStore;
import dev.tollgate.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A whole run of keys through the local runner, with everything it writes captured: the process's
 * stdout and stderr, every log record (with its stack trace), and what the {@code keys} command
 * printed, except the one line where create and rotate show a new key. None of it may hold a key
 * the run made, nor a key's SHA-256. The run takes the paths that write: requests with good,
 * revoked, expired and unknown keys, and a failing keys table, which is logged with its exception.
 */
class KeyLeakEndToEndTest {

    @Test
    void noKeyAndNoKeyHash_appearsInAnyOutputOrLog_ofARun() throws Exception {
        Capture capture = Capture.start();
        List<String> secrets = new ArrayList<>();
        List<String> cliOutput = new ArrayList<>();
        try {
            MutableClock clock = new MutableClock(LocalTollgate.midHour());
            try (LocalTollgate tollgate = LocalTollgate.start(LocalTollgate.EXAMPLE,
                    Map.of("dev", Map.of("ordersBackend", "http://127.0.0.1:0"),
                            "prod", Map.of("ordersBackend", "http://127.0.0.1:0")), true, clock)) {
                KeysCli keys = new KeysCli(tollgate, clock);
                KeysCli.Made used = keys.create("leak-used");
                KeysCli.Made revoked = keys.create("leak-revoked");
                KeysCli.Made expiring = keys.create("leak-expiring", "--expires", "1m");
                KeysCli.Made rotated = keys.create("leak-rotated");
                for (KeysCli.Made made : List.of(used, revoked, expiring, rotated)) {
                    assertThat(tollgate.get("/dev/orders", "x-api-key", made.key()).statusCode()).isEqualTo(200);
                }
                assertThat(tollgate.get("/prod/orders", "x-api-key", used.key()).statusCode()).isEqualTo(403);
                assertThat(tollgate.get("/dev/_tollgate/usage", "x-api-key", used.key()).statusCode()).isEqualTo(200);
                keys.revoke(revoked.id());
                KeysCli.Made replacement = keys.rotate(rotated.id(), "--grace", "0s");
                assertThat(keys.run("keys", "list").status()).isZero();
                assertThat(keys.run("keys", "rotate", revoked.id()).status()).isEqualTo(1);
                clock.advance(CachingKeyStore.DEFAULT_TTL.plus(Duration.ofSeconds(1)));
                assertThat(tollgate.get("/dev/orders", "x-api-key", revoked.key()).statusCode()).isEqualTo(401);
                assertThat(tollgate.get("/dev/orders", "x-api-key", expiring.key()).statusCode()).isEqualTo(401);
                assertThat(tollgate.get("/dev/orders", "x-api-key", rotated.key()).statusCode()).isEqualTo(401);
                assertThat(tollgate.get("/dev/orders", "x-api-key", replacement.key()).statusCode()).isEqualTo(200);
                assertThat(tollgate.get("/dev/orders", "x-api-key", "tg_made-up").statusCode()).isEqualTo(401);

                deleteTheKeysTable(tollgate);
                clock.advance(CachingKeyStore.DEFAULT_TTL);
                assertThat(tollgate.get("/dev/orders", "x-api-key", used.key()).statusCode()).isEqualTo(503);
                assertThat(keys.run("keys", "list").status()).isEqualTo(1);

                for (KeysCli.Made made : List.of(used, revoked, expiring, rotated, replacement)) {
                    secrets.add(made.key());
                    secrets.add(ApiKeyHash.sha256Hex(made.key()));
                }
                for (KeysCli.Result result : keys.results()) {
                    boolean showsANewKey = result.status() == 0 && result.out().startsWith("tg_");
                    cliOutput.add((showsANewKey ? "" : result.out()) + result.err());
                }
            }
        } finally {
            capture.stop();
        }

        String captured = capture.text();
        // The capture saw the run: the failing table was logged, with its exception, and the CLI named its keys.
        assertThat(captured).contains("key store failed for request").contains("ResourceNotFoundException");
        assertThat(String.join("\n", cliOutput)).contains("leak-used").contains("key_");
        for (String secret : secrets) {
            assertThat(captured).as("stdout, stderr and logs").doesNotContain(secret);
            assertThat(cliOutput).as("the keys command's output").noneMatch(output -> output.contains(secret));
        }
    }

    private static void deleteTheKeysTable(LocalTollgate tollgate) {
        try (DynamoDbClient dynamo = tollgate.dynamoDb()) {
            dynamo.deleteTable(delete -> delete.tableName(AwsGateway.DEFAULT_KEYS_TABLE));
        }
    }

    /** This JVM's stdout, stderr and log records, copied while they still go where they went. */
    private static final class Capture {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final PrintStream originalOut = System.out;
        private final PrintStream originalErr = System.err;
        private final Logger root = Logger.getLogger("");
        /** The gateway's own loggers log everything here, down to FINEST; others as configured (INFO). */
        private final Logger gateway = Logger.getLogger("dev.tollgate");
        private final Level originalLevel = gateway.getLevel();
        private final Handler handler = new Handler() {
            private final SimpleFormatter format = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                synchronized (bytes) {
                    bytes.writeBytes(format.format(record).getBytes(StandardCharsets.UTF_8));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };

        static Capture start() {
            Capture capture = new Capture();
            System.setOut(new PrintStream(capture.tee(capture.originalOut), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capture.tee(capture.originalErr), true, StandardCharsets.UTF_8));
            capture.handler.setLevel(Level.ALL);
            capture.gateway.setLevel(Level.ALL);
            capture.root.addHandler(capture.handler);
            return capture;
        }

        private OutputStream tee(PrintStream original) {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    original.write(b);
                    synchronized (bytes) {
                        bytes.write(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    original.write(b, off, len);
                    synchronized (bytes) {
                        bytes.write(b, off, len);
                    }
                }
            };
        }

        void stop() {
            root.removeHandler(handler);
            gateway.setLevel(originalLevel);
            System.setOut(originalOut);
            System.setErr(originalErr);
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
