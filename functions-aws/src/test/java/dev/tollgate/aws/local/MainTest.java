package dev.tollgate.aws.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void validate_acceptsTheExample() throws Exception {
        int status = run("validate", Path.of("..", "examples", "tollgate.yaml").toString());

        assertThat(status).isZero();
        assertThat(text(out)).contains("tollgate.yaml: valid");
    }

    @Test
    void validate_namesEveryProblem_andExitsNonZero() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                stages:
                  dev: {variables: {ordersBackend: "http://127.0.0.1:1"}}
                plans:
                  p: {quota: {limit: 0, period: day}}
                routes:
                  - path: /orders
                    methods: [GET]
                    backend: ${stageVariables.paymentsBackend}
                """);

        int status = run("validate", file.toString());

        assertThat(status).isEqualTo(1);
        assertThat(text(err).lines()).containsExactly(
                "bad.yaml:4: plans.p.quota.limit: 0 (expected: a whole number > 0)",
                "bad.yaml:8: routes[0].backend: ${stageVariables.paymentsBackend} (expected: a variable every stage"
                        + " defines; stage dev does not define paymentsBackend)",
                file + ": 2 problems");
    }

    @Test
    void unknownCommandsAndOptions_areUsageErrors() throws Exception {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(text(err)).contains("tollgate: unknown command frobnicate").contains("usage:");
        assertThat(run("local", "--port", "http")).isEqualTo(2);
        assertThat(text(err)).contains("--port http: expected a port from 0 to 65535");
        assertThat(run("local", "--stage-var", "novalue")).isEqualTo(2);
        assertThat(run("local", "--config", dir.resolve("missing.yaml").toString())).isEqualTo(2);
        assertThat(text(err)).contains("missing.yaml: no such file");
    }

    @Test
    void theServiceName_comesFromTheVariable() {
        assertThat(LocalRunner.serviceName("ordersBackend")).isEqualTo("orders");
        assertThat(LocalRunner.serviceName("billing")).isEqualTo("billing");
    }

    private int run(String... args) throws Exception {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
