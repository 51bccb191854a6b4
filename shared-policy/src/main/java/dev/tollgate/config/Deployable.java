package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.backend.BackendAddress;
import dev.tollgate.backend.BackendTarget;
import dev.tollgate.backend.EcsService;
import dev.tollgate.backend.WeightedBackend;
import dev.tollgate.policy.auth.apikey.ApiKeyConfig;
import dev.tollgate.policy.auth.jwt.JwtIssuerConfig;
import dev.tollgate.policy.ip.Cidr;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a configuration to deploy must not hold, beyond what {@link ConfigLoader} checks of every
 * file: the function bundles the file as written, readable by anyone who can read the function's
 * code, and runs it far from the machine it was written on. So no API key in plain text (a key of
 * the file is given by its SHA-256, or lives in the keys table only), nor the hash of a key the
 * example publishes; no credential header a route sets in plain text; and no backend, issuer, JWK
 * set, discovery URL or audience on a loopback address, which serves only {@code ./tollgate local}.
 * {@code ./tollgate synth} and {@code ./tollgate validate --deployable} apply these rules; the
 * example configuration, which {@code ./tollgate local} runs, breaks them on purpose.
 */
public final class Deployable {

    public static final String LOCAL_ONLY = "a loopback address serves only ./tollgate local";
    /** Request headers whose value is a credential: a route must not set them from the file. */
    static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "cookie");

    /**
     * Host names that reach the machine itself without DNS: {@code localhost} and its subdomains
     * (RFC 6761, which resolvers answer themselves), and the aliases Linux distributions put in
     * {@code /etc/hosts}.
     */
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "localhost.localdomain", "localhost4",
            "localhost4.localdomain4", "localhost6", "localhost6.localdomain6", "ip6-localhost", "ip6-loopback");
    /**
     * 127.0.0.0/8 and 0.0.0.0/8 ("this host", which Linux connects to itself); {@code ::1} and {@code ::},
     * the same for IPv6; the IPv4-compatible {@code ::127.0.0.1}, which some clients read as IPv4. An
     * IPv4-mapped address ({@code ::ffff:127.0.0.1}) is parsed as the IPv4 address it maps.
     */
    private static final List<Cidr> LOOPBACK_NETWORKS = List.of(cidr("127.0.0.0/8"), cidr("0.0.0.0/8"), cidr("::/127"),
            cidr("::7f00:0/104"));
    /** One to four parts of an IPv4 address as {@code inet_aton} reads them: decimal, 0x hexadecimal or 0 octal. */
    private static final Pattern IPV4_PARTS = Pattern.compile("(?i)(0x[0-9a-f]*|\\d+)(\\.(0x[0-9a-f]*|\\d+)){0,3}");

    private Deployable() {
    }

    /**
     * The problems that keep a loaded configuration from being deployed, each at its place in the
     * document it was read from. A stage variable's problem is named at
     * {@code stages.STAGE.variables.NAME} with the value {@code config} gives it, so that a caller
     * that sets variables from elsewhere (the stages file) can name it there.
     *
     * @param document  the file as read, for what the loaded configuration keeps no trace of (a key's plain text)
     * @param source    the file's name, as problems give it
     * @param config    the same file loaded, with the variables it will run with
     * @param published keys anyone can read (the example's demo keys, {@link #publishedKeys}): by SHA-256,
     *                  what to call each
     */
    public static List<ConfigProblem> problems(YamlDocument document, String source, GatewayConfig config,
                                               Map<String, String> published) {
        Set<ConfigProblem> problems = new LinkedHashSet<>(); // routes sharing a variable share its problem
        Check check = (path, message) -> problems.add(new ConfigProblem(source, document.lineOf(path), path, message));
        keys(document.root().path("apiKeys"), config, published, check);
        issuers(config, check);
        backends(document.root().path("routes"), config, check);
        credentialHeaders(document.root().path("routes"), check);
        return List.copyOf(problems);
    }

    private static void keys(JsonNode keys, GatewayConfig config, Map<String, String> published, Check check) {
        for (int i = 0; i < keys.size(); i++) {
            String hash = config.apiKeys().get(i).sha256();
            if (keys.get(i).has("value")) {
                check.problem("apiKeys[" + i + "].value", "a key in plain text (expected: in a configuration to deploy,"
                        + " the key's SHA-256 as sha256, or the key in the stage's keys table only: ./tollgate keys create --aws)");
            } else if (published.containsKey(hash)) {
                check.problem("apiKeys[" + i + "].sha256", "the SHA-256 of " + published.get(hash)
                        + " (expected: a key of your own: a published key is anyone's)");
            }
        }
    }

    /** An issuer's URL (from which its keys are discovered without a jwksUri), its JWK set, its audiences. */
    private static void issuers(GatewayConfig config, Check check) {
        for (JwtIssuerConfig issuer : config.jwt().issuers().values()) {
            String path = "jwt.issuers." + issuer.name();
            if (loopback(issuer.issuer())) {
                check.problem(path + ".issuer", issuer.issuer() + " (expected: your identity provider's issuer, such as"
                        + " https://auth.example.com/; " + LOCAL_ONLY + ")");
            }
            if (issuer.jwksUri().isPresent() && loopback(issuer.jwksUri().get())) {
                check.problem(path + ".jwksUri", issuer.jwksUri().get() + " (expected: your identity provider's JWK set,"
                        + " such as https://auth.example.com/.well-known/jwks.json; " + LOCAL_ONLY + ")");
            }
            String expected = " (expected: an audience of the tokens meant for the deployed API";
            for (int i = 0; i < issuer.audiences().size(); i++) {
                String audience = issuer.audiences().get(i);
                Optional<String> variable = StageConfig.variableReference(audience);
                if (variable.isEmpty() && loopback(audience)) {
                    check.problem(path + ".audiences[" + i + "]", audience + expected + "; " + LOCAL_ONLY + ")");
                }
                for (StageConfig stage : variable.isEmpty() ? List.<StageConfig>of() : config.stages().values()) {
                    String value = stage.variables().get(variable.get());
                    if (value != null && loopback(value)) {
                        check.problem("stages." + stage.name() + ".variables." + variable.get(), value + expected
                                + ", since " + path + ".audiences[" + i + "] reads it; " + LOCAL_ONLY + ")");
                    }
                }
            }
        }
    }

    private static void backends(JsonNode routes, GatewayConfig config, Check check) {
        String expected = " (expected: a backend the function reaches from its VPC, such as an internal NLB's URL or "
                + EcsService.FORM + "; " + LOCAL_ONLY + ")";
        for (int r = 0; r < config.routes().size(); r++) {
            List<WeightedBackend> backends = config.routes().get(r).backends();
            for (int b = 0; b < backends.size(); b++) {
                BackendTarget target = backends.get(b).target();
                if (target.variable().isEmpty() && target.resolve(Map.of()).filter(Deployable::loopback).isPresent()) {
                    check.problem("routes[" + r + "]" + (routes.get(r).has("backend") ? ".backend" : ".backends[" + b
                            + "].url"), target + expected);
                }
                for (StageConfig stage : target.variable().isEmpty() ? List.<StageConfig>of() : config.stages().values()) {
                    if (target.resolve(stage.variables()).filter(Deployable::loopback).isPresent()) {
                        check.problem("stages." + stage.name() + ".variables." + target.variable().get(),
                                stage.variables().get(target.variable().get()) + expected);
                    }
                }
            }
        }
    }

    private static void credentialHeaders(JsonNode routes, Check check) {
        for (int r = 0; r < routes.size(); r++) {
            for (String rule : List.of("set", "add")) {
                String path = "routes[" + r + "].requestHeaders." + rule;
                for (Iterator<String> names = routes.get(r).path("requestHeaders").path(rule).fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (CREDENTIAL_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                        check.problem(path + "." + name, "a credential in plain text (expected: no Authorization or Cookie"
                                + " header set by a configuration to deploy, whose text anyone who can read the function's"
                                + " code reads)");
                    }
                }
            }
        }
    }

    /**
     * The keys of a published configuration (the example's demo keys), by SHA-256, each called by its
     * id and the file: {@code demo-prod's key in examples/tollgate.yaml}. None when the file is missing
     * or not valid, since then it publishes nothing a deployment could copy.
     */
    public static Map<String, String> publishedKeys(Path file, String source) {
        Map<String, String> keys = new LinkedHashMap<>();
        try {
            for (ApiKeyConfig key : ConfigLoader.parse(Files.readString(file, StandardCharsets.UTF_8), source).apiKeys()) {
                keys.put(key.sha256(), key.id() + "'s key in " + source);
            }
        } catch (IOException | ConfigException e) {
            return Map.of();
        }
        return keys;
    }

    /** Whether a backend's address is an http(s) URL on a loopback host; an ECS service never is. */
    private static boolean loopback(BackendAddress address) {
        return address instanceof BackendAddress.Url url && loopback(url.base());
    }

    /** Whether a URL (or any text that parses as one) names a loopback host; false for anything else. */
    public static boolean loopback(String url) {
        try {
            return loopback(new URI(url));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * Whether a URL's host is this machine however it is spelled, without asking DNS: also where
     * Java's {@link URI} finds no host ({@code http://127.1/}, {@code http://127.0.0.1./}), since other
     * clients and resolvers do.
     */
    public static boolean loopback(URI url) {
        String host = url.getHost();
        if (host == null) {
            String authority = url.getRawAuthority();
            if (authority == null) {
                return false;
            }
            host = authority.substring(authority.lastIndexOf('@') + 1);
            int colon = host.lastIndexOf(':');
            if (colon >= 0 && !host.endsWith("]")) {
                host = host.substring(0, colon);
            }
        }
        return loopbackHost(host);
    }

    /**
     * Whether a host names this machine without DNS: {@code localhost} and its subdomains and
     * aliases, with or without the root's trailing dot, in any case; an IPv4 address in 127.0.0.0/8
     * or 0.0.0.0/8 in any spelling {@code inet_aton} or Java reads ({@code 127.1}, {@code 2130706433},
     * {@code 0x7f.1}, {@code 0177.0.0.1}); an IPv6 literal, bracketed or not, with or without a zone,
     * that is {@code ::1}, {@code ::}, or maps or embeds such an IPv4 address.
     */
    public static boolean loopbackHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.contains(":")) {
            int zone = h.indexOf('%');
            String address = zone < 0 ? h : h.substring(0, zone);
            return LOOPBACK_NETWORKS.stream().anyMatch(network -> network.contains(address));
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (LOOPBACK_NAMES.contains(h) || h.endsWith(".localhost")) {
            return true;
        }
        return IPV4_PARTS.matcher(h).matches() && (firstOctet(h, true) == 127 || firstOctet(h, true) == 0
                || firstOctet(h, false) == 127 || firstOctet(h, false) == 0);
    }

    /**
     * The first octet of a numeric IPv4 host, its parts read as {@code inet_aton} does (0x hexadecimal,
     * 0 octal) or, without {@code radixPrefixes}, all as decimal, as Java does; -1 if it is no address so read.
     * The last part fills the bytes the others leave: {@code 127.1} is 127.0.0.1, {@code 2130706433} too.
     */
    private static int firstOctet(String host, boolean radixPrefixes) {
        String[] parts = host.split("\\.");
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            int radix = 10;
            if (radixPrefixes && part.startsWith("0x")) {
                part = part.substring(2);
                radix = 16;
            } else if (radixPrefixes && part.length() > 1 && part.startsWith("0")) {
                radix = 8;
            }
            try {
                values[i] = part.isEmpty() ? 0 : Long.parseLong(part, radix);
            } catch (NumberFormatException e) {
                return -1; // 0x... read as decimal, or 8 and 9 read as octal
            }
            if (values[i] > 0xffffffffL) {
                return -1;
            }
        }
        int last = parts.length - 1;
        if (last == 0) {
            return (int) (values[0] >>> 24);
        }
        for (int i = 0; i < last; i++) {
            if (values[i] > 255) {
                return -1;
            }
        }
        if (values[last] >= 1L << (8 * (4 - last))) {
            return -1;
        }
        return (int) values[0];
    }

    private static Cidr cidr(String written) {
        return Cidr.parse(written).orElseThrow();
    }

    @FunctionalInterface
    private interface Check {
        void problem(String path, String message);
    }
}
