package dev.tollgate.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.quota.CounterKeys;
import org.junit.jupiter.api.Test;

class CosmosItemIdsTest {

    @Test
    void aShortPrintableKey_staysReadable_itsHashesWrittenAsBars() {
        assertThat(CosmosItemIds.of("quota#dev#alice#day#1764720000")).isEqualTo("quota|dev|alice|day|1764720000");
        assertThat(CosmosItemIds.of("rate#dev#address#2001:db8::1")).isEqualTo("rate|dev|address|2001:db8::1");
    }

    @Test
    void keysCosmosCannotHoldOrThatCouldMeetAnother_areHashed() {
        for (String key : new String[] {"a/b", "a\\b", "a?b", "a%23b", "a|b", "a b", "caf\u00e9", "\ud800", "",
                "sha256:" + "0".repeat(64), "x".repeat(256)}) {
            assertThat(CosmosItemIds.of(key)).as(key).isEqualTo(CounterKeys.hashed(key));
        }
        assertThat(CosmosItemIds.of("x".repeat(255))).isEqualTo("x".repeat(255));
    }

    @Test
    void twoKeysNeverShareAnId() {
        assertThat(CosmosItemIds.of("a#b")).isNotEqualTo(CosmosItemIds.of("a|b"));
        String hashedForm = CosmosItemIds.of("x".repeat(300));
        assertThat(CosmosItemIds.of(hashedForm)).isNotEqualTo(hashedForm);
    }
}
