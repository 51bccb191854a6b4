package dev.tollgate.policy.auth.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.problem.KeyStoreException;
import dev.tollgate.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The per-instance cache of key lookups, on a clock the test moves. */
class CachingKeyStoreTest {

    private static final Duration TTL = Duration.ofSeconds(60);
    private static final ApiKey ALICE = new ApiKey("key-a", "alice", "dev", "trial");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:10:00Z"));
    private final CountingStore store = new CountingStore();
    private final CachingKeyStore cache = new CachingKeyStore(store, TTL, 100, clock);

    @Test
    void aHotKey_isReadOncePerTtl() {
        store.keys.put("a", ALICE);

        for (int i = 0; i < 50; i++) {
            assertThat(cache.findBySha256("a")).contains(ALICE);
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(store.reads.get()).isEqualTo(1); // 50 s of requests: one read
        clock.advance(Duration.ofSeconds(10));
        assertThat(cache.findBySha256("a")).contains(ALICE);
        assertThat(store.reads.get()).isEqualTo(2);
    }

    @Test
    void anUnknownKey_isRemembered_too() {
        assertThat(cache.findBySha256("nobody")).isEmpty();
        assertThat(cache.findBySha256("nobody")).isEmpty();

        assertThat(store.reads.get()).isEqualTo(1);
    }

    @Test
    void aRevokedKey_isSeen_whenItsEntryIsTtlOld_notBefore() {
        store.keys.put("a", ALICE);
        cache.findBySha256("a");
        ApiKey revoked = new ApiKey("key-a", "alice", "dev", "trial", ApiKey.Status.REVOKED, Optional.empty());
        store.keys.put("a", revoked);

        clock.advance(TTL.minusMillis(1));
        assertThat(cache.findBySha256("a")).contains(ALICE);
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.findBySha256("a")).contains(revoked);
    }

    @Test
    void aKeyCreatedAfterAMiss_isFound_whenTheMissIsTtlOld() {
        cache.findBySha256("a");
        store.keys.put("a", ALICE);

        clock.advance(TTL);

        assertThat(cache.findBySha256("a")).contains(ALICE);
    }

    @Test
    void aFailedLookup_isNotRemembered() {
        store.failing = true;
        assertThatThrownBy(() -> cache.findBySha256("a")).isInstanceOf(KeyStoreException.class);
        store.failing = false;
        store.keys.put("a", ALICE);

        assertThat(cache.findBySha256("a")).contains(ALICE);
        assertThat(store.reads.get()).isEqualTo(2);
    }

    @Test
    void unknownKeys_cannotPushKnownOnesOut() {
        CachingKeyStore small = new CachingKeyStore(store, TTL, 2, clock);
        store.keys.put("a", ALICE);
        small.findBySha256("a");

        for (int i = 0; i < 1000; i++) {
            small.findBySha256("made-up-" + i);
        }
        small.findBySha256("a");

        assertThat(store.reads.get()).isEqualTo(1 + 1000);
        assertThat(small.size()).isEqualTo(3); // a, and the last two made-up keys
    }

    @Test
    void theLeastRecentlyUsedKnownKey_goesFirst() {
        CachingKeyStore small = new CachingKeyStore(store, TTL, 2, clock);
        for (String hash : new String[] {"a", "b", "c"}) {
            store.keys.put(hash, ALICE);
        }
        small.findBySha256("a");
        small.findBySha256("b");
        small.findBySha256("a");
        small.findBySha256("c"); // b goes
        int reads = store.reads.get();

        small.findBySha256("a");
        small.findBySha256("c");
        assertThat(store.reads.get()).isEqualTo(reads);
        small.findBySha256("b");
        assertThat(store.reads.get()).isEqualTo(reads + 1);
    }

    @Test
    void aZeroCapacity_readsEveryTime() {
        CachingKeyStore none = new CachingKeyStore(store, TTL, 0, clock);
        store.keys.put("a", ALICE);

        none.findBySha256("a");
        none.findBySha256("a");

        assertThat(store.reads.get()).isEqualTo(2);
    }

    /** A store in memory that counts its reads and can be made to fail. */
    private static final class CountingStore implements KeyStore {
        final Map<String, ApiKey> keys = new HashMap<>();
        final AtomicInteger reads = new AtomicInteger();
        volatile boolean failing;

        @Override
        public Optional<ApiKey> findBySha256(String sha256Hex) {
            reads.incrementAndGet();
            if (failing) {
                throw new KeyStoreException("The API key could not be looked up.", new IllegalStateException("down"));
            }
            return Optional.ofNullable(keys.get(sha256Hex));
        }
    }
}
