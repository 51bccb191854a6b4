package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigProblem;
import dev.tollgate.testing.TestGateways;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiGatewayLimitsTest {

    @Test
    void theLimits_areApiGateways_thirtySecondsAndTenMegabytes() {
        assertThat(ApiGatewayLimits.INSTANCE.maxTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ApiGatewayLimits.INSTANCE.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
    }

    @Test
    void aRouteBeyondThem_failsTheFunctionsColdStart_namingThem(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("tollgate.yaml"), TestGateways.oneRoute("timeout: 31s", "maxBodySize: 11MB"));

        assertThatThrownBy(() -> AwsGateway.fromEnvironment(Map.of(AwsGateway.CONFIG, config.toString())))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).map(ConfigProblem::toString)
                        .containsExactly(
                                "tollgate.yaml:11: routes[0].timeout: 31s (expected: a duration from 1ms to 30s, such as 500ms or 10s)",
                                "tollgate.yaml:12: routes[0].maxBodySize: 11MB (expected: a size from 1B to 10MB, such as 256KB or 1MB)"));
    }
}
