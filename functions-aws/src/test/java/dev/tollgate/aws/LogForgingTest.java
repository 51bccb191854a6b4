package dev.tollgate.aws;

import static dev.tollgate.aws.ForgedCalls.FORGED;
import static dev.tollgate.aws.ForgedCalls.IDP;
import static dev.tollgate.aws.ForgedCalls.NOW;
import static dev.tollgate.aws.ForgedCalls.assertOneLineEach;
import static dev.tollgate.aws.ForgedCalls.event;
import static dev.tollgate.aws.ForgedCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.Gateway;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.observe.LogText;
import dev.tollgate.observe.OneLineLogFormatter;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.InMemoryJwksSource;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No caller can forge a log line: a token's subject, a path, holding line breaks, C1 controls,
 * line separators and terminal escapes, goes through the real Lambda handler, and every line the
 * request log (EMF; the local runner's text is LocalRequestLogTest's) and the gateway's own log records write stays one line
 * with none of those characters raw. Expected store failures log one line per request, with its
 * request id, and no stack trace.
 */
class LogForgingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EmbeddedDynamoDb DYNAMO = new EmbeddedDynamoDb();

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

    @BeforeEach
    void setUp() {
        gatewayLogs.addHandler(capture);
        gatewayLogs.setLevel(Level.ALL);
        config = ForgedCalls.config(backend.url());
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

        ProxyEvents.invoke(handler, event("/dev/orders/7", token("user" + FORGED)));
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
    void aFailingCounterStore_logsOneLinePerRequest_withItsRequestId_andNoStackTrace() {
        HttpApiHandler handler = new HttpApiHandler(gateway(new DynamoDbCounterStore(DYNAMO.client(), "no-such-table"),
                new EmfRequestLog(lines::add)), Optional.empty());

        for (int i = 0; i < 3; i++) {
            ProxyEvents.invoke(handler, event("/dev/orders/7", token("user" + FORGED)));
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
                .keys(new ConfigKeyStore(config.apiKeys()).orElse(new DynamoDbKeyStore(DYNAMO.client(), "no-such-table")))
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
            ProxyEvents.invoke(handler, event("/dev/orders/7", token("user" + FORGED)));
        }

        assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).contains("\"status\":503"));
        assertThat(records).isNotEmpty().hasSizeLessThanOrEqualTo(2).allSatisfy(record -> assertThat(record.getThrown()).isNull());
        assertOneLineEach(formatted(records), records.size());
    }

    private Gateway gateway(dev.tollgate.policy.quota.CounterStore counters, RequestObserver log) {
        return ForgedCalls.gateway(config, counters, log);
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

    private static ObjectNode withApiKey(String key) {
        ObjectNode event = ProxyEvents.httpApi("GET", "/dev/orders/7", "dev");
        ((ObjectNode) event.path("headers")).put("x-api-key", key);
        return event;
    }
}
