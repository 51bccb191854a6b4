package dev.tollgate.policy.auth.apikey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Remembers what a slower store answered, by the key's SHA-256, for {@code ttl}: keys it knows and
 * keys it does not, so that neither a hot key nor a flood of made-up ones costs a read per request.
 * The two are held apart, each up to {@code capacity} entries with the least recently used going
 * first, so unknown keys cannot push known ones out. A failed lookup is not remembered.
 *
 * <p>The price is staleness: a key revoked in the store still works here until its entry is
 * {@code ttl} old. Expiry is not delayed, since the cached key carries its {@code expiresAt}.
 */
public final class CachingKeyStore implements KeyStore {

    /** How long a warm function instance trusts what it read: the longest a revoked key keeps working. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
    /** Known keys, and separately unknown ones, a function instance remembers. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private record Entry(Optional<ApiKey> key, Instant until) {
    }

    private final KeyStore store;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Entry> known;
    private final Map<String, Entry> unknown;

    public CachingKeyStore(KeyStore store, Duration ttl, int capacity, Clock clock) {
        if (ttl.isNegative() || capacity < 0) {
            throw new IllegalArgumentException("ttl and capacity must not be negative");
        }
        this.store = Objects.requireNonNull(store, "store");
        this.ttl = ttl;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.known = lru(capacity);
        this.unknown = lru(capacity);
    }

    @Override
    public Optional<ApiKey> findBySha256(String sha256Hex) {
        Instant now = clock.instant();
        Entry cached = cached(sha256Hex, now);
        if (cached != null) {
            return cached.key();
        }
        // Read outside the lock: a slow store must not hold up requests with other keys.
        Optional<ApiKey> found = store.findBySha256(sha256Hex);
        remember(sha256Hex, new Entry(found, now.plus(ttl)));
        return found;
    }

    private synchronized Entry cached(String sha256Hex, Instant now) {
        Entry entry = known.get(sha256Hex);
        Map<String, Entry> holder = known;
        if (entry == null) {
            entry = unknown.get(sha256Hex);
            holder = unknown;
        }
        if (entry != null && !now.isBefore(entry.until())) {
            holder.remove(sha256Hex);
            return null;
        }
        return entry;
    }

    private synchronized void remember(String sha256Hex, Entry entry) {
        (entry.key().isPresent() ? known : unknown).put(sha256Hex, entry);
        (entry.key().isPresent() ? unknown : known).remove(sha256Hex);
    }

    /** Entries held now, known and unknown keys together (expired ones until they are next asked for). */
    synchronized int size() {
        return known.size() + unknown.size();
    }

    private static Map<String, Entry> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }
}
