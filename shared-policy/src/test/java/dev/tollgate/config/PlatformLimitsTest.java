package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PlatformLimitsTest {

    private static final String ROUTE = """
            routes:
              - path: /orders
                methods: [GET]
                backend: http://127.0.0.1:9101
                timeout: %s
                maxBodySize: %s
            stages:
              dev:
                variables: {}
            plans:
              free:
                quota: {limit: 10, period: day}
            """;

    private static final PlatformLimits SMALL = new PlatformLimits(Duration.ofSeconds(10), 2 * 1024 * 1024);

    @Test
    void routesAreCheckedAgainstTheLimitsHandedIn_withTheMessagesOfTheDefault() {
        assertThatThrownBy(() -> ConfigLoader.parse(ROUTE.formatted("11s", "3MB"), "t.yaml", SMALL))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).map(ConfigProblem::toString)
                        .containsExactly(
                                "t.yaml:5: routes[0].timeout: 11s (expected: a duration from 1ms to 10s, such as 500ms or 10s)",
                                "t.yaml:6: routes[0].maxBodySize: 3MB (expected: a size from 1B to 2MB, such as 256KB or 1MB)"));
        assertThat(ConfigLoader.parse(ROUTE.formatted("10s", "2MB"), "t.yaml", SMALL).routes().get(0).timeout())
                .isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void withoutLimitsHandedIn_theDefaultsHold_thirtySecondsAndTenMegabytes() {
        assertThat(ConfigLoader.parse(ROUTE.formatted("30s", "10MB"), "t.yaml").routes().get(0).maxBodyBytes())
                .isEqualTo(PlatformLimits.DEFAULT.maxBodyBytes());
        assertThat(PlatformLimits.DEFAULT).isEqualTo(new PlatformLimits(Duration.ofSeconds(30), 10L * 1024 * 1024));
        assertThatThrownBy(() -> ConfigLoader.parse(ROUTE.formatted("31s", "11MB"), "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).map(ConfigProblem::toString)
                        .containsExactly(
                                "t.yaml:5: routes[0].timeout: 31s (expected: a duration from 1ms to 30s, such as 500ms or 10s)",
                                "t.yaml:6: routes[0].maxBodySize: 11MB (expected: a size from 1B to 10MB, such as 256KB or 1MB)"));
    }

    @Test
    void limitsAreWholeSecondsAndMegabytes_aboveZero() {
        assertThatThrownBy(() -> new PlatformLimits(Duration.ofMillis(1500), 1024 * 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("platform limits: PT1.5S, 1048576 bytes (expected: a whole number of seconds and of megabytes, above zero)");
        assertThatThrownBy(() -> new PlatformLimits(Duration.ZERO, 1024 * 1024)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PlatformLimits(Duration.ofSeconds(1), 1000)).isInstanceOf(IllegalArgumentException.class);
    }
}
