package dev.tollgate.battery.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.Gateway;
import dev.tollgate.backend.HeaderRules;
import dev.tollgate.conformance.EchoBackend;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.testing.TestGateways;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Header handling: whatever headers a caller sends, in whatever spelling (case, {@code _} for {@code -}),
 * no header the gateway manages reaches the backend except as the gateway wrote it (the request id, the
 * {@code X-Forwarded-*} headers, the trace context, the caller's identity, those the route's rules set),
 * and none the gateway strips (the API key, {@code Forwarded}, hop-by-hop headers, any name with
 * {@code _}) reaches it at all. The request carries a valid API key, so the identity headers are set.
 *
 * <p>Input: header lines {@code name:value}, separated by {@code \n}.
 */
class HeadersFuzzTest {

    private static final String SOURCE_IP = "198.51.100.7";
    /** W3C Trace Context: a later version than 00 is passed on too, so any but the invalid ff. */
    private static final Pattern TRACEPARENT = Pattern.compile("(?!ff)[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    /** Headers the route's rules set, with their values. */
    private static final Map<String, String> RULES_SET = Map.of("x-backend-token", "stage-token", "x-route", "fixed");
    /** Headers that never reach the backend from the caller, beside those with {@code _} and the hop-by-hop ones. */
    private static final List<String> STRIPPED = List.of("x-api-key", "forwarded", "proxy-authorization", "x-secret",
            "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect", "via",
            "true-client-ip", "x-client-ip", "client-ip", "x-cluster-client-ip", "cf-connecting-ip");

    private static EchoBackend backend;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        backend = FuzzedGateway.backend("headers");
        gateway = TestGateways.from(TestGateways.keyedDev("token", "stage-token") + """
                routes:
                  - path: /echo
                    methods: [GET]
                    backend: %s
                    requestHeaders:
                      set: {x-backend-token: "${stageVariables.token}", x-route: fixed}
                      add: {x-added: one}
                      remove: [x-secret]
                """.formatted(backend.url()));
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    @FuzzTest
    @DictionaryEntries({"x-request-id", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded",
            "traceparent", "tracestate", "x-amzn-trace-id", "x-tollgate-consumer", "x-tollgate-plan", "x-tollgate-subject",
            "x-tollgate-scopes", "x-api-key", "connection", "keep-alive", "transfer-encoding", "host", "content-length",
            "x-backend-token", "x-route", "x-secret", "X_Tollgate_Consumer", "X-Forwarded_For"})
    void managedHeadersReachTheBackendOnlyAsTheGatewayWritesThem(byte[] input) {
        FuzzedGateway.expectLoopbackConnections();
        Headers.Builder sent = Headers.builder().add("x-api-key", "dev-secret-key");
        List<String> lines = new ArrayList<>();
        for (String line : new String(input, StandardCharsets.UTF_8).split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && lines.size() < 64) {
                lines.add(line);
                sent.add(line.substring(0, colon), line.substring(colon + 1).stripLeading());
            }
        }
        Headers headers = sent.build();
        GatewayResponse answer = gateway.handle(new GatewayRequest("GET", "/echo", "", headers, new byte[0], SOURCE_IP,
                "https", "dev", Map.of()));
        Map<String, List<String>> answered = PathRulesFuzzTest.headers(answer);
        Answers.check(answer.status(), answered, answer.body(), lines);
        if (answer.status() != 200) {
            return;
        }
        JsonNode received = Answers.json(answer.body(), lines).path("headers");
        received.fields().forEachRemaining(field -> {
            String name = field.getKey();
            List<String> values = new ArrayList<>();
            field.getValue().forEach(value -> values.add(value.asText()));
            String problem = problem(name, values, headers, answered.get("x-request-id").get(0));
            if (problem != null) {
                throw new AssertionError("the backend received " + name + ": " + values + " (" + problem + "), for " + lines);
            }
        });
        for (String name : List.of("x-request-id", "x-forwarded-for", "x-forwarded-proto", "x-real-ip", "traceparent",
                "x-tollgate-consumer", "x-tollgate-plan", "x-backend-token", "x-route")) {
            if (!received.has(name)) {
                throw new AssertionError("the backend received no " + name + ", for " + lines);
            }
        }
    }

    /** What is wrong with a header the backend received, or null. */
    private static String problem(String name, List<String> values, Headers sent, String requestId) {
        String read = name.replace('_', '-').toLowerCase(Locale.ROOT);
        if (name.indexOf('_') >= 0) {
            return "a name with _ never passes";
        }
        if (STRIPPED.contains(read)) {
            return "stripped by the gateway";
        }
        String only = values.size() == 1 ? values.get(0) : null;
        return switch (read) {
            case "x-request-id" -> requestId.equals(only) ? null : "expected the answer's id " + requestId;
            case "x-forwarded-for" -> only != null && (only.equals(SOURCE_IP) || only.endsWith(", " + SOURCE_IP)) ? null
                    : "expected one line ending with the caller's address";
            case "x-forwarded-proto" -> "https".equals(only) ? null : "expected https";
            case "x-real-ip" -> SOURCE_IP.equals(only) ? null : "expected the caller's address alone";
            // A field value's surrounding spaces are no part of it (RFC 9110 5.5): the backend's server drops them.
            case "x-forwarded-host" -> only != null && only.equals(sent.first("host").map(String::strip).orElse(null)) ? null
                    : "expected the caller's host";
            case "host" -> only != null && only.equals(URI.create(backend.url()).getAuthority()) ? null : "expected the backend's";
            case "content-length" -> "0".equals(only) ? null : "expected the body's length";
            case "traceparent" -> only != null && TRACEPARENT.matcher(only).matches() ? null : "expected one valid traceparent";
            case "tracestate", "x-amzn-trace-id" -> only != null ? null : "expected at most one";
            case "x-tollgate-consumer" -> "c".equals(only) ? null : "expected the key's consumer";
            case "x-tollgate-plan" -> "p".equals(only) ? null : "expected the key's plan";
            case "connection" -> "expected none of the caller's";
            default -> {
                if (RULES_SET.containsKey(read)) {
                    yield RULES_SET.get(read).equals(only) ? null : "expected the route's value";
                }
                yield HeaderRules.managed(read) ? "a managed header the gateway did not write" : null;
            }
        };
    }
}
