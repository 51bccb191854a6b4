package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.observe.CredentialKind;
import dev.tollgate.observe.Outcome;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.TestBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request log's lines, parsed back with Jackson: each is an access log record and a valid
 * CloudWatch Embedded Metric Format document (the specification's shape: {@code _aws.Timestamp},
 * {@code CloudWatchMetrics[].Namespace/Dimensions/Metrics}, and every dimension and metric a
 * top-level member of the right type), with the metric each outcome counts.
 */
class EmfRequestLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant TIME = Instant.parse("2026-11-23T12:10:00.123Z");
    /** The units CloudWatch takes (PutMetricData's StandardUnit), as EMF names them. */
    private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
            "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
            "None");
    private static final List<String> COUNTERS = List.of("Requests", "4xx", "5xx", "RateLimited", "QuotaExhausted",
            "AuthFailures", "CounterStoreErrors", "BackendErrors", "CircuitOpen", "CircuitStateChanges", "Retries");

    static Stream<Arguments> outcomes() {
        return Stream.of(
                Arguments.of(200, EnumSet.noneOf(Outcome.class), Map.of()),
                Arguments.of(429, EnumSet.of(Outcome.RATE_LIMITED), Map.of("RateLimited", 1, "4xx", 1)),
                Arguments.of(429, EnumSet.of(Outcome.QUOTA_EXHAUSTED), Map.of("QuotaExhausted", 1, "4xx", 1)),
                Arguments.of(401, EnumSet.of(Outcome.AUTH_FAILURE), Map.of("AuthFailures", 1, "4xx", 1)),
                Arguments.of(403, EnumSet.of(Outcome.AUTH_FAILURE), Map.of("AuthFailures", 1, "4xx", 1)),
                Arguments.of(200, EnumSet.of(Outcome.COUNTER_STORE_ERROR), Map.of("CounterStoreErrors", 1)),
                Arguments.of(503, EnumSet.of(Outcome.COUNTER_STORE_ERROR), Map.of("CounterStoreErrors", 1, "5xx", 1)),
                Arguments.of(502, EnumSet.of(Outcome.BACKEND_ERROR), Map.of("BackendErrors", 1, "5xx", 1)),
                Arguments.of(504, EnumSet.of(Outcome.BACKEND_ERROR), Map.of("BackendErrors", 1, "5xx", 1)),
                Arguments.of(503, EnumSet.of(Outcome.CIRCUIT_OPEN), Map.of("CircuitOpen", 1, "5xx", 1)),
                Arguments.of(502, EnumSet.of(Outcome.BACKEND_ERROR, Outcome.RESPONSE_TOO_LARGE), Map.of("BackendErrors", 1, "5xx", 1)),
                Arguments.of(500, EnumSet.noneOf(Outcome.class), Map.of("5xx", 1)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("outcomes")
    void eachOutcome_isAValidEmfLine_countingWhatItShould(int status, Set<Outcome> outcomes, Map<String, Integer> counted) {
        RequestObservation observation = observation(status, outcomes, Optional.of("GET /orders/{id}"),
                Optional.of(Duration.ofNanos(8_125_000)), 0, List.of());

        JsonNode line = parse(EmfRequestLog.line(observation));

        assertValidEmf(line);
        assertThat(dimensionSets(line)).containsExactly(List.of("stage", "route"), List.of("stage"));
        assertThat(line.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText()).isEqualTo("Tollgate");
        assertThat(line.path("_aws").path("Timestamp").asLong()).isEqualTo(TIME.toEpochMilli());
        for (String counter : COUNTERS) {
            assertThat(line.path(counter).asInt()).as(counter).isEqualTo(counter.equals("Requests") ? 1 : counted.getOrDefault(counter, 0));
        }
        assertThat(line.path("Latency").asDouble()).isEqualTo(12.5);
        assertThat(line.path("BackendLatency").asDouble()).isEqualTo(8.125);
        assertThat(line.path("outcome").asText()).isEqualTo(outcomes.isEmpty() ? "ok"
                : String.join(",", outcomes.stream().map(Outcome::label).toList()));
    }

    @Test
    void theAccessLogFields_areBesideTheMetrics() {
        JsonNode line = parse(EmfRequestLog.line(observation(200, Set.of(), Optional.of("GET /orders/{id}"),
                Optional.of(Duration.ofMillis(8)), 2, List.of("closed->open"))));

        assertThat(line.path("time").asText()).isEqualTo("2026-11-23T12:10:00.123Z");
        assertThat(line.path("requestId").asText()).isEqualTo("req-1");
        assertThat(line.path("stage").asText()).isEqualTo("dev");
        assertThat(line.path("route").asText()).isEqualTo("GET /orders/{id}");
        assertThat(line.path("method").asText()).isEqualTo("GET");
        assertThat(line.path("path").asText()).isEqualTo("/orders/7");
        assertThat(line.path("sourceIp").asText()).isEqualTo("198.51.100.7");
        assertThat(line.path("credential").asText()).isEqualTo("api-key");
        assertThat(line.path("credentialId").asText()).isEqualTo("k-alice");
        assertThat(line.path("consumer").asText()).isEqualTo("alice");
        assertThat(line.path("status").asInt()).isEqualTo(200);
        assertThat(line.path("latencyMs").asDouble()).isEqualTo(12.5);
        assertThat(line.path("backendLatencyMs").asDouble()).isEqualTo(8.0);
        assertThat(line.path("retries").asInt()).isEqualTo(2);
        assertThat(line.path("Retries").asInt()).isEqualTo(2);
        assertThat(line.path("circuit").asText()).isEqualTo("open");
        assertThat(line.path("circuitChanges")).extracting(JsonNode::asText).containsExactly("closed->open");
        assertThat(line.path("CircuitStateChanges").asInt()).isEqualTo(1);
        assertThat(line.path("traceId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void aRequestWithoutARoute_countsInTheStagesRollupOnly_andWithoutABackend_hasNoBackendLatency() {
        JsonNode line = parse(EmfRequestLog.line(observation(404, Set.of(), Optional.empty(), Optional.empty(), 0, List.of())));

        assertValidEmf(line);
        assertThat(dimensionSets(line)).containsExactly(List.of("stage"));
        assertThat(line.has("route")).isFalse();
        assertThat(line.has("BackendLatency")).isFalse();
        assertThat(line.has("backendLatencyMs")).isFalse();
        assertThat(metricNames(line)).doesNotContain("BackendLatency").contains("Latency", "4xx");
        assertThat(line.path("4xx").asInt()).isEqualTo(1);
    }

    @Test
    void requestsThroughTheHandler_areLoggedOneLineEach() {
        try (TestBackend backend = new TestBackend()) {
            List<String> lines = new CopyOnWriteArrayList<>();
            GatewayConfig config = ConfigLoader.parse("""
                    stages:
                      dev: {variables: {ordersBackend: "%s"}}
                    plans:
                      p: {quota: {limit: 1, period: day}}
                    apiKeys:
                      - {id: k-alice, value: alice-secret-key, consumer: alice, stage: dev, plan: p}
                    routes:
                      - {path: "/orders/{id}", methods: [GET], backend: "${stageVariables.ordersBackend}"}
                    """.formatted(backend.url()), "log.yaml");
            Gateway gateway = Gateway.builder().config(config).counters(new InMemoryCounterStore())
                    .keys(new ConfigKeyStore(config.apiKeys())).observer(new EmfRequestLog(lines::add)).build();
            HttpApiHandler handler = new HttpApiHandler(gateway, Optional.empty());

            for (String key : new String[] {"alice-secret-key", "alice-secret-key", "wrong-key-value", null}) {
                ObjectNode event = HttpApiHandlerTest.event("GET", "/dev/orders/7", "dev").put("rawQueryString", "token=query-secret");
                ((ObjectNode) event.path("stageVariables")).put("ordersBackend", backend.url());
                if (key != null) {
                    ((ObjectNode) event.path("headers")).put("x-api-key", key);
                }
                ProxyEvents.invoke(handler, event);
            }

            assertThat(lines).hasSize(4).noneMatch(line -> line.contains("secret") || line.contains("wrong-key-value"));
            List<JsonNode> parsed = lines.stream().map(EmfRequestLogTest::parse).toList();
            parsed.forEach(EmfRequestLogTest::assertValidEmf);
            assertThat(parsed).extracting(line -> line.path("status").asInt()).containsExactly(200, 429, 401, 401);
            assertThat(parsed).extracting(line -> line.path("outcome").asText())
                    .containsExactly("ok", "quota-exhausted", "auth-failure", "auth-failure");
            assertThat(parsed).extracting(line -> line.path("credential").asText())
                    .containsExactly("api-key", "api-key", "api-key", "none");
            assertThat(parsed).allMatch(line -> line.path("path").asText().equals("/orders/7"));
            assertThat(parsed.get(0).path("consumer").asText()).isEqualTo("alice");
            assertThat(parsed.get(0).path("BackendLatency").isNumber()).isTrue();
            assertThat(new HashSet<>(parsed.stream().map(line -> line.path("requestId").asText()).toList())).hasSize(4);
        }
    }

    /** The shape the Embedded Metric Format specification asks for. */
    static void assertValidEmf(JsonNode line) {
        assertThat(line.isObject()).isTrue();
        JsonNode aws = line.path("_aws");
        assertThat(aws.isObject()).as("_aws").isTrue();
        assertThat(aws.path("Timestamp").isIntegralNumber()).as("_aws.Timestamp, epoch milliseconds").isTrue();
        assertThat(aws.path("Timestamp").asLong()).isPositive();
        JsonNode directives = aws.path("CloudWatchMetrics");
        assertThat(directives.isArray() && directives.size() > 0).as("_aws.CloudWatchMetrics").isTrue();
        for (JsonNode directive : directives) {
            String namespace = directive.path("Namespace").asText();
            assertThat(namespace).hasSizeBetween(1, 255).doesNotStartWith(":");
            JsonNode dimensions = directive.path("Dimensions");
            assertThat(dimensions.isArray()).as("Dimensions").isTrue();
            for (JsonNode set : dimensions) {
                assertThat(set.isArray() && set.size() <= 30).as("a dimension set").isTrue();
                for (JsonNode name : set) {
                    assertThat(name.isTextual()).isTrue();
                    JsonNode value = line.path(name.asText());
                    assertThat(value.isTextual()).as("dimension %s is a top-level string", name).isTrue();
                    assertThat(value.asText()).as("dimension %s", name).isNotBlank().hasSizeLessThanOrEqualTo(1024);
                    assertThat(value.asText().chars().allMatch(c -> c < 0x80)).as("dimension %s is ASCII", name).isTrue();
                }
            }
            JsonNode metrics = directive.path("Metrics");
            assertThat(metrics.isArray() && metrics.size() > 0 && metrics.size() <= 100).as("Metrics").isTrue();
            for (JsonNode metric : metrics) {
                String name = metric.path("Name").asText();
                assertThat(name).hasSizeBetween(1, 255);
                assertThat(UNITS).as("unit of %s", name).contains(metric.path("Unit").asText());
                assertThat(line.path(name).isNumber()).as("metric %s is a top-level number", name).isTrue();
            }
        }
    }

    private static List<List<String>> dimensionSets(JsonNode line) {
        List<List<String>> sets = new ArrayList<>();
        for (JsonNode set : line.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions")) {
            List<String> names = new ArrayList<>();
            set.forEach(name -> names.add(name.asText()));
            sets.add(names);
        }
        return sets;
    }

    private static List<String> metricNames(JsonNode line) {
        List<String> names = new ArrayList<>();
        Iterator<JsonNode> metrics = line.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").elements();
        metrics.forEachRemaining(metric -> names.add(metric.path("Name").asText()));
        return names;
    }

    private static RequestObservation observation(int status, Set<Outcome> outcomes, Optional<String> route,
                                                  Optional<Duration> backend, int retries, List<String> changes) {
        return new RequestObservation(TIME, "req-1", "dev", "GET", "/orders/7", "198.51.100.7", route,
                CredentialKind.API_KEY, Optional.of("k-alice"), Optional.of("alice"), status, Optional.empty(), outcomes,
                Duration.ofNanos(12_500_000), backend, retries,
                changes.isEmpty() ? Optional.empty() : Optional.of("open"), changes, "4bf92f3577b34da6a3ce929d0e0e4736");
    }

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
