package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every number a configuration holds is read exactly or refused, never wrapped: {@code failureThreshold: 4294967297}
 * is not 1, and {@code maxAge: 18446744073709638400} is not 86400. Each refusal names the file, line, path, the value
 * as written and what was expected; spellings of an allowed value other than plain decimal digits ({@code 0144},
 * {@code 1e2}, {@code +100}) are refused too, saying what they read as.
 */
class ConfigNumbersTest {

    private static final String BASE = ConfigSchemaTest.BASE;
    private static final String ISSUER = "{corporate: {issuer: https://login.example.com/, audiences: [orders], plan: trial}}";

    /** A whole-number setting: where it is, a document with {@code NUMBER} in its place, its bounds and one valid value. */
    record Field(String path, String document, long min, long max, long valid, String expected) {
        Field(String path, String document, long min, long max, long valid) {
            this(path, document, min, max, valid, "a whole number from " + min + " to " + max);
        }

        String with(String number) {
            return document.replace("NUMBER", number);
        }

        int line() {
            return document.substring(0, document.indexOf("NUMBER")).split("\n", -1).length;
        }

        @Override
        public String toString() {
            return path;
        }
    }

    /** Every whole-number setting of the configuration ({@link #theFields_areEveryNumberTheSchemaKnows} keeps it whole). */
    static final List<Field> FIELDS = List.of(
            new Field("plans.trial.quota.limit", base("quota: {limit: 100, period: hour}", "quota: {limit: NUMBER, period: hour}"),
                    1, Long.MAX_VALUE, 100),
            new Field("plans.trial.quota[1].limit", base("quota: {limit: 100, period: hour}",
                    "quota: [{limit: 1, period: day}, {limit: NUMBER, period: hour}]"), 1, Long.MAX_VALUE, 100),
            new Field("plans.trial.rateLimit.requests", base("    failOpen: true\n",
                    "    failOpen: true\n    rateLimit: {requests: NUMBER, per: second}\n"), 1, 100_000, 10),
            new Field("plans.trial.rateLimit.burst", base("    failOpen: true\n",
                    "    failOpen: true\n    rateLimit: {requests: 1, per: second, burst: NUMBER}\n"), 1, 1_000_000, 20),
            new Field("routes[1].rateLimit.requests", BASE + "    rateLimit: {requests: NUMBER, per: minute}\n", 1, 100_000, 60),
            new Field("routes[1].rateLimit.burst", BASE + "    rateLimit: {requests: 1, per: minute, burst: NUMBER}\n",
                    1, 1_000_000, 100),
            new Field("jwt.tokenCacheSize", BASE + "jwt:\n  tokenCacheSize: NUMBER\n  issuers: " + ISSUER + "\n", 0, 1_000_000, 1000),
            new Field("routes[1].backends[0].weight", base("backend: http://fixed.internal:8080",
                    "backends: [{url: 'http://a:1', weight: NUMBER}, {url: 'http://b:1', weight: 1}]"), 0, 1000, 9),
            new Field("routes[1].retry.retries", BASE + "    retry: {retries: NUMBER}\n", 0, 5, 2),
            new Field("routes[1].retry.statuses[1]", BASE + "    retry: {retries: 1, statuses: [502, NUMBER]}\n", 408, 599, 503,
                    "408, 429 or a 5xx status"),
            new Field("routes[1].circuitBreaker.failureThreshold", BASE + "    circuitBreaker:\n      failureThreshold: NUMBER\n",
                    1, 1000, 5),
            new Field("routes[1].circuitBreaker.halfOpenProbes", BASE + "    circuitBreaker: {halfOpenProbes: NUMBER}\n", 1, 100, 3),
            new Field("cors.maxAge", BASE + "cors:\n  allowOrigins: ['*']\n  maxAge: NUMBER\n", 0, 86_400, 600,
                    "whole seconds from 0 to 86400"));

    static Stream<Arguments> refusals() {
        return FIELDS.stream().flatMap(field -> NumberCases.refusedWhole(field.min(), field.max(), field.valid(), field.expected())
                .stream().map(refused -> Arguments.of(field, refused)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("refusals")
    void aNumberOutsideItsBounds_orWrittenOtherwise_isRefused_namingItAsWritten(Field field, NumberCases.Case refused) {
        assertThat(problems(field.with(refused.written())))
                .containsExactly("t.yaml:" + field.line() + ": " + field.path() + ": " + refused.message());
    }

    static Stream<Arguments> bounds() {
        return FIELDS.stream().flatMap(field -> Stream.of(field.min(), field.max(), field.valid())
                .map(value -> Arguments.of(field, Long.toString(value))));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("bounds")
    void aNumberWithinItsBounds_inDecimalDigits_isTaken(Field field, String value) {
        assertThat(problems(field.with(value))).isEmpty();
    }

    @Test
    void aWrappingValue_isNotTakenForTheValueItWrapsTo() {
        String threshold = BASE + "    circuitBreaker: {failureThreshold: 4294967297}\n";
        String maxAge = BASE + "cors: {allowOrigins: ['*'], maxAge: 18446744073709638400}\n";

        assertThat(problems(threshold)).containsExactly(
                "t.yaml:35: routes[1].circuitBreaker.failureThreshold: 4294967297 (expected: a whole number from 1 to 1000)");
        assertThat(problems(maxAge)).containsExactly(
                "t.yaml:35: cors.maxAge: 18446744073709638400 (expected: whole seconds from 0 to 86400)");
        assertThat(ConfigLoader.parse(BASE + "    circuitBreaker: {failureThreshold: 1}\n", "t.yaml").routes().get(1)
                .circuitBreaker().orElseThrow().failureThreshold()).isEqualTo(1);
    }

    /** Durations and sizes are text with at most nine digits, so no count of units can overflow on the way to a bound. */
    static Stream<Arguments> hugeDurationsAndSizes() {
        String route = "a duration from 1ms to 30s, such as 500ms or 10s";
        String backoff = "a duration from 1ms to 10s, such as 50ms";
        return Stream.of(
                Arguments.of("routes[1].timeout", base("timeout: 250ms", "timeout: NUMBER"), route),
                Arguments.of("routes[1].connectTimeout", BASE + "    connectTimeout: NUMBER\n", route),
                Arguments.of("routes[1].retry.backoff", BASE + "    retry: {retries: 1, backoff: NUMBER}\n", backoff),
                Arguments.of("routes[1].retry.maxBackoff", BASE + "    retry: {retries: 1, maxBackoff: NUMBER}\n", backoff),
                Arguments.of("routes[1].circuitBreaker.openFor", BASE + "    circuitBreaker: {openFor: NUMBER}\n",
                        "a duration from 1s to 10m, such as 30s"),
                Arguments.of("jwt.issuers.corporate.clockSkew", BASE + "jwt:\n  issuers: " + ISSUER.replace("plan: trial",
                        "plan: trial, clockSkew: NUMBER") + "\n", "a duration from 0s to 5m, such as 1m"),
                Arguments.of("jwt.issuers.corporate.jwksRefreshInterval", BASE + "jwt:\n  issuers: " + ISSUER.replace("plan: trial",
                        "plan: trial, jwksRefreshInterval: NUMBER") + "\n", "a duration from 1s to 1h, such as 1m"),
                Arguments.of("jwt.issuers.corporate.jwksMaxAge", BASE + "jwt:\n  issuers: " + ISSUER.replace("plan: trial",
                        "plan: trial, jwksMaxAge: NUMBER") + "\n", "a duration from 1m to 24h, such as 1h"),
                Arguments.of("routes[1].maxBodySize", BASE + "    maxBodySize: NUMBER\n",
                        "a size from 1B to 10MB, such as 256KB or 1MB"))
                .flatMap(field -> Stream.of("99999999999999999", "4294967297", "18446744073709551617", "9223372036854775808")
                        .map(count -> Arguments.of(field.get()[0], field.get()[1], field.get()[2],
                                count + (field.get()[0].toString().endsWith("maxBodySize") ? "KB" : "s"))));
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("hugeDurationsAndSizes")
    void aHugeDurationOrSize_isRefused_notWrapped(String path, String document, String expected, String value) {
        int line = document.substring(0, document.indexOf("NUMBER")).split("\n", -1).length;

        assertThat(problems(document.replace("NUMBER", value)))
                .containsExactly("t.yaml:" + line + ": " + path + ": " + value + " (expected: " + expected + ")");
    }

    /** A new whole-number setting in the schema needs a row in {@link #FIELDS}, so that it is read by the one reader too. */
    @Test
    void theFields_areEveryNumberTheSchemaKnows() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(Path.of("..", "schema", "tollgate.schema.json").toFile());
        Set<String> inSchema = new TreeSet<>();
        numberFields(schema, "", inSchema);
        Set<String> tested = new TreeSet<>();
        FIELDS.forEach(field -> tested.add(field.path().replaceAll("\\[\\d+]", "").replaceAll(".*\\.", "")));

        assertThat(inSchema).isNotEmpty().isEqualTo(tested);
    }

    /** The names of the schema's properties that hold a number, such as {@code retries} and {@code statuses}. */
    private static void numberFields(JsonNode node, String property, Set<String> names) {
        if (node.isArray()) {
            node.forEach(item -> numberFields(item, property, names));
            return;
        }
        if (Set.of("integer", "number").contains(node.path("type").asText())) {
            names.add(property);
        }
        node.fields().forEachRemaining(child -> {
            if (child.getKey().equals("properties")) {
                child.getValue().fields().forEachRemaining(field -> numberFields(field.getValue(), field.getKey(), names));
            } else {
                numberFields(child.getValue(), property, names);
            }
        });
    }

    private static String base(String text, String replacement) {
        if (!BASE.contains(text)) {
            throw new IllegalArgumentException("not in BASE: " + text);
        }
        return BASE.replace(text, replacement);
    }

    private static List<String> problems(String yaml) {
        try {
            ConfigLoader.parse(yaml, "t.yaml");
            return List.of();
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
    }
}
