package dev.tollgate.policy.quota;

import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps counter and bucket keys bounded whatever the identity: DynamoDB refuses partition keys
 * over 2,048 bytes, and a consumer (a token's claim), a caller address or a route label may be of
 * any length. A part of a key stays as written when it is short enough to read in the table, and
 * is otherwise replaced by its SHA-256: {@code sha256:} and 64 lowercase hex digits.
 *
 * <p>A part is hashed when its UTF-8 form is longer than {@value #MAX_READABLE_BYTES} bytes, when it
 * is not well-formed UTF-16 (a lone surrogate, which UTF-8 cannot carry), or when it begins with
 * {@value #HASHED} itself, so that no written part is ever taken for a hashed one. The hash is of
 * the part's UTF-8 bytes (a lone surrogate encoded as its own three bytes, so that no two parts
 * share one): {@code printf %s "$consumer" | sha256sum} finds a consumer's counters in the table.
 */
public final class CounterKeys {

    /** Parts up to this many UTF-8 bytes stay readable. */
    public static final int MAX_READABLE_BYTES = 128;
    /** The longest key Tollgate writes, in UTF-8 bytes: well below DynamoDB's 2,048 (see docs/policies.md). */
    public static final int MAX_KEY_BYTES = 1024;
    /** What begins a hashed part, and nothing else. */
    public static final String HASHED = "sha256:";

    private CounterKeys() {
    }

    /** {@code part} itself when short, well-formed and not itself in hashed form; its hashed form otherwise. */
    public static String part(String part) {
        byte[] utf8 = utf8(part);
        boolean readable = utf8.length <= MAX_READABLE_BYTES && !part.startsWith(HASHED)
                && part.equals(new String(utf8, StandardCharsets.UTF_8));
        return readable ? part : HASHED + ApiKeyHash.sha256Hex(utf8);
    }

    /**
     * {@code text}'s hashed form, as {@link #part} writes it: for a store whose keys are narrower
     * than Tollgate's (a Cosmos DB item id) to bound a whole key the same way.
     */
    public static String hashed(String text) {
        return HASHED + ApiKeyHash.sha256Hex(utf8(text));
    }

    /** UTF-8, with a lone surrogate written as the three bytes its code point would take (as WTF-8 does). */
    private static byte[] utf8(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length() + 8);
        text.codePoints().forEach(cp -> {
            if (cp < 0x80) {
                bytes.write(cp);
            } else if (cp < 0x800) {
                bytes.write(0xC0 | cp >> 6);
                bytes.write(0x80 | cp & 0x3F);
            } else if (cp < 0x10000) {
                bytes.write(0xE0 | cp >> 12);
                bytes.write(0x80 | cp >> 6 & 0x3F);
                bytes.write(0x80 | cp & 0x3F);
            } else {
                bytes.write(0xF0 | cp >> 18);
                bytes.write(0x80 | cp >> 12 & 0x3F);
                bytes.write(0x80 | cp >> 6 & 0x3F);
                bytes.write(0x80 | cp & 0x3F);
            }
        });
        return bytes.toByteArray();
    }
}
