package dev.tollgate.policy.auth.jwt;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tokens whose signature a warm function instance has already verified, by the token's SHA-256,
 * until they expire; the least recently used goes first when full. Only the signature check is
 * saved: claims are checked on every request, against the request's stage and time.
 */
final class VerifiedTokenCache {

    /**
     * @param issuerName the issuer whose key verified the token
     * @param claims     the token's claims
     * @param until      when the entry is dropped: the token's {@code exp} plus the issuer's clock skew
     */
    record Entry(String issuerName, JWTClaimsSet claims, Instant until) {
    }

    private final int capacity;
    private final LinkedHashMap<String, Entry> entries;

    VerifiedTokenCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > VerifiedTokenCache.this.capacity;
            }
        };
    }

    synchronized Optional<Entry> get(String tokenHash, Instant now) {
        Entry entry = entries.get(tokenHash);
        if (entry == null) {
            return Optional.empty();
        }
        if (!now.isBefore(entry.until())) {
            entries.remove(tokenHash);
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    synchronized void put(String tokenHash, Entry entry) {
        if (capacity > 0) {
            entries.put(tokenHash, entry);
        }
    }

    synchronized int size() {
        return entries.size();
    }
}
