package dev.tollgate.e2e;

import static dev.tollgate.e2e.ExampleEndToEndTest.assertProblem;
import static dev.tollgate.e2e.LocalTollgate.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tollgate.testing.RawHttpResponse;
import dev.tollgate.testing.TestBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each route policy through real HTTP, a route of {@code policies.yaml} apiece: 405 and 413 before
 * the key, IP access, header rules and path rewriting as the backend receives them, weighted
 * backends, and a public route's rate limit per caller address.
 */
class PoliciesEndToEndTest {

    private static final String KEY = "policies-key";

    private static TestBackend plain;
    private static TestBackend headers;
    private static TestBackend stable;
    private static TestBackend canary;
    private static TestBackend dark;
    private static LocalTollgate tollgate;

    @BeforeAll
    static void start() throws Exception {
        plain = new TestBackend();
        headers = new TestBackend();
        stable = new TestBackend();
        canary = new TestBackend();
        dark = new TestBackend();
        tollgate = LocalTollgate.start(Path.of("src", "test", "resources", "policies.yaml"), Map.of("dev", Map.of(
                "plainBackend", plain.url(),
                "headersBackend", headers.url(),
                "stableBackend", stable.url(),
                "canaryBackend", canary.url(),
                "darkBackend", dark.url())), false);
    }

    @AfterAll
    static void stop() {
        tollgate.close();
        plain.close();
        headers.close();
        stable.close();
        canary.close();
        dark.close();
    }

    @Test
    void aPathServedForOtherMethods_is405WithAllow_beforeTheKeyIsChecked() {
        HttpResponse<String> response = tollgate.send(HttpRequest.newBuilder(tollgate.uri("/dev/methods"))
                .DELETE());

        assertProblem(response, 405, "Method DELETE is not allowed here; allowed: GET, POST.");
        assertThat(json(response).path("type").asText()).isEqualTo("urn:tollgate:problem:method-not-allowed");
        assertThat(response.headers().firstValue("allow")).contains("GET, POST");
        assertThat(tollgate.get("/dev/methods", "x-api-key", KEY).statusCode()).isEqualTo(200);
        assertThat(received(plain, "/methods")).hasSize(1);
    }

    @Test
    void aBodyAboveTheRoutesMaxBodySize_is413_beforeTheKeyIsChecked() {
        String largest = "0123456789abcdef";

        HttpResponse<String> tooLarge = post("/dev/small", largest + "!");

        assertProblem(tooLarge, 413, "The request body is 17 bytes; this route takes at most 16 bytes.");
        assertThat(json(tooLarge).path("type").asText()).isEqualTo("urn:tollgate:problem:payload-too-large");
        // One byte less is the key's business, and with the key it reaches the backend whole.
        assertThat(post("/dev/small", largest).statusCode()).isEqualTo(401);
        assertThat(post("/dev/small", largest, "x-api-key", KEY).statusCode()).isEqualTo(200);
        assertThat(received(plain, "/small")).singleElement()
                .satisfies(r -> assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(largest));
    }

    @Test
    void aCallerTheRoutesDenyListHolds_is403_whereItsAllowListHoldsItToo_evenWithoutAKey() {
        assertProblem(tollgate.get("/dev/ip/denied", "x-api-key", KEY), 403, "Requests from 127.0.0.1 are not allowed here.");
        HttpResponse<String> withoutKey = tollgate.get("/dev/ip/denied");
        assertProblem(withoutKey, 403, "Requests from 127.0.0.1 are not allowed here.");
        assertThat(json(withoutKey).path("type").asText()).isEqualTo("urn:tollgate:problem:forbidden");
        assertThat(received(plain, "/ip/denied")).isEmpty();
    }

    @Test
    void aCallerOutsideTheRoutesAllowList_is403_whateverXForwardedForClaims() {
        assertProblem(tollgate.get("/dev/ip/elsewhere", "x-api-key", KEY, "x-forwarded-for", "10.1.2.3"), 403,
                "Requests from 127.0.0.1 are not allowed here.");
        assertThat(received(plain, "/ip/elsewhere")).isEmpty();
    }

    @Test
    void aCallerTheRoutesAllowListHolds_reachesTheBackend() {
        assertThat(tollgate.get("/dev/ip/allowed", "x-api-key", KEY).statusCode()).isEqualTo(200);
        assertThat(received(plain, "/ip/allowed")).hasSize(1);
    }

    @Test
    void requestHeaderRules_andStripPrefix_shapeWhatTheBackendReceives_withoutHopByHopHeadersOrTheKey() {
        HttpResponse<String> response = tollgate.get("/dev/api/items/7?view=full", "x-api-key", KEY,
                "x-debug", "on", "x-tenant", "evil", "x-extra", "caller",
                "te", "trailers", "keep-alive", "timeout=5", "proxy-authorization", "Basic c2VjcmV0", "trailer", "x-checksum",
                "x-tollgate-consumer", "forged", "x-kept", "yes");

        assertThat(response.statusCode()).isEqualTo(200);
        // This route has no response rules: the backend's own header comes back.
        assertThat(response.headers().firstValue("x-backend")).contains("test");
        TestBackend.Received received = received(headers, "/items/7").get(0);
        assertThat(received.pathAndQuery()).isEqualTo("/items/7?view=full");
        assertThat(received.header("x-kept")).isEqualTo("yes");
        assertThat(received.header("x-debug")).isNull();
        assertThat(received.header("x-tenant")).isEqualTo("acme");
        assertThat(received.headers().get("x-extra")).containsExactly("caller", "gateway");
        assertThat(received.headers()).doesNotContainKeys("te", "keep-alive", "proxy-authorization", "trailer", "x-api-key");
        assertThat(received.header("x-tollgate-consumer")).isEqualTo("tester");
        assertThat(received.header("x-tollgate-plan")).isEqualTo("open");
        assertThat(received.header("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(received.header("x-forwarded-proto")).isEqualTo("http");
        assertThat(received.header("x-forwarded-host")).isEqualTo("127.0.0.1:" + tollgate.runner().port());
        assertThat(received.header("x-request-id")).isEqualTo(response.headers().firstValue("x-request-id").orElseThrow());
    }

    @Test
    void theConnectionHeader_andTheHeadersItNames_areNotForwarded() {
        RawHttpResponse response = tollgate.rawGet(InetAddress.getLoopbackAddress(), "/dev/api/items/8",
                "x-api-key", KEY, "connection", "keep-alive, x-hop-secret", "x-hop-secret", "1", "x-kept", "yes");

        assertThat(response.status()).isEqualTo(200);
        TestBackend.Received received = received(headers, "/items/8").get(0);
        assertThat(received.header("x-kept")).isEqualTo("yes");
        assertThat(received.headers()).doesNotContainKeys("connection", "x-hop-secret", "x-api-key");
    }

    @Test
    void targetPath_fillsInTheRoutesParameter_andResponseHeaderRulesApply() {
        HttpResponse<String> response = tollgate.get("/dev/legacy/orders/42?expand=items", "x-api-key", KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(received(headers, "/v2/orders/42")).singleElement()
                .satisfies(r -> assertThat(r.pathAndQuery()).isEqualTo("/v2/orders/42?expand=items"));
        assertThat(response.headers().firstValue("cache-control")).contains("no-store");
        assertThat(response.headers().firstValue("x-backend")).isEmpty();
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        assertThat(response.body()).isEqualTo("{\"ok\":true}");
    }

    @Test
    void aDotSegmentOrAnEncodedSlash_is400_andNeverReachesTheBackend_whileDotsInANameAreForwarded() {
        HttpResponse<String> encoded = tollgate.get("/dev/legacy/orders/..%2F..%2Fadmin%2Fusers", "x-api-key", KEY);
        // Written byte for byte: no client may tidy the dot segment away before it is sent.
        RawHttpResponse dots = tollgate.rawGet(InetAddress.getLoopbackAddress(), "/dev/legacy/orders/..",
                "x-api-key", KEY);

        assertProblem(encoded, 400, "The path segment ..%2F..%2Fadmin%2Fusers is refused: a segment may not be . or ..,"
                + " encoded or not, nor hold an encoded / or \\ (%2F, %5C) or a % without two hex digits.");
        assertThat(json(encoded).path("type").asText()).isEqualTo("urn:tollgate:problem:bad-request");
        assertThat(dots.status()).isEqualTo(400);
        assertThat(dots.body()).contains("The path segment .. is refused");
        assertThat(headers.received()).noneMatch(r -> r.pathAndQuery().contains("..") || r.pathAndQuery().contains("admin"));

        assertThat(tollgate.get("/dev/legacy/orders/report.pdf", "x-api-key", KEY).statusCode()).isEqualTo(200);
        assertThat(received(headers, "/v2/orders/report.pdf")).hasSize(1);
    }

    @Test
    void weightedBackends_shareRequestsByWeight_andWeightZeroGetsNone() {
        int requests = 200;
        for (int i = 0; i < requests; i++) {
            assertThat(tollgate.get("/dev/canary").statusCode()).isEqualTo(200);
        }

        // Weights 3 and 1: the stable backend's share is 150 ± 6 (one standard deviation).
        assertThat(stable.received().size() + canary.received().size()).isEqualTo(requests);
        assertThat(stable.received().size()).isBetween(requests * 55 / 100, requests * 95 / 100);
        assertThat(canary.received()).isNotEmpty();
        assertThat(dark.received()).isEmpty();
    }

    @Test
    void aPublicRoutesRateLimit_countsPerCallerAddress_withoutCredentials() throws IOException {
        // 2 a minute in bursts of 2: a token every 30 s, and the gateway's clock stands still.
        for (int i = 1; i <= 2; i++) {
            HttpResponse<String> allowed = tollgate.get("/dev/public/limited");
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("ratelimit-limit")).contains("2");
            assertThat(allowed.headers().firstValue("ratelimit-remaining")).contains(Integer.toString(2 - i));
            assertThat(allowed.headers().firstValue("ratelimit-reset")).contains(Integer.toString(30 * i));
        }

        HttpResponse<String> refused = tollgate.get("/dev/public/limited");

        assertProblem(refused, 429, "The rate limit of route GET /public/limited (2 requests per minute with bursts of 2)"
                + " is reached; a request passes again in 30 s.");
        assertThat(json(refused).path("type").asText()).isEqualTo("urn:tollgate:problem:rate-limited");
        assertThat(refused.headers().firstValue("retry-after")).contains("30");
        assertThat(refused.headers().firstValue("ratelimit-limit")).contains("2");
        assertThat(refused.headers().firstValue("ratelimit-remaining")).contains("0");
        assertThat(refused.headers().firstValue("ratelimit-reset")).contains("60");
        assertThat(received(plain, "/public/limited")).hasSize(2);
        // The address is the one the platform saw: X-Forwarded-For, which a caller writes, makes no new bucket.
        assertThat(tollgate.get("/dev/public/limited", "x-forwarded-for", "10.9.9.9").statusCode()).isEqualTo(429);

        InetAddress another = InetAddress.getByName("127.0.0.2");
        assumeTrue(canBind(another), "this machine routes only 127.0.0.1 to loopback");
        RawHttpResponse fromAnother = tollgate.rawGet(another, "/dev/public/limited");
        assertThat(fromAnother.status()).isEqualTo(200);
        assertThat(fromAnother.headers()).containsEntry("ratelimit-remaining", "1");
    }

    private static HttpResponse<String> post(String path, String body, String... headers) {
        return tollgate.send(HttpRequest.newBuilder(tollgate.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "text/plain"), headers);
    }

    /** What a backend received under a path, so that each test reads only its own route's requests. */
    private static List<TestBackend.Received> received(TestBackend backend, String path) {
        return backend.received().stream()
                .filter(r -> r.pathAndQuery().equals(path) || r.pathAndQuery().startsWith(path + "?"))
                .toList();
    }

    private static boolean canBind(InetAddress address) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(address, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
