package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.testing.InMemoryJwksSource;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestIssuer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Callers who try to forge log lines, and the check that every line written stays one line: the shared
 * fixture of the request logs' forging tests (EMF here, the local runner's text in the local module).
 */
public final class ForgedCalls {

    public static final String ISS = "https://login.example.com/";
    public static final TestIssuer IDP = TestIssuer.rsa(ISS, "key-1");
    public static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    /** A line break, then a whole EMF document claiming 1000 requests, then every other way to break or colour a line. */
    public static final String FORGED = "x\n{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"Tollgate\","
            + "\"Dimensions\":[[\"stage\"]],\"Metrics\":[{\"Name\":\"Requests\",\"Unit\":\"Count\"}]}]},\"stage\":\"prod\","
            + "\"Requests\":1000}\r\n12:00:00.000Z 200 GET /prod/orders  1.0 ms  id forged\u0085\u2028\u2029\u001b[31mred\u001b[0m"
            + "\u007f\u009b\u202e\t\\";
    /** What must never reach a log raw. */
    private static final Pattern RAW = Pattern.compile("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e]");

    private ForgedCalls() {
    }

    /** One route, {@code GET /orders/{id}} on stage dev, taking an API key or a token of {@link #IDP}. */
    public static GatewayConfig config(String backend) {
        return ConfigLoader.parse("""
                stages:
                  dev: {variables: {}}
                plans:
                  free: {quota: {limit: 100, period: day}}
                apiKeys:
                  - {id: k1, value: dev-secret-key, consumer: alice, stage: dev, plan: free}
                """ + IDP.jwtSection("idp", "free") + """
                routes:
                  - {path: "/orders/{id}", methods: [GET], backend: "%s", auth: {apiKey: true, jwt: [idp]}}
                """.formatted(backend), "test.yaml");
    }

    /** The gateway of {@code config}, its keys the file's, at {@link #NOW}, observed by {@code log}. */
    public static Gateway gateway(GatewayConfig config, CounterStore counters, RequestObserver log) {
        return Gateway.builder().config(config).counters(counters).keys(new ConfigKeyStore(config.apiKeys()))
                .jwks(new InMemoryJwksSource().serve("idp", IDP)).clock(new MutableClock(NOW)).observer(log).build();
    }

    /** A token of {@link #IDP} for {@code subject}, for the audience the route takes. */
    public static String token(String subject) {
        return IDP.sign(IDP.claims(subject, "api", NOW).build());
    }

    /** An HTTP API event on stage dev, with the token as a bearer when there is one. */
    public static ObjectNode event(String rawPath, String token) {
        ObjectNode event = ProxyEvents.httpApi("GET", rawPath, "dev");
        if (token != null) {
            ((ObjectNode) event.path("headers")).put("authorization", "Bearer " + token);
        }
        return event;
    }

    /** Sends {@link #event} to {@code handler}, as the Lambda runtime would. */
    public static void invoke(RequestStreamHandler handler, String rawPath, String token) {
        ProxyEvents.invoke(handler, event(rawPath, token));
    }

    /** {@code count} lines, none holding a raw control character or a stack trace's frame. */
    public static void assertOneLineEach(List<String> lines, int count) {
        assertThat(lines).hasSize(count).allSatisfy(line -> {
            assertThat(RAW.matcher(line).find()).as("a raw control character in %s", line).isFalse();
            assertThat(line).doesNotContain("\tat ");
        });
    }
}
