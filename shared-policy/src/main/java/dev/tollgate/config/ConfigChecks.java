package dev.tollgate.config;

/**
 * The checks a configuration record's compact constructor makes again, so that a record built in code is held
 * to the ranges its reader enforces on a file: {@code requests: 0 (expected: from 1 to 100000)}.
 * <pre>{@code
 * ConfigChecks.require(requests >= MIN_REQUESTS && requests <= MAX_REQUESTS, "requests", requests, "from 1 to 100000");
 * }</pre>
 */
public final class ConfigChecks {

    private ConfigChecks() {
    }

    /** Throws {@link IllegalArgumentException} naming the field, its value and what was expected, unless {@code holds}. */
    public static void require(boolean holds, String field, Object value, String expected) {
        if (!holds) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: " + expected + ")");
        }
    }
}
