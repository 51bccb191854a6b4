package dev.tollgate.policy.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.Headers;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code traceparent}, {@code tracestate} and {@code X-Amzn-Trace-Id} on the way to a real backend. */
class TraceContextTest {

    private static final String CALLERS = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String XRAY = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    private static final String GENERATED = "00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]";

    private final TestBackend backend = new TestBackend();
    private final Gateway gateway = TestGateways.from(TestGateways.keyedDev("ordersBackend", backend.url()) + """
            routes:
              - {path: /orders, methods: [GET], backend: "${stageVariables.ordersBackend}"}
            """);

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void aCallersValidTraceparent_andItsTracestate_reachTheBackendUnchanged_withTheAmazonTraceId() {
        TestBackend.Received received = call("traceparent", CALLERS, "tracestate", "congo=t61rcWkgMzE", "x-amzn-trace-id", XRAY);

        assertThat(received.header("traceparent")).isEqualTo(CALLERS);
        assertThat(received.header("tracestate")).isEqualTo("congo=t61rcWkgMzE");
        assertThat(received.header("x-amzn-trace-id")).isEqualTo(XRAY);
    }

    @Test
    void withoutATraceparent_theBackendGetsOne_withTheXRayTraceId_andItsSampledFlag() {
        TestBackend.Received received = call("x-amzn-trace-id", XRAY);

        assertThat(received.header("traceparent")).matches("00-5759e988bd862e3fe1be46a994272793-[0-9a-f]{16}-01");
        assertThat(received.header("x-amzn-trace-id")).isEqualTo(XRAY);
    }

    @Test
    void withNoTraceAtAll_theBackendGetsANewUnsampledTraceparent_andNoAmazonTraceId() {
        TestBackend.Received first = call();
        TestBackend.Received second = call();

        assertThat(first.header("traceparent")).matches(GENERATED).endsWith("-00");
        assertThat(second.header("traceparent")).matches(GENERATED).isNotEqualTo(first.header("traceparent"));
        assertThat(first.header("tracestate")).isNull();
        assertThat(first.header("x-amzn-trace-id")).isNull();
    }

    @Test
    void anInvalidTraceparent_isReplaced_andItsTracestateDropped() {
        for (String invalid : new String[] {
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // zero trace id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // zero parent id
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 has four fields
                "not a traceparent"}) {
            TestBackend.Received received = call("traceparent", invalid, "tracestate", "congo=t61rcWkgMzE");

            assertThat(received.header("traceparent")).as(invalid).matches(GENERATED).doesNotContain("4bf92f3577b34da6");
            assertThat(received.header("tracestate")).as(invalid).isNull();
            backend.received().clear();
        }
    }

    @Test
    void aLaterVersion_withMoreFields_isPassedOn() {
        String later = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future";

        assertThat(call("traceparent", later).header("traceparent")).isEqualTo(later);
    }

    @Test
    void theXRayRoot_isTheW3cTraceId() {
        assertThat(TraceContext.xrayTraceId("Root=1-5759E988-BD862E3FE1BE46A994272793")).contains("5759e988bd862e3fe1be46a994272793");
        assertThat(TraceContext.xrayTraceId("Self=1-67891234-12456789abcdef012345678;Root=1-5759e988-bd862e3fe1be46a994272793"))
                .contains("5759e988bd862e3fe1be46a994272793");
        assertThat(TraceContext.xrayTraceId("Root=1-5759e988-bd86")).isEmpty();
        assertThat(TraceContext.xrayTraceId("Parent=53995c3f42cd8ad8")).isEmpty();
    }

    private TestBackend.Received call(String... headers) {
        Headers.Builder builder = Headers.builder().set("x-api-key", "dev-secret-key");
        for (int i = 0; i < headers.length; i += 2) {
            builder.set(headers[i], headers[i + 1]);
        }
        int status = gateway.handle(new GatewayRequest("GET", "/orders", "", builder.build(), null, "192.0.2.1", "https", "dev",
                Map.of())).status();
        assertThat(status).isEqualTo(200);
        return backend.received().get(backend.received().size() - 1);
    }
}
