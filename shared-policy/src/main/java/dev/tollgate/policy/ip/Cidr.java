package dev.tollgate.policy.ip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), or one address. */
public final class Cidr {

    /** Only address literals: a host name here would mean a DNS lookup, which a gateway must not do. */
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    private final String written;
    private final byte[] network;
    private final int prefix;

    private Cidr(String written, byte[] network, int prefix) {
        this.written = written;
        this.network = network;
        this.prefix = prefix;
    }

    public static Optional<Cidr> parse(String written) {
        int slash = written.indexOf('/');
        String address = slash < 0 ? written : written.substring(0, slash);
        byte[] bytes = literal(address).orElse(null);
        if (bytes == null) {
            return Optional.empty();
        }
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            String bits = written.substring(slash + 1);
            if (!bits.matches("\\d{1,3}") || Integer.parseInt(bits) > bytes.length * 8) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(bits);
        }
        return Optional.of(new Cidr(written, bytes, prefix));
    }

    /** Whether an address (as the platform reports the caller's) lies in this network. */
    public boolean contains(String address) {
        byte[] bytes = literal(address).orElse(null);
        if (bytes == null || bytes.length != network.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (bytes[whole] & mask) == (network[whole] & mask);
    }

    private static Optional<byte[]> literal(String address) {
        if (address.isEmpty() || !LITERAL.matcher(address).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(address).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return written;
    }
}
