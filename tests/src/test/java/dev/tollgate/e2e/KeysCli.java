package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.local.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./tollgate keys ...} run in-process, the CLI's own code path, against a local runner's
 * DynamoDB Local and on the runner's clock, so that expiry and grace times agree with the gateway's.
 */
final class KeysCli {

    private static final Pattern NEW_ID = Pattern.compile("key (key_[0-9a-f]{16})");

    /** What one command printed; {@code out} of create and rotate is the new key. */
    record Result(int status, String out, String err) {
    }

    /** A key just made: the key, and the id it is known by. */
    record Made(String key, String id) {
    }

    private final LocalTollgate tollgate;
    private final Clock clock;
    private final List<Result> results = new ArrayList<>();

    KeysCli(LocalTollgate tollgate, Clock clock) {
        this.tollgate = tollgate;
        this.clock = clock;
    }

    Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", LocalTollgate.EXAMPLE.toString(),
                "--endpoint", "http://127.0.0.1:" + tollgate.runner().dynamoDbPort()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try {
            status = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), clock);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Result result = new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        results.add(result);
        return result;
    }

    /** {@code keys create --stage dev --plan developer --consumer CONSUMER [more]}, which must succeed. */
    Made create(String consumer, String... more) {
        List<String> args = new ArrayList<>(List.of("keys", "create", "--stage", "dev", "--plan", "developer", "--consumer", consumer));
        args.addAll(List.of(more));
        return made(run(args.toArray(String[]::new)));
    }

    /** {@code keys rotate ID [more]}, which must succeed. */
    Made rotate(String id, String... more) {
        List<String> args = new ArrayList<>(List.of("keys", "rotate", id));
        args.addAll(List.of(more));
        return made(run(args.toArray(String[]::new)));
    }

    /** {@code keys revoke ID}, which must succeed. */
    void revoke(String id) {
        assertThat(run("keys", "revoke", id).status()).isZero();
    }

    /** Every command run so far, in order. */
    List<Result> results() {
        return List.copyOf(results);
    }

    private static Made made(Result result) {
        assertThat(result.status()).as(result.err()).isZero();
        Matcher id = NEW_ID.matcher(result.err());
        assertThat(id.find()).as(result.err()).isTrue();
        return new Made(result.out().strip(), id.group(1));
    }
}
