package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void parse_readsEachUnit() {
        Set<String> all = Set.of("ms", "s", "m", "h", "d");
        assertThat(Durations.parse("250ms", all)).contains(Duration.ofMillis(250));
        assertThat(Durations.parse("30s", all)).contains(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m", all)).contains(Duration.ofMinutes(5));
        assertThat(Durations.parse("2h", all)).contains(Duration.ofHours(2));
        assertThat(Durations.parse("30d", all)).contains(Duration.ofDays(30));
    }

    @Test
    void parse_refusesAUnitTheCallerDoesNotOffer() {
        assertThat(Durations.parse("1d", Durations.CONFIG_UNITS)).isEmpty();
        assertThat(Durations.parse("1h", Set.of("s", "m"))).isEmpty();
    }

    @Test
    void parse_refusesAnythingButDigitsAndAUnit() {
        for (String written : new String[] {"", "10", "s", "-1s", "1.5s", "1 s", "10S", "1e3ms", "1234567890s", "1s "}) {
            assertThat(Durations.parse(written, Durations.CONFIG_UNITS)).as(written).isEmpty();
        }
    }

    @Test
    void show_writesTheLargestWholeUnit() {
        assertThat(Durations.show(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.show(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.show(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Durations.show(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.show(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Durations.show(Duration.ofHours(24))).isEqualTo("24h");
    }
}
