package dev.tollgate.policy.ip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), or one address. */
public final class Cidr {

    /** Four decimal parts of 0 to 255, without leading zeros (which some read as octal). */
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}"
            + "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    /**
     * An IPv6 literal's characters with a colon before any dot: {@link InetAddress#getByName}
     * parses such a text itself, and refuses it if it is no address, without asking DNS.
     */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f]*:[0-9A-Fa-f:.]*");

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

    /**
     * Only address literals, parsed without a lookup: {@code InetAddress.getByName} would ask DNS
     * for anything else it is given ({@code cafe}, {@code 256.1.1.1}), and a gateway must not.
     */
    private static Optional<byte[]> literal(String address) {
        if (IPV4.matcher(address).matches()) {
            byte[] bytes = new byte[4];
            String[] parts = address.split("\\.");
            for (int i = 0; i < 4; i++) {
                bytes[i] = (byte) Integer.parseInt(parts[i]);
            }
            return Optional.of(bytes);
        }
        if (!IPV6.matcher(address).matches()) {
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
