package dev.tollgate.policy.ip;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ConfigReader;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads {@code ipAccess: {allow, deny}}, the file's or a route's, into an {@link IpAccessConfig}. */
public final class IpAccessConfigReader {

    private static final String CIDR = "an IPv4 or IPv6 address or network in CIDR notation, such as 10.0.0.0/8";

    private IpAccessConfigReader() {
    }

    /** The lists at {@code path}, if given; the valid entries, with each problem named. */
    public static Optional<IpAccessConfig> read(ConfigReader in, JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            in.problem(path, ConfigReader.describe(node) + " (expected: a map with allow and/or deny lists of CIDRs)");
            return Optional.empty();
        }
        in.unknownFields(node, path, Set.of("allow", "deny"));
        List<Cidr> allow = node.has("allow") ? cidrs(in, node.path("allow"), path + ".allow") : List.of();
        List<Cidr> deny = node.has("deny") ? cidrs(in, node.path("deny"), path + ".deny") : List.of();
        return Optional.of(new IpAccessConfig(allow, deny));
    }

    private static List<Cidr> cidrs(ConfigReader in, JsonNode node, String path) {
        return in.texts(node, path, false, value -> Cidr.parse(value).isPresent(), CIDR).stream()
                .map(value -> Cidr.parse(value).orElseThrow()).toList();
    }
}
