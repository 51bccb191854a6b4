package dev.tollgate.policy.auth.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.tollgate.testing.TestIssuer;
import java.net.URI;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One issuer's keys under concurrent requests: a fetch under way holds up no request that has keys to use. */
class JwksCacheTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final Duration MAX_AGE = Duration.ofMinutes(10);
    private static final JWKSet FIRST = TestIssuer.rsa("urn:idp", "k1").publicKeys();
    private static final JWKSet ROTATED = TestIssuer.rsa("urn:idp", "k2").publicKeys();
    private static final JwtIssuerConfig ISSUER = new JwtIssuerConfig("idp", "urn:idp",
            Optional.of(URI.create("https://idp.example.com/keys")), List.of("api"), Set.of("RS256"),
            Duration.ofSeconds(60), Duration.ofMinutes(1), MAX_AGE, "sub", "free", Optional.empty(),
            JwtIssuerConfig.DEFAULT_MAX_TOKEN_LIFETIME);

    private final ExecutorService requests = Executors.newCachedThreadPool();
    private final CountDownLatch fetchStarted = new CountDownLatch(1);
    private final CountDownLatch releaseFetch = new CountDownLatch(1);
    private final AtomicInteger fetches = new AtomicInteger();

    @AfterEach
    void stopRequests() {
        releaseFetch.countDown();
        requests.shutdownNow();
    }

    @Test
    void aRequest_isNotHeldUpByARefreshUnderWay_whenKeysAreHeld() throws Exception {
        JwksCache cache = new JwksCache(ISSUER, blockingFrom(2, FIRST, ROTATED), new AtomicLong());
        assertThat(cache.current(NOW)).isSameAs(FIRST);
        Instant stale = NOW.plus(MAX_AGE);
        CompletableFuture<JWKSet> refreshing = CompletableFuture.supplyAsync(() -> cache.current(stale), requests);
        assertThat(fetchStarted.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<JWKSet> meanwhile = CompletableFuture.supplyAsync(() -> cache.current(stale), requests);

        assertThat(meanwhile).succeedsWithin(Duration.ofSeconds(10)).isSameAs(FIRST);
        assertThat(refreshing).isNotDone();
        releaseFetch.countDown();
        assertThat(refreshing).succeedsWithin(Duration.ofSeconds(10)).isSameAs(ROTATED);
        assertThat(fetches).hasValue(2);
    }

    @Test
    void withNoKeysHeldYet_aRequest_waitsForTheFirstFetch_ratherThanFailing() throws Exception {
        JwksCache cache = new JwksCache(ISSUER, blockingFrom(1, FIRST), new AtomicLong());
        CompletableFuture<JWKSet> first = CompletableFuture.supplyAsync(() -> cache.current(NOW), requests);
        assertThat(fetchStarted.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<JWKSet> second = CompletableFuture.supplyAsync(() -> cache.current(NOW), requests);
        releaseFetch.countDown();

        assertThat(first).succeedsWithin(Duration.ofSeconds(10)).isSameAs(FIRST);
        assertThat(second).succeedsWithin(Duration.ofSeconds(10)).isSameAs(FIRST);
        assertThat(fetches).hasValue(1);
    }

    @Test
    void aKeysPublicKey_isConvertedOncePerFetch_andAfreshForTheKeysOfTheNextFetch() throws Exception {
        JwksCache cache = new JwksCache(ISSUER, issuer -> fetches.incrementAndGet() == 1 ? FIRST : ROTATED, new AtomicLong());
        JWK first = cache.current(NOW).getKeys().get(0);

        PublicKey converted = cache.publicKey(first);

        assertThat(cache.publicKey(first)).isSameAs(converted).isEqualTo(((RSAKey) first).toPublicKey());
        JWK rotated = cache.current(NOW.plus(MAX_AGE)).getKeys().get(0);
        assertThat(cache.publicKey(rotated)).isEqualTo(((RSAKey) rotated).toPublicKey()).isSameAs(cache.publicKey(rotated));
        assertThat(fetches).hasValue(2);
    }

    /** Answers {@code answers} in turn; fetch number {@code blocking} waits until the test releases it. */
    private JwksSource blockingFrom(int blocking, JWKSet... answers) {
        return issuer -> {
            int fetch = fetches.incrementAndGet();
            if (fetch == blocking) {
                fetchStarted.countDown();
                try {
                    releaseFetch.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JwksFetchException("interrupted", e);
                }
            }
            return answers[Math.min(fetch, answers.length) - 1];
        };
    }
}
