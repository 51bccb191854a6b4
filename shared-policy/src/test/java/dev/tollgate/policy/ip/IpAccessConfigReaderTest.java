package dev.tollgate.policy.ip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.ConfigReading;
import dev.tollgate.testing.ConfigReading.Read;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IpAccessConfigReaderTest {

    private static Read<Optional<IpAccessConfig>> read(String yaml) {
        return ConfigReading.read(yaml, (in, root) -> IpAccessConfigReader.read(in, root.path("ipAccess"), "ipAccess"));
    }

    @Test
    void allowAndDenyLists_areRead() {
        IpAccessConfig access = read("ipAccess: {allow: [10.0.0.0/8, \"2001:db8::/32\"], deny: [10.1.2.3]}\n")
                .value().orElseThrow();

        assertThat(access.permits("10.9.9.9")).isTrue();
        assertThat(access.permits("10.1.2.3")).isFalse();
        assertThat(access.permits("192.0.2.1")).isFalse();
    }

    @Test
    void noSection_isNone() {
        assertThat(read("other: 1\n").value()).isEmpty();
    }

    @Test
    void badEntries_areNamedEachAtItsPlace() {
        assertThat(read("ipAccess:\n  allow: [10.0.0.0/33]\n  deny: 10.0.0.1\n  block: []\n").problems()).containsExactly(
                "t.yaml:4: ipAccess.block: unknown field (expected one of: allow, deny)",
                "t.yaml:2: ipAccess.allow[0]: 10.0.0.0/33 (expected: an IPv4 or IPv6 address or network in CIDR notation,"
                        + " such as 10.0.0.0/8)",
                "t.yaml:3: ipAccess.deny: 10.0.0.1 (expected: a list, each an IPv4 or IPv6 address or network in CIDR"
                        + " notation, such as 10.0.0.0/8)");
        assertThat(read("ipAccess: [10.0.0.0/8]\n").problems()).containsExactly(
                "t.yaml:1: ipAccess: a list (expected: a map with allow and/or deny lists of CIDRs)");
    }
}
