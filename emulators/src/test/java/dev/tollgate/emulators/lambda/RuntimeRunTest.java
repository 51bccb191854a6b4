package dev.tollgate.emulators.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link RuntimeRun}: a runtime process given each event in turn through a Runtime API of its own, then stopped. */
@Timeout(120)
class RuntimeRunTest {

    @TempDir
    Path dir;

    private static List<String> runtime(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EchoRuntime.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void eachEvent_isAnsweredInTurn_andTheRuntimeIsStoppedAfterTheLast() throws Exception {
        Path first = Files.writeString(dir.resolve("first.json"), "{\"n\":1}");
        Path second = Files.writeString(dir.resolve("second.json"), "{\"n\":2}");

        boolean done = RuntimeRun.run(dir.resolve("out"), List.of(first, second), runtime());

        assertThat(done).isTrue();
        assertThat(dir.resolve("out/0.json")).hasContent("{\"n\":1}");
        assertThat(dir.resolve("out/1.json")).hasContent("{\"n\":2}");
        assertThat(dir.resolve("out/runtime.log")).exists();
    }

    @Test
    void aRuntimeThatFailsItsInit_orExitsWithoutPolling_failsTheRun_atOnce() throws Exception {
        Path event = Files.writeString(dir.resolve("event.json"), "{}");

        long start = System.nanoTime();
        assertThat(RuntimeRun.run(dir.resolve("init-error"), List.of(event), runtime("fail-init"))).isFalse();
        assertThat(RuntimeRun.run(dir.resolve("exited"), List.of(event), List.of("sh", "-c", "exit 3"))).isFalse();

        assertThat(System.nanoTime() - start).isLessThan(RuntimeRun.TIMEOUT_SECONDS * 1_000_000_000L);
        assertThat(dir.resolve("init-error/0.json")).doesNotExist();
    }
}
