package dev.tollgate.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The headers the gateway sets or vouches for reach a real backend only as the gateway wrote them,
 * whatever spelling a caller sends (a CGI, WSGI, PHP or Rack backend reads {@code x_tollgate_consumer}
 * as {@code x-tollgate-consumer}), and the list-valued ones hold no empty element.
 */
class ManagedHeadersTest {

    /** A keyed route and a public one to the backend {@code b}; WsgiBackendTest sends to a WSGI server by it too. */
    static final String CONFIG = """
            stages:
              dev: {variables: {b: "%s"}}
            plans:
              gold: {quota: {limit: 100, period: day}}
            apiKeys:
              - {id: k, value: dev-secret-key, consumer: alice, stage: dev, plan: gold}
            routes:
              - {path: /keyed, methods: [GET], backend: "${stageVariables.b}"}
              - {path: /open, methods: [GET], backend: "${stageVariables.b}", public: true}
            """;

    /** Every header the gateway sets or vouches for on the way to the backend, or takes from the caller. */
    static final List<String> MANAGED = List.of(
            "x-tollgate-consumer", "x-tollgate-plan", "x-tollgate-subject", "x-tollgate-scopes", "x-tollgate-anything",
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded", "x-request-id",
            "traceparent", "tracestate", "x-amzn-trace-id", "x-api-key", "x-real-ip", "true-client-ip", "x-client-ip",
            "client-ip", "x-cluster-client-ip", "cf-connecting-ip", "fastly-client-ip", "x-forwarded");
    /** Managed headers whose caller's value, sent under their own name, the gateway keeps (or keeps in front of its own). */
    static final List<String> CALLERS_KEPT = List.of("x-request-id", "x-amzn-trace-id", "x-forwarded-for");

    private final TestBackend backend = new TestBackend();
    private final Gateway gateway = TestGateways.from(CONFIG.formatted(backend.url()));

    @AfterEach
    void tearDown() {
        backend.close();
    }

    /** The managed names under the spellings a caller may use: underscores, other cases, both, and a mix of - and _. */
    static Stream<String> spellings() {
        return MANAGED.stream().flatMap(name -> Stream.of(
                        name.replace('-', '_'),
                        name.toUpperCase(Locale.ROOT),
                        name.replace('-', '_').toUpperCase(Locale.ROOT),
                        mixed(name)))
                .distinct();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spellings")
    void aManagedHeaderUnderAnySpelling_reachesTheBackendOnlyAsTheGatewayWroteIt(String spelling) {
        for (String path : List.of("/keyed", "/open")) {
            backend.received().clear();
            GatewayResponse response = gateway.handle(request(path, "192.0.2.10", Headers.builder()
                    .add(spelling, "forged")
                    .set("x-custom", "kept")));

            assertThat(response.status()).isEqualTo(200);
            TestBackend.Received received = backend.received().get(0);
            assertThat(received.header("x-custom")).as("an ordinary header passes").isEqualTo("kept");
            received.headers().forEach((name, values) -> {
                String read = name.replace('_', '-');
                if (MANAGED.contains(read) || read.startsWith("x-tollgate-")) {
                    assertThat(name).as("%s via %s: the backend got %s", spelling, path, name).doesNotContain("_");
                    if (spelling.contains("_") || !CALLERS_KEPT.contains(read)) {
                        assertThat(values).as("%s via %s: the backend's %s", spelling, path, name).doesNotContain("forged");
                    }
                }
            });
        }
    }

    @Test
    void onAKeyedRoute_theIdentityIsTheGatewaysAlone_andOnAPublicRouteThereIsNone() {
        Headers.Builder forged = Headers.builder().add("x_tollgate_consumer", "mallory").add("X_Tollgate_Plan", "platinum")
                .add("x-tollgate_scopes", "admin");

        gateway.handle(request("/keyed", "192.0.2.10", forged));
        gateway.handle(request("/open", "192.0.2.10", forged));

        assertThat(identity(backend.received().get(0))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "x-tollgate-consumer", List.of("alice"), "x-tollgate-plan", List.of("gold")));
        assertThat(identity(backend.received().get(1))).isEmpty();
    }

    @Test
    void aHeaderNameThatIsNoToken_isTheCallers400_notA500_andReachesNoBackend() throws Exception {
        for (String name : List.of(" x-tollgate-consumer", "x-tollgate-consumer ", "x tollgate", "x-a\u0000b")) {
            GatewayResponse response = gateway.handle(request("/open", "192.0.2.10", Headers.builder().set(name, "admin")));

            assertThat(response.status()).as("status for %s", name).isEqualTo(400);
            assertThat(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)).as("problem for %s", name)
                    .contains("cannot be forwarded: a field name is a token (RFC 9110 5.1)");
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aCallersXForwardedPortPrefixOrScheme_staysBehind_asTheGatewayWritesOnlyItsOwnXForwarded() {
        gateway.handle(request("/open", "192.0.2.10", Headers.builder().set("x-forwarded-port", "8443")
                .set("X-Forwarded-Prefix", "/evil").set("x-forwarded-scheme", "http").set("x-forwarded-ssl", "off")));

        assertThat(backend.received().get(0).headers()).doesNotContainKeys("x-forwarded-port", "x-forwarded-prefix",
                "x-forwarded-scheme", "x-forwarded-ssl").containsKeys("x-forwarded-for", "x-forwarded-proto");
    }

    @Test
    void headersWithAnUnderscore_areNotForwarded_asNginxDoesByDefault() {
        gateway.handle(request("/open", "192.0.2.10", Headers.builder().set("x_tenant", "acme").set("x-tenant", "acme")));

        assertThat(backend.received().get(0).headers()).containsKey("x-tenant").doesNotContainKey("x_tenant");
    }

    @Test
    void xForwardedFor_withoutASourceAddress_holdsNoEmptyElement_norIsItEmpty() {
        gateway.handle(request("/open", "", Headers.builder().set("x-forwarded-for", "198.51.100.1, 198.51.100.2")));
        gateway.handle(request("/open", "", Headers.builder()));
        gateway.handle(request("/open", "  ", Headers.builder().set("x-forwarded-for", "198.51.100.1")));

        assertThat(backend.received().get(0).header("x-forwarded-for")).isEqualTo("198.51.100.1, 198.51.100.2");
        assertThat(backend.received().get(1).headers()).doesNotContainKey("x-forwarded-for");
        assertThat(backend.received().get(2).header("x-forwarded-for")).isEqualTo("198.51.100.1");
    }

    @Test
    void xForwardedFor_fromABlankOrGappyCallersList_holdsNoEmptyElement() {
        gateway.handle(request("/open", "192.0.2.10", Headers.builder().set("x-forwarded-for", "")));
        gateway.handle(request("/open", "192.0.2.10", Headers.builder().set("x-forwarded-for", "  ")));
        gateway.handle(request("/open", "192.0.2.10", Headers.builder().set("x-forwarded-for", " ,198.51.100.1,, 198.51.100.2 ,")));
        gateway.handle(request("/open", "192.0.2.10", Headers.builder()
                .add("x-forwarded-for", "198.51.100.1").add("x-forwarded-for", "").add("x-forwarded-for", "198.51.100.2")));
        gateway.handle(request("/open", "192.0.2.10", Headers.builder().set("x-forwarded-for", "198.51.100.1, 192.0.2.10")));

        assertThat(backend.received()).extracting(received -> received.header("x-forwarded-for")).containsExactly(
                "192.0.2.10",
                "192.0.2.10",
                "198.51.100.1, 198.51.100.2, 192.0.2.10",
                "198.51.100.1, 198.51.100.2, 192.0.2.10",
                "198.51.100.1, 192.0.2.10");
    }

    @Test
    void tracestate_fromSeveralLines_holdsNoEmptyMember() {
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        gateway.handle(request("/open", "192.0.2.10", Headers.builder().set("traceparent", traceparent)
                .add("tracestate", "a=1").add("tracestate", "").add("tracestate", " ,b=2,")));

        assertThat(backend.received().get(0).header("tracestate")).isEqualTo("a=1,b=2");
    }

    private static Map<String, List<String>> identity(TestBackend.Received received) {
        Map<String, List<String>> identity = new java.util.TreeMap<>();
        received.headers().forEach((name, values) -> {
            if (name.replace('_', '-').startsWith("x-tollgate-")) {
                identity.put(name, values);
            }
        });
        return identity;
    }

    /** {@code X_Tollgate-consumer}: the first separator an underscore, the rest as written, words capitalised. */
    private static String mixed(String name) {
        StringBuilder spelled = new StringBuilder();
        boolean first = true;
        for (String word : name.split("-")) {
            if (!spelled.isEmpty()) {
                spelled.append(first ? '_' : '-');
                first = false;
            }
            spelled.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return spelled.toString();
    }

    private static GatewayRequest request(String path, String sourceIp, Headers.Builder headers) {
        if (path.equals("/keyed")) {
            headers.set("x-api-key", "dev-secret-key");
        }
        return new GatewayRequest("GET", path, "", headers.build(), null, sourceIp, "https", "dev", Map.of());
    }
}
