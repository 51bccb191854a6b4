package dev.tollgate.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.Headers;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.problem.BackendUnavailableException;
import dev.tollgate.problem.BadRequestException;
import java.net.http.HttpHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {

    @Test
    void theHopByHopList_isPartOfTheHeadersNoRuleMayName() {
        assertThat(HeaderRules.MANAGED).containsAll(ForwardedHeaders.HOP_BY_HOP);
        ForwardedHeaders.HOP_BY_HOP.forEach(name -> assertThat(HeaderRules.managed(name)).as(name).isTrue());
    }

    @Test
    void toBackend_leavesHopByHop_nominated_credentialAndManagedHeadersBehind() {
        Headers.Builder caller = Headers.builder()
                .set("Connection", "keep-alive, X-Caller-Hop").set("x-caller-hop", "1")
                .set("proxy-authorization", "secret").set("x-api-key", "key").set("x_forwarded_for", "10.0.0.1")
                .set("x-tollgate-plan", "gold").set("forwarded", "for=10.0.0.1").set("x-custom", "kept");
        ForwardedHeaders.HOP_BY_HOP.forEach(name -> caller.add(name, "1"));

        Headers sent = ForwardedHeaders.toBackend(exchange(caller.build(), "192.0.2.1"), HeaderRules.NONE);

        assertThat(sent.names()).containsExactlyInAnyOrder("x-custom", "x-forwarded-for", "x-forwarded-proto",
                "x-real-ip", "x-request-id", "traceparent");
        assertThat(sent.first("x-custom")).contains("kept");
    }

    @Test
    void toBackend_appendsTheSourceAddress_toXForwardedFor_unlessItIsTheLastElementAlready() {
        Headers caller = Headers.builder().add("x-forwarded-for", "198.51.100.7, ").add("x-forwarded-for", "192.0.2.1").build();

        assertThat(ForwardedHeaders.toBackend(exchange(caller, "192.0.2.1"), HeaderRules.NONE).first("x-forwarded-for"))
                .contains("198.51.100.7, 192.0.2.1");
        assertThat(ForwardedHeaders.toBackend(exchange(caller, "203.0.113.9"), HeaderRules.NONE).first("x-forwarded-for"))
                .contains("198.51.100.7, 192.0.2.1, 203.0.113.9");
    }

    @Test
    void toBackend_setsXRealIp_toTheSourceAddress_andLeavesTheCallersClientAddressHeadersBehind() {
        Headers.Builder caller = Headers.builder().set("X-Real-IP", "6.6.6.6").set("x-custom", "kept");
        ForwardedHeaders.CLIENT_ADDRESS.forEach(name -> caller.set(name, "6.6.6.6"));

        Headers sent = ForwardedHeaders.toBackend(exchange(caller.build(), " 192.0.2.1 "), HeaderRules.NONE);

        assertThat(sent.all("x-real-ip")).containsExactly("192.0.2.1");
        assertThat(sent.names()).doesNotContainAnyElementsOf(ForwardedHeaders.CLIENT_ADDRESS).contains("x-custom");
        assertThat(ForwardedHeaders.toBackend(exchange(caller.build(), ""), HeaderRules.NONE).contains("x-real-ip"))
                .as("no address seen, no X-Real-IP").isFalse();
    }

    @Test
    void toBackend_appliesTheRoutesRules_beforeSettingTheGatewaysOwn() {
        HeaderRules rules = new HeaderRules(Map.of("x-set", "1"), Map.of("x-custom", "added"), List.of("x-gone"));
        Headers caller = Headers.builder().set("x-custom", "kept").set("x-gone", "1").build();

        Headers sent = ForwardedHeaders.toBackend(exchange(caller, "192.0.2.1"), rules);

        assertThat(sent.all("x-custom")).containsExactly("kept", "added");
        assertThat(sent.first("x-set")).contains("1");
        assertThat(sent.contains("x-gone")).isFalse();
        assertThat(sent.first("x-request-id")).contains("r-1");
    }

    @Test
    void fromBackend_leavesHopByHop_nominatedAndLengthHeadersBehind() {
        HttpHeaders received = HttpHeaders.of(Map.of(
                "connection", List.of("x-backend-hop"), "x-backend-hop", List.of("1"), "transfer-encoding", List.of("chunked"),
                "content-length", List.of("2"), "keep-alive", List.of("timeout=5"), "x-backend", List.of("test")), (name, value) -> true);

        Headers returned = ForwardedHeaders.fromBackend(received);

        assertThat(returned.names()).containsExactly("x-backend");
    }

    @Test
    void fromBackend_aValueBeyondVisibleAscii_isTheBackends502() {
        HttpHeaders received = HttpHeaders.of(Map.of("X-Name", List.of("caf\u00e9")), (name, value) -> true);

        assertThatThrownBy(() -> ForwardedHeaders.fromBackend(received))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessage("The backend's header x-name holds more than visible ASCII, spaces and tabs (a control character,"
                        + " or a character or byte from 0x80), which the gateway does not pass on changed.");
    }

    @Test
    void passable_aValueBeyondVisibleAscii_isTheCallers400_andTabsAndSpacesPass() {
        assertThat(ForwardedHeaders.passable("x-a", "a b\tc~")).isEqualTo("a b\tc~");
        assertThatThrownBy(() -> ForwardedHeaders.passable("X-A", "line\nbreak"))
                .isInstanceOf(BadRequestException.class)
                .hasMessage("The header x-a cannot be forwarded: its value holds more than visible ASCII, spaces and tabs"
                        + " (a control character, or a character or byte from 0x80), which the gateway does not pass on changed.");
    }

    @Test
    void headerSafe_percentEncodesAnyValueBeyondVisibleAscii_orHoldingPercent() {
        assertThat(ForwardedHeaders.headerSafe("alice")).isEqualTo("alice");
        assertThat(ForwardedHeaders.headerSafe("Zoë Smith")).isEqualTo("Zo%C3%AB%20Smith");
        assertThat(ForwardedHeaders.headerSafe("100%")).isEqualTo("100%25");
    }

    private static Exchange exchange(Headers headers, String sourceIp) {
        Exchange exchange = new Exchange(new GatewayRequest("GET", "/orders", "", headers, null, sourceIp, "https", "dev",
                Map.of()), Instant.EPOCH);
        exchange.requestId("r-1");
        return exchange;
    }
}
