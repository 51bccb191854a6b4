package dev.tollgate.backend;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ECS service whose running tasks take a route's requests, written
 * {@code ecs://CLUSTER/SERVICE[:PORT]} ({@code ecs://prod/orders:8080}). Cluster and service
 * names are as ECS allows them: 1 to 255 letters, digits, {@code -} and {@code _}. The port is the
 * container's; without one, a task's only port binding or 80. Tasks are reached over plain HTTP.
 *
 * @param cluster the cluster's name
 * @param service the service's name
 * @param port    the container port, if the URL names one
 */
public record EcsService(String cluster, String service, OptionalInt port) implements BackendAddress {

    /** How the URL is written, for messages. */
    public static final String FORM = "ecs://CLUSTER/SERVICE[:PORT]";

    private static final Pattern URL = Pattern.compile("(?i:ecs)://([^/]*)/([^/:]*)(?::(.*))?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");
    private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");
    private static final int MAX_PORT = 65535;

    /** Whether a value is meant as an ECS service (it starts with {@code ecs://}), valid or not. */
    public static boolean isEcsUrl(String value) {
        return value.regionMatches(true, 0, "ecs://", 0, "ecs://".length());
    }

    /** The service an {@code ecs://} URL names; empty when it is not a valid one. */
    public static Optional<EcsService> parse(String value) {
        if (!isEcsUrl(value) || expectation(value) != null) {
            return Optional.empty();
        }
        Matcher matcher = URL.matcher(value);
        matcher.matches();
        return Optional.of(new EcsService(matcher.group(1), matcher.group(2),
                matcher.group(3) == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(matcher.group(3)))));
    }

    /**
     * What an {@code ecs://} value should have been, for a configuration message; null when it is valid.
     */
    public static String expectation(String value) {
        Matcher matcher = URL.matcher(value);
        if (!matcher.matches()) {
            return FORM + ", such as ecs://prod/orders:8080";
        }
        if (!NAME.matcher(matcher.group(1)).matches()) {
            return FORM + " with a cluster name of 1 to 255 letters, digits, - and _";
        }
        if (!NAME.matcher(matcher.group(2)).matches()) {
            return FORM + " with a service name of 1 to 255 letters, digits, - and _";
        }
        String port = matcher.group(3);
        if (port != null && (!PORT.matcher(port).matches() || Integer.parseInt(port) > MAX_PORT)) {
            return FORM + " with a port from 1 to " + MAX_PORT;
        }
        return null;
    }

    @Override
    public String toString() {
        return "ecs://" + cluster + "/" + service + (port.isPresent() ? ":" + port.getAsInt() : "");
    }
}
