package dev.tollgate.policy.auth.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.testing.ConfigReading;
import dev.tollgate.testing.ConfigReading.Read;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyConfigReaderTest {

    private static Read<List<ApiKeyConfig>> read(String yaml) {
        return ConfigReading.read(yaml,
                (in, root) -> ApiKeyConfigReader.read(in, root.path("apiKeys"), Set.of("dev"), Set.of("free")));
    }

    @Test
    void aKey_givenAsValueOrHash_isKeptAsItsHash() {
        String hash = ApiKeyHash.sha256Hex("bob-secret-key");

        assertThat(read("apiKeys:\n  - {id: k1, value: demo-dev-key, consumer: alice, stage: dev, plan: free}\n"
                + "  - {id: k2, sha256: " + hash.toUpperCase() + ", consumer: bob, stage: dev, plan: free}\n").value())
                .containsExactly(new ApiKeyConfig("k1", ApiKeyHash.sha256Hex("demo-dev-key"), "alice", "dev", "free"),
                        new ApiKeyConfig("k2", hash, "bob", "dev", "free"));
    }

    @Test
    void badFields_duplicates_andUnknownReferences_areNamed() {
        assertThat(read("""
                apiKeys:
                  - {id: k1, value: short, consumer: "a b", stage: prod, plan: gold, owner: x}
                  - {id: k1, value: demo-dev-key, sha256: abc, consumer: c, stage: dev, plan: free}
                  - {id: k3, sha256: nothex, consumer: c, stage: dev, plan: free}
                  - {id: k4, value: demo-dev-key, consumer: c, stage: dev, plan: free}
                  - {id: k5, value: demo-dev-key, consumer: c, stage: dev, plan: free}
                """).problems()).containsExactly(
                "t.yaml:2: apiKeys[0].owner: unknown field (expected one of: consumer, id, plan, sha256, stage, value)",
                "t.yaml:2: apiKeys[0].value: a key of 5 characters (expected: at least 8 characters)",
                "t.yaml:2: apiKeys[0].consumer: a b (expected: a consumer name of letters, digits, ., - and _)",
                "t.yaml:2: apiKeys[0].stage: prod (expected: a stage defined in this file: dev)",
                "t.yaml:2: apiKeys[0].plan: gold (expected: a plan defined in this file: free)",
                "t.yaml:3: apiKeys[1].id: k1 (expected: an id no other key has; apiKeys[0] has it)",
                "t.yaml:3: apiKeys[1]: both value and sha256 (expected: exactly one: the key itself as value, or its SHA-256"
                        + " as sha256)",
                "t.yaml:4: apiKeys[2].sha256: nothex (expected: 64 hexadecimal digits)",
                "t.yaml:6: apiKeys[4]: the same key as apiKeys[3] (expected: each key once)");
    }

    @Test
    void keysThatAreNoList_areRefused() {
        assertThat(read("apiKeys: {id: k1}\n").problems()).containsExactly("t.yaml:1: apiKeys: a map (expected: a list of keys)");
    }

    @Test
    void theRecord_refusesAHashThatIsNotOne() {
        assertThatThrownBy(() -> new ApiKeyConfig("k1", "demo-dev-key", "alice", "dev", "free"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sha256: demo-dev-key (expected: 64 lower-case hexadecimal digits)");
    }
}
