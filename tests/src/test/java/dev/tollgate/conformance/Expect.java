package dev.tollgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** One fact about an answer; each fails with the answer in its message. */
@FunctionalInterface
public interface Expect {

    void check(Answer answer);

    static Expect status(int status) {
        return answer -> assertThat(answer.status()).as("status of %s", answer).isEqualTo(status);
    }

    /** The header is there, with this value (a repeated header's values joined by ", "). */
    static Expect header(String name, String value) {
        return answer -> assertThat(answer.header(name)).as("%s of %s", name, answer).isEqualTo(value);
    }

    static Expect headerMatches(String name, String regex) {
        return answer -> assertThat(answer.header(name)).as("%s of %s", name, answer).isNotNull().matches(Pattern.compile(regex));
    }

    static Expect headerAbsent(String name) {
        return answer -> assertThat(answer.all(name)).as("%s of %s", name, answer).isEmpty();
    }

    /** The header's values, whether sent as repeated fields or as one field joined by commas. */
    static Expect headerValues(String name, String... values) {
        return answer -> {
            List<String> split = new ArrayList<>();
            answer.all(name).forEach(field -> Arrays.stream(field.split(",")).map(String::strip).forEach(split::add));
            assertThat(split).as("%s of %s", name, answer).containsExactly(values);
        };
    }

    /** A problem ({@code application/problem+json}) of this status whose request id is the answer's {@code X-Request-Id}. */
    static Expect problem(int status) {
        return answer -> {
            status(status).check(answer);
            assertThat(answer.header("content-type")).as("content-type of %s", answer).startsWith("application/problem+json");
            assertThat(answer.json().path("status").asInt()).as("problem status of %s", answer).isEqualTo(status);
            assertThat(answer.json().path("requestId").asText()).as("problem's requestId of %s", answer)
                    .isNotEmpty().isEqualTo(answer.header("x-request-id"));
        };
    }

    static Expect json(String pointer, String value) {
        return answer -> assertThat(answer.json().at(pointer).asText(null)).as("%s of %s", pointer, answer).isEqualTo(value);
    }

    /** The header the backend received (the echo's {@code /headers}), its values joined by ", "; null: it received none. */
    static Expect received(String name, String value) {
        return answer -> {
            JsonNode values = answer.json().path("headers").path(name);
            List<String> got = new ArrayList<>();
            values.forEach(v -> got.add(v.asText()));
            assertThat(got.isEmpty() ? null : String.join(", ", got)).as("the backend's %s, in %s", name, answer).isEqualTo(value);
        };
    }

    /** No header the backend received has a name that matches. */
    static Expect receivedNone(Predicate<String> names, String what) {
        return answer -> {
            List<String> got = new ArrayList<>();
            answer.json().path("headers").fieldNames().forEachRemaining(got::add);
            assertThat(got).as("the backend's headers (%s), in %s", what, answer).isNotEmpty().noneMatch(names);
        };
    }

    /** The query the backend received, as parameters decoded ({@code +} and {@code %20} alike), in order. */
    static Expect receivedQuery(Map<String, List<String>> parameters) {
        return answer -> {
            Map<String, List<String>> got = new LinkedHashMap<>();
            String query = answer.json().path("query").asText("");
            for (String pair : query.split("&")) {
                if (!pair.isEmpty()) {
                    int equals = pair.indexOf('=');
                    got.computeIfAbsent(URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8),
                            n -> new ArrayList<>()).add(equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
            assertThat(got).as("the backend's query, in %s", answer).isEqualTo(parameters);
        };
    }

    static Expect body(byte[] bytes) {
        return answer -> {
            assertThat(answer.body().length).as("body length of %s", answer.status()).isEqualTo(bytes.length);
            assertThat(EchoBackend.sha256(answer.body())).as("body's SHA-256").isEqualTo(EchoBackend.sha256(bytes));
        };
    }
}
