package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.RawHttpResponse;
import dev.tollgate.testing.TestBackend;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a caller writes into its headers, through {@code ./tollgate local} (the emulated API Gateway
 * around the real handler) to a real backend: no spelling of a managed header gets past, and no
 * byte is changed on the way.
 */
class CallerHeadersEndToEndTest {

    private static TestBackend backend;
    private static LocalTollgate tollgate;

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend();
        tollgate = LocalTollgate.start(Path.of("src", "test", "resources", "limits.yaml"),
                Map.of("dev", Map.of("ordersBackend", backend.url())), false);
    }

    @AfterAll
    static void stop() {
        if (tollgate != null) {
            tollgate.close();
        }
        backend.close();
    }

    @BeforeEach
    void forget() {
        backend.received().clear();
    }

    @Test
    void anIdentityUnderAnotherSpelling_neverReachesTheBackend() {
        RawHttpResponse response = tollgate.rawGet(InetAddress.getLoopbackAddress(), "/dev/orders",
                "x-api-key", "hourly-key", "x_tollgate_consumer", "mallory", "X_TOLLGATE_PLAN", "platinum",
                "x_forwarded_for", "203.0.113.9", "Forwarded", "for=203.0.113.9;host=evil.example");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        TestBackend.Received received = backend.received().get(0);
        assertThat(received.header("x-tollgate-consumer")).isEqualTo("hourly-caller");
        assertThat(received.header("x-tollgate-plan")).isEqualTo("hourly");
        assertThat(received.header("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(received.headers().keySet()).noneMatch(name -> name.contains("_")).doesNotContain("forwarded");
    }

    @Test
    void aHeaderValueWithAByteFrom0x80_is400_namingIt_andReachesNoBackend() {
        // rawGet writes ISO-8859-1: é is the single byte 0xE9 on the wire.
        RawHttpResponse response = tollgate.rawGet(InetAddress.getLoopbackAddress(), "/dev/orders",
                "x-api-key", "hourly-key", "x-customer-name", "Jos\u00e9");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("urn:tollgate:problem:bad-request", "The header x-customer-name cannot be forwarded");
        assertThat(backend.received()).isEmpty();
    }
}
