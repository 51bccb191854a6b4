package dev.tollgate.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a file may write where a setting wants a number, and what {@link ConfigNumbers} must answer: values past
 * the bounds, values that wrap into them as an {@code int} or a {@code long} would, fractions, YAML's infinities
 * and other spellings of an allowed value. Shared by the configuration's tests and the stages file's (infra-cdk).
 */
public final class NumberCases {

    private static final BigInteger TWO_32 = BigInteger.ONE.shiftLeft(32);
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    /** A value as written, and the message the setting's path is named with, after {@code path: }. */
    public record Case(String written, String message) {
        @Override
        public String toString() {
            return written;
        }
    }

    private NumberCases() {
    }

    /** For a whole number from {@code min} to {@code max}, of which {@code valid} is one: what each refusal says. */
    public static List<Case> refusedWhole(long min, long max, long valid, String expected) {
        Map<String, Case> cases = new LinkedHashMap<>();
        BigInteger v = BigInteger.valueOf(valid);
        List<String> outside = new ArrayList<>(List.of(
                BigInteger.valueOf(max).add(BigInteger.ONE).toString(),
                BigInteger.valueOf(min).subtract(BigInteger.ONE).toString(),
                v.add(TWO_32).toString(),           // an int's wrap: read as valid
                v.subtract(TWO_32).toString(),
                v.add(TWO_64).toString(),           // a long's wrap: read as valid
                v.subtract(TWO_64).toString(),
                "9223372036854775808",
                "-9223372036854775809",
                "99999999999999999999999999999999",
                valid + ".5",
                "1e400",
                ".inf",
                "-.inf",
                ".nan"));
        for (String written : outside) {
            boolean within = written.matches("-?\\d+") && new BigInteger(written).compareTo(BigInteger.valueOf(min)) >= 0
                    && new BigInteger(written).compareTo(BigInteger.valueOf(max)) <= 0; // 100 + 2^32 is a quota limit
            if (!within) {
                cases.putIfAbsent(written, new Case(written, written + " (expected: " + expected + ")"));
            }
        }
        for (String written : spellings(valid)) {
            cases.putIfAbsent(written, new Case(written, written + " (expected: " + expected + ", in plain decimal digits: "
                    + written + " reads as " + valid + ")"));
        }
        if (min <= 0 && max >= 0) {
            cases.put("-0", new Case("-0", "-0 (expected: " + expected + ", in plain decimal digits: -0 reads as 0)"));
        }
        return List.copyOf(cases.values());
    }

    /** For a number from {@code min} to {@code max}, fractions allowed, of which the whole {@code valid} is one. */
    public static List<Case> refusedDecimal(BigDecimal min, BigDecimal max, long valid, String expected) {
        if (min.signum() <= 0) {
            throw new IllegalArgumentException("a minimum above 0 expected, not " + min);
        }
        Map<String, Case> cases = new LinkedHashMap<>();
        BigInteger v = BigInteger.valueOf(valid);
        // -0.0 is below every such setting's minimum, all above 0.
        for (String written : List.of(max.add(BigDecimal.ONE).toPlainString(), min.subtract(new BigDecimal("0.001")).toPlainString(),
                v.add(TWO_64).toString(), "-0.0", "1e400", ".inf", "-.inf", ".nan")) {
            cases.putIfAbsent(written, new Case(written, written + " (expected: " + expected + ")"));
        }
        for (String written : spellings(valid)) {
            if (!written.equals(valid + ".0")) { // a plain decimal
                cases.putIfAbsent(written, new Case(written, written + " (expected: " + expected + ", in plain decimal digits: "
                        + written + " reads as " + valid + ")"));
            }
        }
        return List.copyOf(cases.values());
    }

    /** Other ways YAML reads as {@code value}: a sign, a fraction, an exponent, another base, digit groups. */
    private static List<String> spellings(long value) {
        List<String> spellings = new ArrayList<>(List.of("+" + value, value + ".0", value + "e0"));
        if (value >= 0) {
            spellings.add("0x" + Long.toHexString(value));
            spellings.add("0" + Long.toOctalString(value));
            spellings.add("0b" + Long.toBinaryString(value));
        }
        String digits = Long.toString(value);
        if (digits.length() > 1) {
            spellings.add(digits.charAt(0) + "_" + digits.substring(1));
        }
        return spellings;
    }
}
