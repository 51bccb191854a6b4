package dev.tollgate.backend.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.problem.CircuitOpenException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {

    private static final CircuitBreakerConfig SETTINGS = new CircuitBreakerConfig(1, Duration.ofSeconds(10), 1);

    private final CircuitBreakers breakers = new CircuitBreakers(Duration.ofSeconds(30));

    @Test
    void routesThatAgree_shareTheEndpointsBreaker_whateverTheirPaths() {
        assertThat(breakers.of(URI.create("http://10.0.0.1:8080/a"), SETTINGS))
                .isSameAs(breakers.of(URI.create("http://10.0.0.1:8080/b/c"), new CircuitBreakerConfig(1, Duration.ofSeconds(10), 1)));
    }

    @Test
    void eachEndpoint_andEachSetting_hasABreakerOfItsOwn() {
        CircuitBreaker first = breakers.of(URI.create("http://10.0.0.1:8080"), SETTINGS);

        assertThat(breakers.of(URI.create("http://10.0.0.2:8080"), SETTINGS)).isNotSameAs(first);
        assertThat(breakers.of(URI.create("https://10.0.0.1:8080"), SETTINGS)).isNotSameAs(first);
        assertThat(breakers.of(URI.create("http://10.0.0.1:8080"), new CircuitBreakerConfig(2, Duration.ofSeconds(10), 1)))
                .isNotSameAs(first);
    }

    @Test
    void aProbeThatNeverReports_givesItsSlotBack_fiveSecondsAfterTheLongestTry() {
        CircuitBreaker breaker = breakers.of(URI.create("http://10.0.0.1:8080"), SETTINGS);
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        breaker.acquire(start);
        breaker.record(false, start);
        Instant probe = start.plusSeconds(10);
        breaker.acquire(probe);

        assertThatThrownBy(() -> breaker.acquire(probe.plusSeconds(35).minusMillis(1))).isInstanceOf(CircuitOpenException.class);
        breaker.acquire(probe.plusSeconds(35));
    }
}
