package dev.tollgate.local;

import static dev.tollgate.aws.ForgedCalls.FORGED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.aws.ForgedCalls;
import dev.tollgate.aws.HttpApiHandler;
import dev.tollgate.observe.CredentialKind;
import dev.tollgate.observe.LogText;
import dev.tollgate.observe.Outcome;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.TestBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The lines {@code ./tollgate local} prints, one per request, for a person to read; a caller's forged text
 * stays on its line (the EMF log's side is LogForgingTest's).
 */
class LocalRequestLogTest {

    private static final Instant TIME = Instant.parse("2026-11-23T12:10:00.123Z");

    @Test
    void aServedRequest_showsItsPath_latencies_route_andWhoCalled() {
        assertThat(LocalRequestLog.line(new RequestObservation(TIME, "3f2a", "dev", "GET", "/orders/7", "127.0.0.1",
                Optional.of("GET /orders/{id}"), CredentialKind.API_KEY, Optional.of("demo-dev"), Optional.of("demo-dev"), 200,
                Optional.empty(), Set.of(), Duration.ofNanos(12_340_000), Optional.of(Duration.ofNanos(8_060_000)), 1,
                Optional.empty(), List.of(), "4bf92f3577b34da6a3ce929d0e0e4736")))
                .isEqualTo("12:10:00.123Z 200 GET /dev/orders/7  12.3 ms (backend 8.1 ms, 1 retry)  route GET /orders/{id}"
                        + "  demo-dev by api-key demo-dev  id 3f2a");
    }

    @Test
    void aRejectedToken_isShownAsNotAccepted() {
        assertThat(LocalRequestLog.line(new RequestObservation(TIME, "9c1b", "prod", "GET", "/orders", "127.0.0.1",
                Optional.of("GET /orders"), CredentialKind.JWT, Optional.empty(), Optional.empty(), 401,
                Optional.of("urn:tollgate:problem:unauthenticated"), Set.of(Outcome.AUTH_FAILURE), Duration.ofMillis(1),
                Optional.empty(), 0, Optional.empty(), List.of(), "4bf92f3577b34da6a3ce929d0e0e4736")))
                .isEqualTo("12:10:00.123Z 401 GET /prod/orders  1.0 ms  route GET /orders  jwt not accepted  auth-failure  id 9c1b");
    }

    @Test
    void anOpenCircuit_isShown_withTheChangeTheRequestMade() {
        assertThat(LocalRequestLog.line(new RequestObservation(TIME, "7d4e", "dev", "GET", "/orders", "127.0.0.1",
                Optional.of("GET /orders"), CredentialKind.JWT, Optional.of("jwt:local-demo"), Optional.of("local-demo:alice"), 502,
                Optional.of("urn:tollgate:problem:bad-gateway"), Set.of(Outcome.BACKEND_ERROR), Duration.ofMillis(3),
                Optional.of(Duration.ofMillis(2)), 0, Optional.of("open"), List.of("closed->open"),
                "4bf92f3577b34da6a3ce929d0e0e4736")))
                .isEqualTo("12:10:00.123Z 502 GET /dev/orders  3.0 ms (backend 2.0 ms)  route GET /orders"
                        + "  local-demo:alice by jwt jwt:local-demo  backend-error  circuit open (closed->open)  id 7d4e");
    }

    @Test
    void aForgedSubjectAndPath_stayOneLocalLogLine_escaped() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (TestBackend backend = new TestBackend()) {
            HttpApiHandler handler = new HttpApiHandler(ForgedCalls.gateway(ForgedCalls.config(backend.url()),
                    new InMemoryCounterStore(), new LocalRequestLog(lines::add)), Optional.empty());

            ForgedCalls.invoke(handler, "/dev/orders/7", ForgedCalls.token("user" + FORGED));
            ForgedCalls.invoke(handler, "/dev/orders/" + FORGED, null);
        }

        ForgedCalls.assertOneLineEach(lines, 2);
        assertThat(lines.get(0)).contains("idp:user" + LogText.escape(FORGED) + " by jwt jwt:idp");
        assertThat(lines.get(1)).contains(" GET /dev/orders/" + LogText.escape(FORGED) + "  ");
        assertThat(LogText.escape(FORGED)).contains("x\\n{\"_aws\"", "\\r\\n12:00", "\\u0085\\u2028\\u2029\\u001B[31m",
                "\\u007F\\u009B\\u202E\\t\\\\");
    }
}
