package dev.tollgate.policy.auth.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Keys are known only by their SHA-256: stores and logs never see a key itself. */
public final class ApiKeyHash {

    private ApiKeyHash() {
    }

    public static String sha256Hex(String key) {
        return sha256Hex(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The SHA-256 of {@code bytes} in lowercase hex, as {@code sha256sum} prints it. */
    public static String sha256Hex(byte[] bytes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
