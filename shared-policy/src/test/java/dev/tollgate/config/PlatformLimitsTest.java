package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.testing.TestGateways;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PlatformLimitsTest {

    private static final PlatformLimits SMALL = new PlatformLimits(Duration.ofSeconds(10), 2 * 1024 * 1024);

    @Test
    void routesAreCheckedAgainstTheLimitsHandedIn_withTheMessagesOfTheDefault() {
        assertThatThrownBy(() -> ConfigLoader.parse(TestGateways.oneRoute("timeout: 11s", "maxBodySize: 3MB"), "t.yaml", SMALL))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).map(ConfigProblem::toString)
                        .containsExactly(
                                "t.yaml:11: routes[0].timeout: 11s (expected: a duration from 1ms to 10s, such as 500ms or 10s)",
                                "t.yaml:12: routes[0].maxBodySize: 3MB (expected: a size from 1B to 2MB, such as 256KB or 1MB)"));
        GatewayConfig atTheLimits = ConfigLoader.parse(TestGateways.oneRoute("timeout: 10s", "maxBodySize: 2MB"), "t.yaml", SMALL);
        assertThat(atTheLimits.routes().get(0).timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void withoutLimitsHandedIn_theDefaultsHold_thirtySecondsAndTenMegabytes() {
        GatewayConfig atTheDefaults = ConfigLoader.parse(TestGateways.oneRoute("timeout: 30s", "maxBodySize: 10MB"), "t.yaml");
        assertThat(atTheDefaults.routes().get(0).maxBodyBytes()).isEqualTo(PlatformLimits.DEFAULT.maxBodyBytes());
        assertThat(PlatformLimits.DEFAULT).isEqualTo(new PlatformLimits(Duration.ofSeconds(30), 10L * 1024 * 1024));
        assertThatThrownBy(() -> ConfigLoader.parse(TestGateways.oneRoute("timeout: 31s", "maxBodySize: 11MB"), "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).map(ConfigProblem::toString)
                        .containsExactly(
                                "t.yaml:11: routes[0].timeout: 31s (expected: a duration from 1ms to 30s, such as 500ms or 10s)",
                                "t.yaml:12: routes[0].maxBodySize: 11MB (expected: a size from 1B to 10MB, such as 256KB or 1MB)"));
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
