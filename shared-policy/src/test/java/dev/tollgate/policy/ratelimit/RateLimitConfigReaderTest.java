package dev.tollgate.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.testing.ConfigReading;
import dev.tollgate.testing.ConfigReading.Read;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimitConfigReaderTest {

    private static Read<Optional<RateLimitConfig>> read(String yaml) {
        return ConfigReading.read(yaml, (in, root) -> RateLimitConfigReader.read(in, root.path("rateLimit"), "rateLimit"));
    }

    @Test
    void aRateLimit_isRead_burstDefaultingToRequests() {
        assertThat(read("rateLimit: {requests: 10, per: second, burst: 20}\n").value())
                .contains(new RateLimitConfig(10, RateLimitConfig.Per.SECOND, 20));
        assertThat(read("rateLimit: {requests: 30, per: minute}\n").value())
                .contains(new RateLimitConfig(30, RateLimitConfig.Per.MINUTE, 30));
    }

    @Test
    void leasing_isOnUnlessARateLimitSaysLeaseFalse() {
        assertThat(read("rateLimit: {requests: 10, per: second}\n").value())
                .contains(new RateLimitConfig(10, RateLimitConfig.Per.SECOND, 10, true));
        assertThat(read("rateLimit: {requests: 10, per: second, burst: 20, lease: false}\n").value())
                .contains(new RateLimitConfig(10, RateLimitConfig.Per.SECOND, 20, false));
        assertThat(read("rateLimit: {requests: 10, per: second, lease: true}\n").value())
                .contains(new RateLimitConfig(10, RateLimitConfig.Per.SECOND, 10, true));
    }

    @Test
    void lease_mustBeTrueOrFalse() {
        assertThat(read("rateLimit: {requests: 10, per: second, lease: sometimes}\n").problems()).containsExactly(
                "t.yaml:1: rateLimit.lease: sometimes (expected: true or false)");
        assertThat(read("rateLimit:\n  requests: 10\n  per: second\n  lease: 1\n").problems()).containsExactly(
                "t.yaml:4: rateLimit.lease: 1 (expected: true or false)");
    }

    @Test
    void noRateLimit_isNone_withoutAProblem() {
        Read<Optional<RateLimitConfig>> read = read("other: 1\n");

        assertThat(read.value()).isEmpty();
        assertThat(read.problems()).isEmpty();
    }

    @Test
    void eachField_isCheckedWithItsRange() {
        assertThat(read("rateLimit: {requests: 0, per: hour, burst: 2000000, window: 1s}\n").problems()).containsExactly(
                "t.yaml:1: rateLimit.window: unknown field (expected one of: burst, lease, per, requests)",
                "t.yaml:1: rateLimit.requests: 0 (expected: a whole number from 1 to 100000)",
                "t.yaml:1: rateLimit.per: hour (expected: one of second, minute)",
                "t.yaml:1: rateLimit.burst: 2000000 (expected: a whole number from 1 to 1000000)");
    }

    @Test
    void aBurstBelowRequests_isRefused() {
        Read<Optional<RateLimitConfig>> read = read("rateLimit:\n  requests: 10\n  per: second\n  burst: 5\n");

        assertThat(read.value()).isEmpty();
        assertThat(read.problems()).containsExactly("t.yaml:4: rateLimit.burst: 5 (expected: at least requests, 10)");
    }

    @Test
    void aRateLimitThatIsNoMap_isRefused() {
        assertThat(read("rateLimit: 10\n").problems())
                .containsExactly("t.yaml:1: rateLimit: 10 (expected: a map with requests, per and burst)");
    }

    @Test
    void theRecord_refusesFromCodeWhatTheReaderRefuses() {
        assertThatThrownBy(() -> new RateLimitConfig(RateLimitConfig.MAX_REQUESTS + 1, RateLimitConfig.Per.SECOND, 200_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("requests: 100001 (expected: a whole number from 1 to 100000)");
        assertThatThrownBy(() -> new RateLimitConfig(10, RateLimitConfig.Per.SECOND, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("burst: 5 (expected: at least requests, 10, and at most 1000000)");
    }
}
