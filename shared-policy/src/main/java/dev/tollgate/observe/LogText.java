package dev.tollgate.observe;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Values a caller controls (a token's subject or consumer, a path, a header) made safe to log: a
 * character that could end a log line or fake one is escaped, so that every log record stays one
 * line and no value can forge another line, an access log entry or an EMF metrics document.
 *
 * <p>Escaped: the control characters C0 (U+0000–U+001F), DEL and C1 (U+007F–U+009F, NEL U+0085
 * among them), the line and paragraph separators U+2028 and U+2029, and the bidirectional controls
 * (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which reorder what a reader sees. In text,
 * {@code \n}, {@code \r} and {@code \t} as such, the others as {@code \}{@code uXXXX}, and the
 * backslash itself as {@code \\}, so an escaped value reads back unambiguously. In JSON, the same
 * characters as {@code \}{@code uXXXX} ({@link #JSON_ESCAPES}), so a JSON reader gets the value back
 * exactly.
 */
public final class LogText {

    /** For Jackson's {@code JsonGenerator.setCharacterEscapes}: JSON's own escapes, and every character above. */
    public static final CharacterEscapes JSON_ESCAPES = new JsonEscapes();

    private LogText() {
    }

    /** {@code value} with every character above escaped; {@code null} as {@code null}. */
    public static String escape(String value) {
        if (value == null) {
            return "null";
        }
        int first = 0;
        while (first < value.length() && !escaped(value.charAt(first)) && value.charAt(first) != '\\') {
            first++;
        }
        if (first == value.length()) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16).append(value, 0, first);
        for (int i = first; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (escaped(c)) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** The most of a cause's message a failure's line holds: Cosmos DB's carry kilobytes of diagnostics JSON. */
    static final int CAUSE_CHARS = 1000;

    /**
     * An expected failure, for a log line of its own: its message and its cause's (what a store said, its
     * first {@value #CAUSE_CHARS} characters), escaped, without a stack trace:
     * {@code The quota counter could not be updated. (SdkClientException: ...)}.
     */
    public static String failure(Throwable failure) {
        Throwable cause = failure.getCause();
        return escape(failure.getMessage()
                + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ": " + shortened(cause.getMessage()) + ")"));
    }

    private static String shortened(String message) {
        return message == null || message.length() <= CAUSE_CHARS ? message
                : message.substring(0, CAUSE_CHARS) + "... (" + message.length() + " characters)";
    }

    static boolean escaped(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }

    private static final class JsonEscapes extends CharacterEscapes {

        private static final long serialVersionUID = 1L;
        private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

        JsonEscapes() {
            ascii[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int c) {
            return c <= 0xffff && escaped((char) c) ? new SerializedString(String.format("\\u%04X", c)) : null;
        }
    }
}
