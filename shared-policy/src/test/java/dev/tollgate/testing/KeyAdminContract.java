package dev.tollgate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import dev.tollgate.policy.auth.apikey.CachingKeyStore;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import dev.tollgate.policy.auth.apikey.KeyAdmin.Rotation;
import dev.tollgate.policy.auth.apikey.KeyAdmin.StoredKey;
import dev.tollgate.policy.auth.apikey.KeyStore;
import dev.tollgate.policy.auth.apikey.NewApiKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every keys store must do for {@code ./tollgate keys} and the gateway's lookups, run against
 * each implementation by a subclass, which hands an empty store to each test.
 */
public abstract class KeyAdminContract {

    protected static final SecureRandom RANDOM = new SecureRandom();
    protected static final Instant NOW = Instant.parse("2026-11-23T12:10:00Z");

    /** The request path's side of the store under test. */
    protected abstract KeyStore store();

    /** The administrator's side of the same store. */
    protected abstract KeyAdmin admin();

    @Test
    void aCreatedKey_isFoundByItsHash_andByItsId() {
        NewApiKey key = NewApiKey.generate(RANDOM);
        Instant expiry = NOW.plus(Duration.ofDays(30)).plusMillis(700);

        StoredKey created = admin().create(key.sha256(), new ApiKey(key.id(), "acme", "dev", "trial",
                ApiKey.Status.ACTIVE, Optional.of(expiry)), NOW.plusMillis(300));

        ApiKey expected = new ApiKey(key.id(), "acme", "dev", "trial", ApiKey.Status.ACTIVE,
                Optional.of(NOW.plus(Duration.ofDays(30)))); // times in whole seconds
        assertThat(created).isEqualTo(new StoredKey(expected, NOW, Optional.empty(), Optional.empty()));
        assertThat(store().findBySha256(ApiKeyHash.sha256Hex(key.value()))).contains(expected);
        assertThat(admin().findById(key.id())).contains(created);
    }

    @Test
    void unknownKeysAndIds_areEmpty() {
        assertThat(store().findBySha256(ApiKeyHash.sha256Hex("tg_nobody"))).isEmpty();
        assertThat(admin().findById("key_nobody")).isEmpty();
        assertThat(admin().revoke("key_nobody", NOW)).isEmpty();
        assertThat(admin().rotate("key_nobody", "00", "key_new", NOW, Duration.ofHours(1), Optional.empty())).isEmpty();
        assertThat(admin().list(Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void aSecondKeyWithTheSameId_isRefused_andNothingIsWritten() {
        NewApiKey key = NewApiKey.generate(RANDOM);
        admin().create(key.sha256(), new ApiKey(key.id(), "acme", "dev", "trial"), NOW);

        assertThatThrownBy(() -> admin().create(ApiKeyHash.sha256Hex("tg_other"), new ApiKey(key.id(), "evil", "dev", "trial"), NOW))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a key with id " + key.id() + " or with the same value exists already");
        assertThat(store().findBySha256(ApiKeyHash.sha256Hex("tg_other"))).isEmpty();
        assertThat(admin().findById(key.id()).orElseThrow().key().consumer()).isEqualTo("acme");
    }

    @Test
    void aRevokedKey_isFoundRevoked_andRevokingAgainKeepsTheFirstTime() {
        NewApiKey key = created("acme", "dev", Optional.empty());

        StoredKey revoked = admin().revoke(key.id(), NOW.plusSeconds(60)).orElseThrow();
        admin().revoke(key.id(), NOW.plusSeconds(120));

        assertThat(revoked.key().status()).isEqualTo(ApiKey.Status.REVOKED);
        assertThat(revoked.revokedAt()).contains(NOW.plusSeconds(60));
        assertThat(store().findBySha256(key.sha256()).orElseThrow().status()).isEqualTo(ApiKey.Status.REVOKED);
        assertThat(admin().findById(key.id()).orElseThrow().revokedAt()).contains(NOW.plusSeconds(60));
    }

    @Test
    void rotation_makesANewKeyOfTheSameConsumerStageAndPlan_andTheOldOneExpiresAfterTheGrace() {
        NewApiKey old = created("acme", "prod", Optional.empty());
        NewApiKey next = NewApiKey.generate(RANDOM);

        Rotation rotation = admin().rotate(old.id(), next.sha256(), next.id(), NOW, Duration.ofHours(24), Optional.empty())
                .orElseThrow();

        ApiKey oldKey = store().findBySha256(old.sha256()).orElseThrow();
        assertThat(oldKey.status()).isEqualTo(ApiKey.Status.ACTIVE);
        assertThat(oldKey.expiresAt()).contains(NOW.plus(Duration.ofHours(24)));
        assertThat(oldKey.expiredAt(NOW.plus(Duration.ofHours(24)).minusSeconds(1))).isFalse();
        assertThat(oldKey.expiredAt(NOW.plus(Duration.ofHours(24)))).isTrue();
        ApiKey newKey = store().findBySha256(next.sha256()).orElseThrow();
        assertThat(newKey).isEqualTo(new ApiKey(next.id(), "acme", "prod", "trial", ApiKey.Status.ACTIVE, Optional.empty()));
        assertThat(rotation.previous().key()).isEqualTo(oldKey);
        assertThat(rotation.previous().replacedBy()).contains(next.id());
        assertThat(admin().findById(old.id()).orElseThrow().replacedBy()).contains(next.id());
        assertThat(rotation.replacement()).isEqualTo(admin().findById(next.id()).orElseThrow());
    }

    @Test
    void rotation_keepsAnEarlierExpiryOfTheOldKey_andTheNewKeyInheritsIt_unlessGivenItsOwn() {
        Instant ownExpiry = NOW.plus(Duration.ofHours(2));
        NewApiKey old = created("acme", "dev", Optional.of(ownExpiry));
        NewApiKey next = NewApiKey.generate(RANDOM);

        admin().rotate(old.id(), next.sha256(), next.id(), NOW, Duration.ofDays(7), Optional.empty()).orElseThrow();

        assertThat(store().findBySha256(old.sha256()).orElseThrow().expiresAt()).contains(ownExpiry);
        assertThat(store().findBySha256(next.sha256()).orElseThrow().expiresAt()).contains(ownExpiry);

        NewApiKey third = NewApiKey.generate(RANDOM);
        Instant later = NOW.plus(Duration.ofDays(90));
        admin().rotate(next.id(), third.sha256(), third.id(), NOW, Duration.ZERO, Optional.of(later)).orElseThrow();
        assertThat(store().findBySha256(next.sha256()).orElseThrow().expiredAt(NOW)).isTrue(); // no grace at all
        assertThat(store().findBySha256(third.sha256()).orElseThrow().expiresAt()).contains(later);
    }

    @Test
    void revokedAndExpiredKeys_cannotBeRotated() {
        NewApiKey revoked = created("acme", "dev", Optional.empty());
        admin().revoke(revoked.id(), NOW);
        NewApiKey expired = created("acme", "dev", Optional.of(NOW.minusSeconds(1)));
        NewApiKey next = NewApiKey.generate(RANDOM);

        assertThatThrownBy(() -> admin().rotate(revoked.id(), next.sha256(), next.id(), NOW, Duration.ofHours(1), Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("key " + revoked.id() + " is revoked (expected: an active key; create a new one instead)");
        assertThatThrownBy(() -> admin().rotate(expired.id(), next.sha256(), next.id(), NOW, Duration.ofHours(1), Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("key " + expired.id() + " expired at " + NOW.minusSeconds(1)
                        + " (expected: an active key; create a new one instead)");
        assertThat(store().findBySha256(next.sha256())).isEmpty();
    }

    @Test
    void aKeyInItsGracePeriod_cannotBeRotatedAgain_andNothingIsWritten() {
        NewApiKey old = created("acme", "prod", Optional.empty());
        NewApiKey next = NewApiKey.generate(RANDOM);
        admin().rotate(old.id(), next.sha256(), next.id(), NOW, Duration.ofHours(24), Optional.empty()).orElseThrow();
        NewApiKey third = NewApiKey.generate(RANDOM);

        // Rotated again, the old key's grace period would become the new key's expiry: dead within 24 h.
        assertThatThrownBy(() -> admin().rotate(old.id(), third.sha256(), third.id(), NOW.plusSeconds(60), Duration.ofHours(24),
                Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("key " + old.id() + " was rotated already: key " + next.id() + " replaces it and " + old.id()
                        + " stops working at " + NOW.plus(Duration.ofHours(24)) + " (expected: a key not yet replaced; rotate "
                        + next.id() + " instead)");
        assertThat(admin().findById(third.id())).isEmpty();
        assertThat(store().findBySha256(third.sha256())).isEmpty();
        assertThat(admin().findById(old.id()).orElseThrow().replacedBy()).contains(next.id());
        assertThat(store().findBySha256(old.sha256()).orElseThrow().expiresAt()).contains(NOW.plus(Duration.ofHours(24)));
        assertThat(store().findBySha256(next.sha256()).orElseThrow().expiresAt()).isEmpty();
    }

    @Test
    void list_isOldestFirst_ofAStageOrConsumer_whenAsked() {
        NewApiKey a = created("acme", "dev", Optional.empty());
        NewApiKey b = created("globex", "dev", Optional.empty(), NOW.plusSeconds(2));
        NewApiKey c = created("acme", "prod", Optional.empty(), NOW.plusSeconds(1));

        assertThat(ids(admin().list(Optional.empty(), Optional.empty()))).containsExactly(a.id(), c.id(), b.id());
        assertThat(ids(admin().list(Optional.of("dev"), Optional.empty()))).containsExactly(a.id(), b.id());
        assertThat(ids(admin().list(Optional.empty(), Optional.of("acme")))).containsExactly(a.id(), c.id());
        assertThat(ids(admin().list(Optional.of("prod"), Optional.of("acme")))).containsExactly(c.id());
        assertThat(admin().list(Optional.of("qa"), Optional.empty())).isEmpty();
    }

    @Test
    void throughTheCache_aRevokedKeyWorksUntilItsEntryIsTtlOld() {
        MutableClock clock = new MutableClock(NOW);
        CachingKeyStore cached = new CachingKeyStore(store(), CachingKeyStore.DEFAULT_TTL, 100, clock);
        NewApiKey key = created("acme", "dev", Optional.empty());
        assertThat(cached.findBySha256(key.sha256()).orElseThrow().status()).isEqualTo(ApiKey.Status.ACTIVE);

        admin().revoke(key.id(), NOW);

        clock.advance(CachingKeyStore.DEFAULT_TTL.minusSeconds(1));
        assertThat(cached.findBySha256(key.sha256()).orElseThrow().status()).isEqualTo(ApiKey.Status.ACTIVE);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cached.findBySha256(key.sha256()).orElseThrow().status()).isEqualTo(ApiKey.Status.REVOKED);
    }

    protected NewApiKey created(String consumer, String stage, Optional<Instant> expiresAt) {
        return created(consumer, stage, expiresAt, NOW);
    }

    protected NewApiKey created(String consumer, String stage, Optional<Instant> expiresAt, Instant createdAt) {
        NewApiKey key = NewApiKey.generate(RANDOM);
        admin().create(key.sha256(), new ApiKey(key.id(), consumer, stage, "trial", ApiKey.Status.ACTIVE, expiresAt), createdAt);
        return key;
    }

    protected static List<String> ids(List<StoredKey> keys) {
        return keys.stream().map(k -> k.key().id()).toList();
    }

}
