package dev.tollgate.policy.cors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.testing.ConfigReading;
import dev.tollgate.testing.ConfigReading.Read;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CorsConfigReaderTest {

    private static Read<Optional<CorsConfig>> read(String yaml) {
        return ConfigReading.read(yaml, (in, root) -> CorsConfigReader.read(in, root.path("cors")));
    }

    @Test
    void theSettings_areRead_headersInLowerCase_andDefaultsFillTheRest() {
        CorsConfig cors = read("cors:\n  allowOrigins: [https://app.example.com]\n  allowHeaders: [X-Trace]\n")
                .value().orElseThrow();

        assertThat(cors.allowOrigins()).containsExactly("https://app.example.com");
        assertThat(cors.allowHeaders()).containsExactly("x-trace");
        assertThat(cors.exposeHeaders()).isEqualTo(CorsConfig.DEFAULT_EXPOSE_HEADERS);
        assertThat(cors.allowCredentials()).isFalse();
        assertThat(cors.maxAgeSeconds()).isEqualTo(CorsConfig.DEFAULT_MAX_AGE_SECONDS);
    }

    @Test
    void badOrigins_headers_andMaxAge_areNamed() {
        Read<Optional<CorsConfig>> read = read("""
                cors:
                  allowOrigins: [https://app.example.com/path, "*"]
                  exposeHeaders: [x trace]
                  allowCredentials: true
                  maxAge: 86401
                  vary: true
                """);

        assertThat(read.value()).isEmpty();
        assertThat(read.problems()).containsExactly(
                "t.yaml:6: cors.vary: unknown field (expected one of: allowCredentials, allowHeaders, allowOrigins,"
                        + " exposeHeaders, maxAge)",
                "t.yaml:2: cors.allowOrigins[0]: https://app.example.com/path (expected: an origin such as"
                        + " https://app.example.com (scheme, host, optional port, no path), or *)",
                "t.yaml:3: cors.exposeHeaders[0]: x trace (expected: a header name)",
                "t.yaml:4: cors.allowCredentials: true (expected: false while allowOrigins has *, which browsers refuse"
                        + " with credentials; list the origins instead)",
                "t.yaml:5: cors.maxAge: 86401 (expected: whole seconds from 0 to 86400)");
    }

    @Test
    void aSectionThatIsNoMap_isRefused() {
        assertThat(read("cors: yes please\n").problems())
                .containsExactly("t.yaml:1: cors: yes please (expected: a map with allowOrigins)");
    }

    @Test
    void theRecord_refusesFromCodeWhatTheReaderRefuses() {
        assertThatThrownBy(() -> new CorsConfig(List.of("https://a.example"), List.of(), List.of(), false, 86_401))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAge: 86401 (expected: whole seconds from 0 to 86400)");
        assertThatThrownBy(() -> new CorsConfig(List.of("*"), List.of(), List.of(), true, 600))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowCredentials: true (expected: false while allowOrigins has *)");
    }
}
