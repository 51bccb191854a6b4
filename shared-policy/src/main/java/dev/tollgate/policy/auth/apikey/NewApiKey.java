package dev.tollgate.policy.auth.apikey;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A key just made, to be shown to its owner once and then known only by its id and SHA-256.
 * The key is {@value #PREFIX} and 32 random bytes in base64url (256 bits: nothing to guess, and
 * safe in a header, a URL or a shell); the prefix makes a leaked key easy to recognise and to
 * scan for. Its {@link #toString()} leaves the key out, so a careless log line cannot hold it.
 */
public final class NewApiKey {

    public static final String PREFIX = "tg_";
    public static final String ID_PREFIX = "key_";
    private static final int KEY_BYTES = 32;
    private static final int ID_BYTES = 8;

    private final String id;
    private final String value;

    private NewApiKey(String id, String value) {
        this.id = id;
        this.value = value;
    }

    public static NewApiKey generate(SecureRandom random) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        byte[] id = new byte[ID_BYTES];
        random.nextBytes(id);
        return new NewApiKey(ID_PREFIX + HexFormat.of().formatHex(id),
                PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(key));
    }

    /** The key's id: safe to log and to show again. */
    public String id() {
        return id;
    }

    /** The key itself: show it once, store it nowhere. */
    public String value() {
        return value;
    }

    public String sha256() {
        return ApiKeyHash.sha256Hex(value);
    }

    @Override
    public String toString() {
        return "NewApiKey[id=" + id + "]";
    }
}
