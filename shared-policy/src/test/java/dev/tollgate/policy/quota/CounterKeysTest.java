package dev.tollgate.policy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.ratelimit.RateLimitPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The key parts a caller controls stay readable when short, and are hashed, unambiguously, when not. */
class CounterKeysTest {

    private static final QuotaWindow DAY = QuotaWindow.at(new QuotaConfig(10, QuotaPeriod.DAY), Instant.parse("2026-11-23T12:00:00Z"));

    @Test
    void aShortConsumer_staysReadable_asBefore() {
        assertThat(DAY.counter("dev", "idp:user-7")).isEqualTo("quota#dev#idp:user-7#day#1795392000");
        assertThat(RateLimitPolicy.bucket("dev", RateLimitPolicy.consumer("a#b%"))).isEqualTo("rate#dev#consumer#a%23b%25");
        assertThat(RateLimitPolicy.bucket("dev", RateLimitPolicy.address("192.0.2.10"))).isEqualTo("rate#dev#address#192.0.2.10");
        assertThat(CounterKeys.part("é".repeat(64))).isEqualTo("é".repeat(64));
    }

    @Test
    void aLongConsumer_isItsSha256_ofItsUtf8Bytes_asSha256sumPrintsIt() {
        // printf %s "$(printf 'a%.0s' {1..129})" | sha256sum
        assertThat(CounterKeys.part("a".repeat(129)))
                .isEqualTo("sha256:c12cb024a2e5551cca0e08fce8f1c5e314555cc3fef6329ee994a3db752166ae");
        assertThat(CounterKeys.part("é".repeat(65))).matches("sha256:[0-9a-f]{64}");
        assertThat(CounterKeys.part("a".repeat(129))).isNotEqualTo(CounterKeys.part("a".repeat(130)));
    }

    @Test
    void aConsumerWrittenAsAHash_orNotValidUnicode_isHashedToo_soNoTwoConsumersShareAKey() {
        String hashed = CounterKeys.part("a".repeat(129));

        assertThat(CounterKeys.part(hashed)).isNotEqualTo(hashed).matches("sha256:[0-9a-f]{64}");
        assertThat(CounterKeys.part("a\ud800")).matches("sha256:[0-9a-f]{64}")
                .isNotEqualTo(CounterKeys.part("a\ud801")).isNotEqualTo(CounterKeys.part("a?"));
        assertThat(CounterKeys.part("a?")).isEqualTo("a?");
    }

    @Test
    void everyKey_isBounded_whateverItsParts() {
        String huge = "\u00e9#%".repeat(50_000);

        for (String key : new String[] {DAY.counter(huge, huge),
                RateLimitPolicy.bucket(huge, RateLimitPolicy.consumer("#".repeat(128))) + "#" + CounterKeys.part(huge),
                RateLimitPolicy.bucket(huge, RateLimitPolicy.address(huge))}) {
            assertThat(key.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(CounterKeys.MAX_KEY_BYTES);
        }
    }

    @Test
    void hashed_isThePartsHashedForm_whateverTheLength() {
        String longOne = "x".repeat(CounterKeys.MAX_READABLE_BYTES + 1);

        assertThat(CounterKeys.hashed(longOne)).isEqualTo(CounterKeys.part(longOne));
        assertThat(CounterKeys.hashed("alice"))
                .isEqualTo("sha256:2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90");
        assertThat(CounterKeys.hashed("\ud800")).isNotEqualTo(CounterKeys.hashed("\ud801"));
    }
}
