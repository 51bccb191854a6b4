package dev.tollgate.e2e;

import static dev.tollgate.e2e.ExampleEndToEndTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.TestBackend;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A backend that refuses connections is 502, one that does not answer in time is 504. */
class BackendFaultsEndToEndTest {

    private static TestBackend slow;
    private static LocalTollgate tollgate;

    @BeforeAll
    static void start() throws Exception {
        slow = new TestBackend().holdAnswers();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        tollgate = LocalTollgate.start(Path.of("src", "test", "resources", "faults.yaml"), Map.of("dev", Map.of(
                "refusedBackend", "http://127.0.0.1:" + closedPort,
                "slowBackend", slow.url())), false);
    }

    @AfterAll
    static void stop() {
        tollgate.close();
        slow.close();
    }

    @Test
    void aRefusedConnection_is502() {
        assertProblem(tollgate.get("/dev/refused", "x-api-key", "faults-key"), 502, "The backend could not be reached.");
    }

    @Test
    void noAnswerWithinTheRoutesTimeout_is504() {
        assertProblem(tollgate.get("/dev/slow", "x-api-key", "faults-key"), 504, "The backend did not answer within 300 ms.");
        assertThat(slow.received()).isNotEmpty();
    }
}
