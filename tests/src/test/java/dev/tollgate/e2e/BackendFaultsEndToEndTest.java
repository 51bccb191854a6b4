package dev.tollgate.e2e;

import static dev.tollgate.e2e.ExampleEndToEndTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestBackend;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A backend that refuses connections is 502, one that does not answer in time is 504; a GET is
 * retried and a POST is not; a circuit opens after repeated failures and closes once a probe
 * succeeds; binary bodies pass both ways untouched.
 */
class BackendFaultsEndToEndTest {

    private static TestBackend slow;
    private static TestBackend flaky;
    private static TestBackend recovering;
    private static TestBackend binary;
    private static MutableClock clock;
    private static LocalTollgate tollgate;

    @BeforeAll
    static void start() throws Exception {
        slow = new TestBackend().holdAnswers();
        flaky = new TestBackend();
        recovering = new TestBackend();
        binary = new TestBackend();
        clock = new MutableClock(LocalTollgate.midHour());
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        tollgate = LocalTollgate.start(Path.of("src", "test", "resources", "faults.yaml"), Map.of("dev", Map.of(
                "refusedBackend", "http://127.0.0.1:" + closedPort,
                "slowBackend", slow.url(),
                "flakyBackend", flaky.url(),
                "recoveringBackend", recovering.url(),
                "binaryBackend", binary.url())), false, clock);
    }

    @AfterAll
    static void stop() {
        tollgate.close();
        slow.close();
        flaky.close();
        recovering.close();
        binary.close();
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

    @Test
    void aGet_isRetriedPastAFailure_butAPost_isNot() {
        flaky.received().clear();
        flaky.failFirst(1, 503);
        assertThat(tollgate.get("/dev/flaky", "x-api-key", "faults-key").statusCode()).isEqualTo(200);
        assertThat(flaky.received()).hasSize(2);

        flaky.received().clear();
        flaky.failFirst(1, 503);
        HttpResponse<String> post = tollgate.send(HttpRequest.newBuilder(tollgate.uri("/dev/flaky"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")), "x-api-key", "faults-key", "content-type", "application/json");
        assertThat(post.statusCode()).isEqualTo(503);
        assertThat(flaky.received()).hasSize(1);
    }

    @Test
    void aCircuit_opensAfterRepeatedFailures_andAnswersWithoutCallingTheBackend() {
        assertThat(tollgate.get("/dev/broken", "x-api-key", "faults-key").statusCode()).isEqualTo(502);
        assertThat(tollgate.get("/dev/broken", "x-api-key", "faults-key").statusCode()).isEqualTo(502);

        HttpResponse<String> open = tollgate.get("/dev/broken", "x-api-key", "faults-key");

        // The gateway's clock stands still while its ticker runs: the 30 s count from the failure, milliseconds
        // into its request, and the seconds left are rounded up.
        String retryAfter = open.headers().firstValue("retry-after").orElseThrow();
        assertThat(retryAfter).isIn("30", "31");
        assertProblem(open, 503, "The circuit to the backend is open after repeated failures; try again in " + retryAfter + " s.");
    }

    @Test
    void aCircuit_thatOpened_letsAProbeThroughAfterOpenFor_andClosesWhenItSucceeds() {
        recovering.failFirst(2, 503);
        assertThat(tollgate.get("/dev/recovering", "x-api-key", "faults-key").statusCode()).isEqualTo(503);
        assertThat(tollgate.get("/dev/recovering", "x-api-key", "faults-key").statusCode()).isEqualTo(503);
        HttpResponse<String> open = tollgate.get("/dev/recovering", "x-api-key", "faults-key");
        assertThat(open.headers().firstValue("content-type")).contains("application/problem+json");
        assertThat(recovering.received()).hasSize(2);

        clock.advance(Duration.ofSeconds(31));

        assertThat(tollgate.get("/dev/recovering", "x-api-key", "faults-key").statusCode()).isEqualTo(200);
        assertThat(tollgate.get("/dev/recovering", "x-api-key", "faults-key").statusCode()).isEqualTo(200);
        assertThat(recovering.received()).hasSize(4);
    }

    @Test
    void binaryBodies_passBothWaysUntouched() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        binary.answer(200, "application/octet-stream", bytes);

        HttpResponse<byte[]> response = tollgate.sendBytes(HttpRequest.newBuilder(tollgate.uri("/dev/binary"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)), "x-api-key", "faults-key",
                "content-type", "application/octet-stream");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(bytes);
        assertThat(binary.received().get(0).body()).isEqualTo(bytes);
    }
}
