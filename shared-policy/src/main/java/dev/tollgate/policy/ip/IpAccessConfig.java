package dev.tollgate.policy.ip;

import java.util.List;

/**
 * Which caller addresses may use a route: a denied address is refused; when {@code allow} is not
 * empty, only addresses in it are served. Deny wins.
 *
 * @param allow the networks that may call; empty for any
 * @param deny  the networks that may not
 */
public record IpAccessConfig(List<Cidr> allow, List<Cidr> deny) {

    public static final IpAccessConfig ANYONE = new IpAccessConfig(List.of(), List.of());

    public IpAccessConfig {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    boolean permits(String address) {
        if (deny.stream().anyMatch(cidr -> cidr.contains(address))) {
            return false;
        }
        return allow.isEmpty() || allow.stream().anyMatch(cidr -> cidr.contains(address));
    }
}
