package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The one reader of the numbers of a {@link YamlDocument}, for {@link ConfigLoader} and the deployment's stages
 * file: a number is taken exactly as the file writes it, or refused naming its place, the value as written and
 * what was expected. Never wrapped to an {@code int} or a {@code long} ({@code 4294967297} is not 1), never
 * rounded ({@code 3.5} is no whole number), and written in plain decimal digits only: YAML readers disagree on
 * {@code 017} (octal 15 to YAML 1.1, as here; 17 to YAML 1.2, as in editors), {@code 1_000} and {@code 1e3},
 * and {@code 0x10}, {@code +5} and {@code -0} are no way to write a setting either.
 * <pre>{@code
 * ConfigNumbers numbers = new ConfigNumbers(document, this::problem);
 * OptionalLong retries = numbers.whole(node.path("retries"), path + ".retries", 0, RetryConfig.MAX_RETRIES);
 * }</pre>
 */
public final class ConfigNumbers {

    private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?");

    private final YamlDocument document;
    private final BiConsumer<String, String> problems;

    /**
     * @param document the document the nodes come from, which remembers how each number is written
     * @param problems takes each refusal: the place, then the value and what was expected
     */
    public ConfigNumbers(YamlDocument document, BiConsumer<String, String> problems) {
        this.document = document;
        this.problems = problems;
    }

    /** A whole number from {@code min} to {@code max}, or empty after naming the problem. */
    public OptionalLong whole(JsonNode node, String path, long min, long max) {
        return whole(node, path, min, max, "a whole number from " + min + " to " + max);
    }

    /** As {@link #whole(JsonNode, String, long, long)}, saying what was expected in the field's own words. */
    public OptionalLong whole(JsonNode node, String path, long min, long max, String expected) {
        Optional<BigDecimal> value = exact(node);
        if (value.isEmpty() || value.get().signum() != 0 && value.get().stripTrailingZeros().scale() > 0
                || !between(value.get(), BigDecimal.valueOf(min), BigDecimal.valueOf(max))) {
            refuse(node, path, expected);
            return OptionalLong.empty();
        }
        long whole = value.get().longValueExact();
        String written = written(node, path);
        if (!written.equals(Long.toString(whole))) {
            refuseForm(path, written, expected, Long.toString(whole));
            return OptionalLong.empty();
        }
        return OptionalLong.of(whole);
    }

    /** A number from {@code min} to {@code max}, fractions allowed, or empty after naming the problem. */
    public OptionalDouble decimal(JsonNode node, String path, BigDecimal min, BigDecimal max, String expected) {
        Optional<BigDecimal> value = exact(node);
        if (value.isEmpty() || !between(value.get(), min, max)) {
            refuse(node, path, expected);
            return OptionalDouble.empty();
        }
        String written = written(node, path);
        if (!PLAIN_DECIMAL.matcher(written).matches() || written.startsWith("-") && value.get().signum() == 0) {
            refuseForm(path, written, expected, value.get().stripTrailingZeros().toPlainString());
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(value.get().doubleValue());
    }

    /** The value of a number node, exactly; empty for anything else (text such as {@code .inf}, a list, null). */
    private static Optional<BigDecimal> exact(JsonNode node) {
        if (node.isIntegralNumber()) {
            return Optional.of(new BigDecimal(node.bigIntegerValue()));
        }
        return node.isNumber() ? Optional.of(node.decimalValue()) : Optional.empty();
    }

    private static boolean between(BigDecimal value, BigDecimal min, BigDecimal max) {
        return value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
    }

    private String written(JsonNode node, String path) {
        return document.writtenNumber(path).orElseGet(() -> ConfigReader.describe(node));
    }

    private void refuse(JsonNode node, String path, String expected) {
        String shown = node.isNumber() ? written(node, path) : ConfigReader.describe(node);
        problems.accept(path, shown + " (expected: " + expected + ")");
    }

    private void refuseForm(String path, String written, String expected, String readAs) {
        problems.accept(path, written + " (expected: " + expected + ", in plain decimal digits: " + written + " reads as "
                + readAs + ")");
    }
}
