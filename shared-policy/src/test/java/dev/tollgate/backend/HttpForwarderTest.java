package dev.tollgate.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.PlatformLimits;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.observe.Outcome;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.policy.size.ResponseLimit;
import dev.tollgate.policy.route.RouteConfig;
import dev.tollgate.policy.route.RouteMatch;
import dev.tollgate.problem.BackendTimeoutException;
import dev.tollgate.problem.BackendUnavailableException;
import dev.tollgate.problem.ResponseTooLargeException;
import dev.tollgate.testing.Routes;
import dev.tollgate.testing.TestGateways;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TricklingBackend;
import dev.tollgate.testing.UnacceptingBackend;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpForwarderTest {

    private final HttpForwarder forwarder = new HttpForwarder();

    @Test
    void aGatewaysForwarder_makesItsClientsAtInit_onePerConnectTimeout() {
        HttpForwarder forwarder = new HttpForwarder();
        String yaml = TestGateways.oneRoute("connectTimeout: 2s") + """
                  - {path: /a, methods: [GET], backend: "http://127.0.0.1:9101", connectTimeout: 2s}
                  - {path: /b, methods: [GET], backend: "http://127.0.0.1:9101"}
                """;

        TestGateways.from(yaml, forwarder);

        assertThat(forwarder.clients()).as("2s and the default connect timeout, before any request").isEqualTo(2);
    }

    @Test
    void aRefusedConnection_isBadGateway() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> forward(forwarder, exchange("GET"), route("http://127.0.0.1:" + closedPort, Duration.ofSeconds(2))))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessage("The backend could not be reached.");
    }

    @Test
    void noAnswerWithinTheTimeout_isGatewayTimeout() {
        try (TestBackend slow = new TestBackend().holdAnswers()) {
            assertThatThrownBy(() -> forward(forwarder, exchange("GET"), route(slow.url(), Duration.ofMillis(200))))
                    .isInstanceOf(BackendTimeoutException.class)
                    .hasMessage("The backend did not answer within 200 ms.");
        }
    }

    @Test
    void aTry_lastsNoLongerThanThePlatformsLongestWait_whateverTheRoutesTimeout() {
        HttpForwarder forwarder = new HttpForwarder(BackendResolver.NONE, new PlatformLimits(Duration.ofSeconds(1), 1024 * 1024));
        try (TestBackend slow = new TestBackend().holdAnswers()) {
            // A ticker that stands still: the whole platform's wait is left when the try starts.
            Exchange exchange = new Exchange(exchange("GET").request(), Instant.EPOCH, () -> 0L, ResponseLimit.NONE);
            exchange.requestId("r-1");
            RouteConfig route = route(slow.url(), Duration.ofSeconds(10));

            assertThatThrownBy(() -> forward(forwarder, exchange, route))
                    .isInstanceOf(BackendTimeoutException.class)
                    .hasMessage("The backend did not answer within 1 s.");
        }
    }

    @Test
    void aBodyTrickledPastTheTimeout_isGatewayTimeout_whenTheTimeoutEnds() throws Exception {
        try (TricklingBackend trickling = new TricklingBackend()) {
            long started = System.nanoTime();

            assertThatThrownBy(() -> forward(forwarder, exchange("GET"), route(trickling.url(), Duration.ofMillis(300))))
                    .isInstanceOf(BackendTimeoutException.class)
                    .hasMessage("The backend did not answer within 300 ms.");
            // Not a speed check: the body would take 10 s.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void anAnswerLargerThanTheGatewayReads_is502_responseTooLarge() {
        try (TestBackend large = new TestBackend().answer(200, "application/octet-stream", new byte[11 * 1024 * 1024])) {
            Exchange exchange = exchange("GET");

            assertThatThrownBy(() -> forward(forwarder, exchange, route(large.url(), Duration.ofSeconds(10))))
                    .isInstanceOfSatisfying(ResponseTooLargeException.class, e -> {
                        assertThat(e.status()).isEqualTo(502);
                        assertThat(e.type()).isEqualTo("urn:tollgate:problem:response-too-large");
                    })
                    .hasMessage("The backend's answer is larger than 10 MB, more than the gateway reads.");
            assertThat(exchange.observed().outcomes()).containsExactlyInAnyOrder(Outcome.BACKEND_ERROR, Outcome.RESPONSE_TOO_LARGE);
        }
    }

    @Test
    void anAnswerAboveLambdasLimit_butWithinWhatTheGatewayReads_isHandedBack_forTheSizePolicyToJudge() {
        try (TestBackend large = new TestBackend().answer(200, "application/octet-stream", new byte[7 * 1024 * 1024])) {
            GatewayResponse response = forward(forwarder, exchange("GET"), route(large.url(), Duration.ofSeconds(10)));

            assertThat(response.body()).hasSize(7 * 1024 * 1024);
        }
    }

    @Test
    void aBackendThatAcceptsNoConnection_withinTheConnectTimeout_isGatewayTimeout_namingTheConnection() {
        try (UnacceptingBackend full = new UnacceptingBackend()) {
            RouteConfig route = route(full.url(), Duration.ofSeconds(10), Duration.ofMillis(300));
            long started = System.nanoTime();

            assertThatThrownBy(() -> forward(forwarder, exchange("GET"), route))
                    .isInstanceOf(BackendTimeoutException.class)
                    .hasMessage("The backend did not accept a connection within 300 ms.");
            // Not a speed check: it tells the connect timeout (300 ms) from the request's (10 s) that would also end it.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void hopByHopHeaders_stayBehind_bothWays() {
        try (TestBackend backend = new TestBackend()) {
            GatewayResponse response = forward(forwarder, exchange("GET"), route(backend.url() + "/base/", Duration.ofSeconds(5)));

            TestBackend.Received received = backend.received().get(0);
            assertThat(received.pathAndQuery()).isEqualTo("/base/orders?a=1&b=2");
            assertThat(received.header("proxy-authorization")).isNull();
            assertThat(received.header("te")).isNull();
            assertThat(received.header("x-custom")).isEqualTo("kept");
            assertThat(response.headers().contains("connection")).isFalse();
            assertThat(response.headers().first("x-backend")).contains("test");
        }
    }

    @Test
    void headersAConnectionHeaderNames_stayBehind_bothWays() {
        try (TestBackend backend = new TestBackend()
                .answerHeader("connection", "x-backend-hop").answerHeader("x-backend-hop", "1")) {
            Exchange exchange = new Exchange(new GatewayRequest("GET", "/orders", "", Headers.builder()
                    .set("Connection", "keep-alive, X-Caller-Hop").set("x-caller-hop", "1").set("x-custom", "kept").build(),
                    null, "192.0.2.1", "https", "dev", Map.of()), Instant.EPOCH);
            exchange.requestId("r-2");
            RouteConfig route = route(backend.url(), Duration.ofSeconds(5));

            GatewayResponse response = forward(forwarder, exchange, route);

            TestBackend.Received received = backend.received().get(0);
            assertThat(received.header("x-caller-hop")).isNull();
            assertThat(received.header("x-custom")).isEqualTo("kept");
            assertThat(response.headers().contains("x-backend-hop")).isFalse();
            assertThat(response.headers().first("x-backend")).contains("test");
        }
    }

    @Test
    void aMissingStageVariable_isBadGateway_namingIt() {
        RouteConfig route = Routes.route("/orders").methods("GET").backend("${stageVariables.nowhere}")
                .timeout(Duration.ofSeconds(1)).build();

        assertThatThrownBy(() -> forward(forwarder, exchange("GET"), route))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessage("Stage dev has no usable backend for ${stageVariables.nowhere}; set the stage variable to an http(s) URL or ecs://CLUSTER/SERVICE[:PORT].");
    }

    private static RouteConfig route(String backend, Duration timeout) {
        return route(backend, timeout, timeout);
    }

    private static RouteConfig route(String backend, Duration timeout, Duration connectTimeout) {
        return Routes.route("/orders").methods("GET").backend(backend).timeout(timeout).connectTimeout(connectTimeout).build();
    }

    private static Exchange exchange(String method) {
        Exchange exchange = new Exchange(new GatewayRequest(method, "/orders", "a=1&b=2",
                Headers.builder().set("proxy-authorization", "secret").set("te", "trailers").set("x-custom", "kept").build(),
                null, "192.0.2.1", "https", "dev", Map.of()), Instant.EPOCH);
        exchange.requestId("r-1");
        return exchange;
    }

    /** Forwards {@code exchange} as the pipeline does once it matched {@code route}. */
    private static GatewayResponse forward(HttpForwarder forwarder, Exchange exchange, RouteConfig route) {
        RouteMatch.Configured match = new RouteMatch.Configured("GET /orders", route, Map.of());
        exchange.route(match);
        return forwarder.forward(exchange, match);
    }
}
