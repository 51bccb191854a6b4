package dev.tollgate.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.ConfigReading;
import dev.tollgate.testing.ConfigReading.Read;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderRulesReaderTest {

    private static Read<HeaderRules> read(String yaml) {
        return ConfigReading.read(yaml, (in, root) -> HeaderRulesReader.read(in, root.path("requestHeaders"), "requestHeaders"));
    }

    @Test
    void setAddAndRemove_areRead_namesInLowerCase() {
        assertThat(read("requestHeaders:\n  set: {X-Team: orders}\n  add: {Via: tollgate}\n  remove: [X-Debug]\n").value())
                .isEqualTo(new HeaderRules(Map.of("x-team", "orders"), Map.of("via", "tollgate"), List.of("x-debug")));
    }

    @Test
    void noSection_isNoRules() {
        assertThat(read("other: 1\n").value()).isEqualTo(HeaderRules.NONE);
    }

    @Test
    void badNames_managedHeaders_andBadValues_areNamed() {
        assertThat(read("""
                requestHeaders:
                  set: {"x team": a, X_Forwarded_For: b, x-ok: [1]}
                  remove: [host]
                  rename: {}
                """).problems()).containsExactly(
                "t.yaml:4: requestHeaders.rename: unknown field (expected one of: add, remove, set)",
                "t.yaml:2: requestHeaders.set.x team: not a header name (expected: letters, digits and !#$%&'*+.^_`|~-)",
                "t.yaml:2: requestHeaders.set.X_Forwarded_For: a header the gateway manages itself (expected: none of "
                        + String.join(", ", HeaderRules.MANAGED.stream().sorted().toList())
                        + ", nor x-tollgate-*, in any case, with _ or -)",
                "t.yaml:2: requestHeaders.set.x-ok: a list (expected: a header value of visible characters and spaces)",
                "t.yaml:3: requestHeaders.remove[0]: host (expected: a header name the gateway does not manage itself)");
        assertThat(read("requestHeaders: [x]\n").problems()).containsExactly(
                "t.yaml:1: requestHeaders: a list (expected: a map with set, add and/or remove)");
    }
}
