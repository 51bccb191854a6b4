package dev.tollgate.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way Tollgate reads and writes a duration: a whole number and a unit, {@code 250ms}, {@code 30s},
 * {@code 5m}, {@code 1h}, {@code 30d}. Each caller names the units it accepts, so a setting refuses a unit its
 * documentation does not offer.
 * <pre>{@code
 * Optional<Duration> timeout = Durations.parse("10s", Durations.CONFIG_UNITS);
 * }</pre>
 */
public final class Durations {

    /** The units of a configuration file's durations. */
    public static final Set<String> CONFIG_UNITS = Set.of("ms", "s", "m", "h");

    private static final Pattern WRITTEN = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private Durations() {
    }

    /** The duration written as {@code text} in one of {@code units} ({@code ms}, {@code s}, {@code m}, {@code h}, {@code d}), or empty. */
    public static Optional<Duration> parse(String text, Set<String> units) {
        Matcher matcher = WRITTEN.matcher(text);
        if (!matcher.matches() || !units.contains(matcher.group(2))) {
            return Optional.empty();
        }
        long amount = Long.parseLong(matcher.group(1));
        return Optional.of(switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        });
    }

    /**
     * A duration setting of a function's environment (Lambda variables, Azure app settings): {@code fallback} when
     * unset, else its value from {@code min} to {@code max} in {@link #CONFIG_UNITS}; anything else fails, naming
     * the setting, the value and what was expected.
     */
    public static Duration setting(Map<String, String> settings, String name, Duration fallback, Duration min, Duration max) {
        String value = settings.get(name);
        if (value == null) {
            return fallback;
        }
        return parse(value.strip(), CONFIG_UNITS)
                .filter(duration -> duration.compareTo(min) >= 0 && duration.compareTo(max) <= 0)
                .orElseThrow(() -> new IllegalStateException(name + ": " + value + " (expected: a duration from " + show(min)
                        + " to " + show(max) + ", such as 2s or 500ms)"));
    }

    /** A duration as configuration writes it: {@code 1h}, {@code 5m}, {@code 30s}, {@code 250ms}. */
    public static String show(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
