package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.ConfigReading;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {

    private enum Colour { RED, GREEN }

    @Test
    void bool_takesTrueOrFalse_andGivesWayToTheFallback() {
        var read = ConfigReading.read("a: yes\nb: maybe\n", (in, root) -> List.of(
                in.bool(root, "a", "", false), in.bool(root, "b", "", true), in.bool(root, "c", "", true)));

        assertThat(read.value()).containsExactly(true, true, true);
        assertThat(read.problems()).containsExactly("t.yaml:2: b: maybe (expected: true or false)");
    }

    @Test
    void duration_isWithinItsRange_inTheUnitsGiven() {
        var read = ConfigReading.read("a: 90s\nb: 500ms\nc: 2m\nd: 10\n", (in, root) -> List.of(
                in.duration(root.path("a"), "a", Duration.ofMillis(1), Duration.ofSeconds(30), "10s"),
                in.duration(root.path("b"), "b", Set.of("s", "m"), Duration.ofSeconds(1), Duration.ofMinutes(15), "30s"),
                in.duration(root.path("c"), "c", Duration.ofMillis(1), Duration.ofMinutes(5), "10s"),
                in.duration(root.path("d"), "d", Duration.ZERO, Duration.ofHours(1), "1m")));

        assertThat(read.value().get(2)).contains(Duration.ofMinutes(2));
        assertThat(read.problems()).containsExactly(
                "t.yaml:1: a: 90s (expected: a duration from 1ms to 30s, such as 10s)",
                "t.yaml:2: b: 500ms (expected: a duration from 1s to 15m, such as 30s)",
                "t.yaml:4: d: 10 (expected: a duration from 0s to 1h, such as 1m)");
    }

    @Test
    void texts_oneOf_andReferences_nameEachRefusedValue() {
        var read = ConfigReading.read("list: [ab, \"a b\", 3]\ncolour: blue\nplan: gold\n", (in, root) -> List.of(
                in.texts(root.path("list"), "list", true, value -> !value.contains(" "), "a word"),
                in.oneOf(root.path("colour"), "colour", Colour.class),
                in.reference(root.path("plan"), "plan", Set.of("free"), "a plan"),
                in.text(root.path("plan"), "plan", Pattern.compile("[a-z]+"), "a lower-case word")));

        assertThat(read.value().get(0)).isEqualTo(List.of("ab"));
        assertThat(read.problems()).containsExactly(
                "t.yaml:1: list[1]: a b (expected: a word)",
                "t.yaml:1: list[2]: 3 (expected: a word)",
                "t.yaml:2: colour: blue (expected: one of red, green)",
                "t.yaml:3: plan: gold (expected: a plan defined in this file: free)");
    }

    @Test
    void unknownFields_andEmptyMaps_areNamed() {
        var read = ConfigReading.read("a: {x: 1, y: 2}\nb: {}\n", (in, root) -> {
            in.unknownFields(root.path("a"), "a", Set.of("y"));
            return in.requireMap(root.path("b"), "b", "a map of names");
        });

        assertThat(read.value()).isFalse();
        assertThat(read.problems()).containsExactly(
                "t.yaml:1: a.x: unknown field (expected one of: y)",
                "t.yaml:2: b: an empty map (expected: a map of names)");
    }

    @Test
    void describe_namesWhatIsNoText_byItsKind() {
        var read = ConfigReading.read("a: \"\"\nb:\nc: []\nd: [1]\ne: {}\n", (in, root) -> List.of(
                ConfigReader.describe(root.path("a")), ConfigReader.describe(root.path("b")),
                ConfigReader.describe(root.path("c")), ConfigReader.describe(root.path("d")),
                ConfigReader.describe(root.path("e")), ConfigReader.describe(root.path("f"))));

        assertThat(read.value()).containsExactly("\"\"", "empty", "an empty list", "a list", "a map", "missing");
    }

    @Test
    void httpUrl_wantsAHost_andNoUserInfo() {
        assertThat(ConfigReader.httpUrl("https://login.example.com/keys")).isPresent();
        assertThat(ConfigReader.httpUrl("ftp://login.example.com")).isEmpty();
        assertThat(ConfigReader.httpUrl("https://user@login.example.com")).isEmpty();
        assertThat(ConfigReader.httpUrl("https:///path")).isEmpty();
    }
}
