package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.Gateway;
import dev.tollgate.local.LocalRequestLog;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.observe.LogText;
import dev.tollgate.observe.OneLineLogFormatter;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.InMemoryJwksSource;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestIssuer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * No caller can forge a log line: a token's subject, a path, holding line breaks, C1 controls,
 * line separators and terminal escapes, goes through the real Lambda handler, and every line the
 * request log (EMF on AWS, text locally) and the gateway's own log records write stays one line
 * with none of those characters raw. Expected store failures log one line per request, with its
 * request id, and no stack trace.
 */
class LogForgingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ISS = "https://login.example.com/";
    private static final TestIssuer IDP = TestIssuer.rsa(ISS, "key-1");
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    /** A line break, then a whole EMF document claiming 1000 requests, then every other way to break or colour a line. */
    private static final String FORGED = "x\n{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"Tollgate\","
            + "\"Dimensions\":[[\"stage\"]],\"Metrics\":[{\"Name\":\"Requests\",\"Unit\":\"Count\"}]}]},\"stage\":\"prod\","
            + "\"Requests\":1000}\r\n12:00:00.000Z 200 GET /prod/orders  1.0 ms  id forged\u0085\u2028\u2029\u001b[31mred\u001b[0m"
            + "\u007f\u009b\u202e\t\\";
    /** What must never reach a log raw. */
    private static final Pattern RAW = Pattern.compile("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e]");

    private static AmazonDynamoDBLocal dynamoDbLocal;
    private static DynamoDbClient dynamo;

    private final TestBackend backend = new TestBackend();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger gatewayLogs = Logger.getLogger("dev.tollgate");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private GatewayConfig config;

    @BeforeAll
    static void startDynamoDbLocal() {
        dynamoDbLocal = DynamoDBEmbedded.create(true);
        dynamo = dynamoDbLocal.dynamoDbClient();
    }

    @AfterAll
    static void stopDynamoDbLocal() {
        dynamo.close();
        dynamoDbLocal.shutdown();
    }

    @BeforeEach
    void setUp() {
        gatewayLogs.addHandler(capture);
        gatewayLogs.setLevel(Level.ALL);
        config = ConfigLoader.parse("""
                stages:
                  dev: {variables: {}}
                plans:
                  free: {quota: {limit: 100, period: day}}
                apiKeys:
                  - {id: k1, value: dev-secret-key, consumer: alice, stage: dev, plan: free}
                jwt:
                  issuers:
                    idp:
                      issuer: %s
                      jwksUri: https://login.example.com/keys
                      audiences: [api]
                      plan: free
                routes:
                  - {path: "/orders/{id}", methods: [GET], backend: "%s", auth: {apiKey: true, jwt: [idp]}}
                """.formatted(ISS, backend.url()), "test.yaml");
    }

    @AfterEach
    void tearDown() {
        gatewayLogs.removeHandler(capture);
        gatewayLogs.setLevel(null);
        backend.close();
    }

    @Test
    void aForgedSubjectAndPath_stayOneEmfLine_thatReadsBackAsSent() {
        HttpApiHandler handler = new HttpApiHandler(gateway(new InMemoryCounterStore(), new EmfRequestLog(lines::add)), Optional.empty());

        ProxyEvents.invoke(handler, event("/dev/orders/7", IDP.sign(IDP.claims("user" + FORGED, "api", NOW).build())));
        ProxyEvents.invoke(handler, event("/dev/orders/" + FORGED, null));

        assertThat(backend.received()).hasSize(1);
        assertOneLineEach(lines, 2);
        JsonNode served = parse(lines.get(0));
        assertThat(served.path("consumer").asText()).isEqualTo("idp:user" + FORGED);
        assertThat(served.path("Requests").asInt()).isEqualTo(1);
        assertThat(parse(lines.get(1)).path("path").asText()).isEqualTo("/orders/" + FORGED);
        assertOneLineEach(formatted(records), records.size());
    }

    @Test
    void aForgedSubjectAndPath_stayOneLocalLogLine_escaped() {
        HttpApiHandler handler = new HttpApiHandler(gateway(new InMemoryCounterStore(), new LocalRequestLog(lines::add)), Optional.empty());

        ProxyEvents.invoke(handler, event("/dev/orders/7", IDP.sign(IDP.claims("user" + FORGED, "api", NOW).build())));
        ProxyEvents.invoke(handler, event("/dev/orders/" + FORGED, null));

        assertOneLineEach(lines, 2);
        assertThat(lines.get(0)).contains("idp:user" + LogText.escape(FORGED) + " by jwt jwt:idp");
        assertThat(lines.get(1)).contains(" GET /dev/orders/" + LogText.escape(FORGED) + "  ");
        assertThat(LogText.escape(FORGED)).contains("x\\n{\"_aws\"", "\\r\\n12:00", "\\u0085\\u2028\\u2029\\u001B[31m",
                "\\u007F\\u009B\\u202E\\t\\\\");
    }

    @Test
    void aFailingCounterStore_logsOneLinePerRequest_withItsRequestId_andNoStackTrace() {
        HttpApiHandler handler = new HttpApiHandler(gateway(new DynamoDbCounterStore(dynamo, "no-such-table"),
                new EmfRequestLog(lines::add)), Optional.empty());

        for (int i = 0; i < 3; i++) {
            ProxyEvents.invoke(handler, event("/dev/orders/7", IDP.sign(IDP.claims("user" + FORGED, "api", NOW).build())));
        }

        assertThat(lines).hasSize(3).allSatisfy(line -> assertThat(line).contains("\"status\":503"));
        assertThat(records).hasSize(3).allSatisfy(record -> assertThat(record.getThrown()).isNull());
        for (int i = 0; i < 3; i++) {
            String requestId = parse(lines.get(i)).path("requestId").asText();
            assertThat(records.get(i).getMessage()).contains("request " + requestId).contains(LogText.escape("idp:user" + FORGED));
        }
        assertOneLineEach(formatted(records), 3);
    }

    @Test
    void aFailingKeysTable_logsOneLinePerRequest_withItsRequestId_andNoStackTrace() {
        Gateway gateway = Gateway.builder().config(config).counters(new InMemoryCounterStore())
                .keys(new ConfigKeyStore(config.apiKeys()).orElse(new DynamoDbKeyStore(dynamo, "no-such-table")))
                .jwks(new InMemoryJwksSource().serve("idp", IDP)).clock(new MutableClock(NOW)).observer(new EmfRequestLog(lines::add))
                .build();
        HttpApiHandler handler = new HttpApiHandler(gateway, Optional.empty());

        ProxyEvents.invoke(handler, withApiKey("unknown" + FORGED));
        ProxyEvents.invoke(handler, withApiKey("another-unknown-key"));

        assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).contains("\"status\":503"));
        assertThat(records).hasSize(2).allSatisfy(record -> assertThat(record.getThrown()).isNull());
        assertOneLineEach(formatted(records), 2);
    }

    @Test
    void anIssuerWhoseKeysCannotBeFetched_logsAtMostOneLinePerRequest_andNoStackTrace() {
        InMemoryJwksSource failing = new InMemoryJwksSource().serve("idp", IDP);
        failing.failing(true);
        HttpApiHandler handler = new HttpApiHandler(Gateway.builder().config(config).counters(new InMemoryCounterStore())
                .keys(new ConfigKeyStore(config.apiKeys())).jwks(failing).clock(new MutableClock(NOW))
                .observer(new EmfRequestLog(lines::add)).build(), Optional.empty());

        for (int i = 0; i < 2; i++) {
            ProxyEvents.invoke(handler, event("/dev/orders/7", IDP.sign(IDP.claims("user" + FORGED, "api", NOW).build())));
        }

        assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).contains("\"status\":503"));
        assertThat(records).isNotEmpty().hasSizeLessThanOrEqualTo(2).allSatisfy(record -> assertThat(record.getThrown()).isNull());
        assertOneLineEach(formatted(records), records.size());
    }

    private Gateway gateway(dev.tollgate.policy.quota.CounterStore counters, RequestObserver log) {
        return Gateway.builder().config(config).counters(counters).keys(new ConfigKeyStore(config.apiKeys()))
                .jwks(new InMemoryJwksSource().serve("idp", IDP)).clock(new MutableClock(NOW)).observer(log).build();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not one JSON document: " + line, e);
        }
    }

    /** Each record as the one-line format writes it. */
    private static List<String> formatted(List<LogRecord> records) {
        OneLineLogFormatter formatter = new OneLineLogFormatter();
        List<String> out = new ArrayList<>();
        for (LogRecord record : records) {
            String text = formatter.format(record);
            assertThat(text).endsWith(System.lineSeparator());
            out.add(text.substring(0, text.length() - System.lineSeparator().length()));
        }
        return out;
    }

    private static void assertOneLineEach(List<String> lines, int count) {
        assertThat(lines).hasSize(count).allSatisfy(line -> {
            assertThat(RAW.matcher(line).find()).as("a raw control character in %s", line).isFalse();
            assertThat(line).doesNotContain("\tat ");
        });
    }

    private static ObjectNode event(String rawPath, String token) {
        ObjectNode event = ProxyEvents.httpApi("GET", rawPath, "dev");
        if (token != null) {
            ((ObjectNode) event.path("headers")).put("authorization", "Bearer " + token);
        }
        return event;
    }

    private static ObjectNode withApiKey(String key) {
        ObjectNode event = ProxyEvents.httpApi("GET", "/dev/orders/7", "dev");
        ((ObjectNode) event.path("headers")).put("x-api-key", key);
        return event;
    }
}
