package dev.tollgate.emulators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CosmosEmulatorTest {

    @Test
    void start_answersOnLoopback_andClose_freesItsPort() throws IOException {
        long started = System.nanoTime();
        int port;
        ProcessHandle node;
        try (CosmosEmulator emulator = CosmosEmulator.start()) {
            System.out.printf("Cosmos DB emulator started in %d ms%n", (System.nanoTime() - started) / 1_000_000);
            port = emulator.port();
            assertThat(emulator.endpoint()).isEqualTo("http://127.0.0.1:" + port);
            assertThat(emulator.answer()).contains(200);
            assertThat(Base64.getDecoder().decode(emulator.key())).hasSize(64); // an SDK signs with it
            node = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().orElse("").contains("-p " + port + " --host 127.0.0.1"))
                    .findFirst().orElseThrow();
        }
        assertThat(node.isAlive()).isFalse();
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void start_onAGivenPort_listensThere_andATakenPortIsNamed() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> CosmosEmulator.start(taken.getLocalPort()))
                    .hasMessage("port " + taken.getLocalPort() + " on 127.0.0.1 is taken: the Cosmos DB emulator cannot"
                            + " listen there");
        }
        int free;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = socket.getLocalPort();
        }
        try (CosmosEmulator emulator = CosmosEmulator.start(free)) {
            assertThat(emulator.endpoint()).isEqualTo("http://127.0.0.1:" + free);
            assertThat(emulator.answer()).contains(200);
        }
    }

    @Test
    void repositoryRoot_isTheFolderWithPackageJsonAndPom_aboveTheWorkingDirectory() {
        Path root = CosmosEmulator.repositoryRoot();

        assertThat(root.resolve("package.json")).isRegularFile();
        assertThat(root.resolve("pom.xml")).isRegularFile();
        assertThat(root.resolve("emulators")).isDirectory();
    }

    @Test
    void repositoryRoot_fromTheHomeProperty_mustHoldPackageJson(@TempDir Path empty) throws IOException {
        String before = System.getProperty(CosmosEmulator.HOME_PROPERTY);
        System.setProperty(CosmosEmulator.HOME_PROPERTY, empty.toString());
        try {
            assertThatThrownBy(CosmosEmulator::repositoryRoot)
                    .hasMessage("tollgate.home=" + empty + ": no package.json there (expected: the Tollgate repository's"
                            + " folder, which pins the Cosmos DB emulator)");
            Files.writeString(empty.resolve("package.json"), "{}");
            assertThat(CosmosEmulator.repositoryRoot()).isEqualTo(empty.toAbsolutePath());
        } finally {
            if (before == null) {
                System.clearProperty(CosmosEmulator.HOME_PROPERTY);
            } else {
                System.setProperty(CosmosEmulator.HOME_PROPERTY, before);
            }
        }
    }
}
