package dev.tollgate.policy.ip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void ipv4Networks_matchTheirPrefix() {
        Cidr net = Cidr.parse("10.1.0.0/16").orElseThrow();

        assertThat(net.contains("10.1.200.3")).isTrue();
        assertThat(net.contains("10.2.0.1")).isFalse();
        assertThat(Cidr.parse("192.0.2.128/25").orElseThrow().contains("192.0.2.127")).isFalse();
        assertThat(Cidr.parse("192.0.2.128/25").orElseThrow().contains("192.0.2.200")).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").orElseThrow().contains("203.0.113.9")).isTrue();
    }

    @Test
    void aBareAddress_isOneHost() {
        Cidr host = Cidr.parse("192.0.2.7").orElseThrow();

        assertThat(host.contains("192.0.2.7")).isTrue();
        assertThat(host.contains("192.0.2.8")).isFalse();
    }

    @Test
    void anIpv4Network_containsNoIpv6Address() {
        assertThat(Cidr.parse("192.0.2.7").orElseThrow().contains("2001:db8::1")).isFalse();
    }

    @Test
    void anIpv6Network_containsTheAddressesUnderItsPrefixOnly() {
        assertThat(Cidr.parse("2001:db8::/32").orElseThrow().contains("2001:db8:ffff::1")).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").orElseThrow().contains("2001:db9::1")).isFalse();
    }

    @Test
    void hostNamesAndBadPrefixes_areRefused_withoutALookup() {
        assertThat(Cidr.parse("localhost")).isEmpty();
        assertThat(Cidr.parse("example.com/8")).isEmpty();
        assertThat(Cidr.parse("10.0.0.0/33")).isEmpty();
        assertThat(Cidr.parse("10.0.0.0/")).isEmpty();
        assertThat(Cidr.parse("")).isEmpty();
        assertThat(Cidr.parse("10.0.0.0/8").orElseThrow().contains("not-an-ip")).isFalse();
    }

    @Test
    void textsOfHexDigitsAndDots_thatAreNoAddress_areRefused_notLookedUp() {
        // InetAddress.getByName took each of these for a host name (and asked DNS), or for a short form.
        assertThat(Cidr.parse("cafe")).isEmpty();
        assertThat(Cidr.parse("cafe/16")).isEmpty();
        assertThat(Cidr.parse("256.1.1.1")).isEmpty();
        assertThat(Cidr.parse("1.2.3")).isEmpty();
        assertThat(Cidr.parse("10")).isEmpty();
        assertThat(Cidr.parse("010.0.0.1")).isEmpty();
        assertThat(Cidr.parse(".1:2")).isEmpty();
        assertThat(Cidr.parse("2001:db8:::1")).isEmpty();
        assertThat(Cidr.parse("10.0.0.0/8").orElseThrow().contains("cafe")).isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").orElseThrow().contains("10.1.2")).isFalse();
    }

    @Test
    void addressLiterals_ofBothFamilies_areRead() {
        assertThat(Cidr.parse("255.255.255.255").orElseThrow().contains("255.255.255.255")).isTrue();
        assertThat(Cidr.parse("::1").orElseThrow().contains("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(Cidr.parse("::1").orElseThrow().contains("::2")).isFalse();
        assertThat(Cidr.parse("2001:db8::/32").orElseThrow().contains("2001:DB8:1::7")).isTrue();
        assertThat(Cidr.parse("2001:db8::/129")).isEmpty();
        assertThat(Cidr.parse("10.0.0.0/33")).isEmpty();
        assertThat(Cidr.parse("10.0.0.0/32").orElseThrow().contains("10.0.0.0")).isTrue();
    }
}
