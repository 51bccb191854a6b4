package dev.tollgate.backend;

import dev.tollgate.config.ConfigReader;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.http.Headers;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.policy.correlation.TraceContext;
import dev.tollgate.problem.BackendUnavailableException;
import dev.tollgate.problem.BadRequestException;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The headers that cross the gateway, both ways. Hop-by-hop headers ({@link #HOP_BY_HOP}) stay behind,
 * those a {@code Connection} header names included; the API key is not passed on, and neither is any
 * {@code x-tollgate-*} or {@code Forwarded} header of the caller's, nor one naming a client's address
 * ({@link #CLIENT_ADDRESS}), nor any header whose name holds {@code _} (see {@link #passesOn}); the
 * route's header rules apply, then {@code X-Forwarded-*}, {@code X-Real-IP}, {@code x-request-id}, the
 * trace context ({@code traceparent}, {@code tracestate},
 * {@code X-Amzn-Trace-Id}: see {@link TraceContext}) and the caller's identity
 * ({@code x-tollgate-consumer}, {@code -plan}, {@code -subject}, {@code -scopes}) are set. Header
 * values pass byte for byte or not at all: one holding anything but visible ASCII, spaces and tabs is
 * the caller's 400, or, from the backend, a 502 (see {@link #plain}).
 */
final class ForwardedHeaders {

    /**
     * Connection-level headers (RFC 9110 7.6.1), which stay behind both ways; {@link HeaderRules#MANAGED}
     * holds them too, so no route's rule can name one.
     */
    static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "proxy-authenticate", "proxy-connection", "te", "trailer", "transfer-encoding",
            "upgrade");
    /**
     * Beside the hop-by-hop ones: the caller's credentials for a proxy (this gateway), those the JDK client
     * sets itself, the API key and {@code Forwarded}, whose addresses the gateway does not vouch for.
     */
    private static final Set<String> NOT_FORWARDED = union(HOP_BY_HOP, Set.of(
            "proxy-authorization", "host", "content-length", "expect", "date", "from", "via", "warning", "http2-settings",
            HeaderNames.API_KEY, HeaderNames.FORWARDED, HeaderNames.X_REAL_IP));
    /**
     * Headers that name a client's address, which proxies and CDNs set and frameworks read (Rails' and
     * Express's client-address helpers, among others): a caller's would stand for an address the gateway
     * never saw, so they stay behind; {@code X-Forwarded-For} and {@code X-Real-IP} carry the one it did.
     */
    static final Set<String> CLIENT_ADDRESS = Set.of(
            "true-client-ip", "x-client-ip", "client-ip", "x-cluster-client-ip", "cf-connecting-ip", "cf-pseudo-ipv4",
            "fastly-client-ip", "x-appengine-user-ip", "x-forwarded", "forwarded-for", "x-original-forwarded-for");
    /** The caller's headers of this prefix stay behind; the gateway writes its own (see {@link #passesOn}). */
    private static final String X_FORWARDED_PREFIX = "x-forwarded-";
    /** Beside the hop-by-hop ones: those the JDK client reads itself. */
    private static final Set<String> NOT_RETURNED = union(HOP_BY_HOP, Set.of("content-length", ":status"));

    /** Why a header value is refused, after "its value holds". */
    private static final String NOT_PLAIN = "more than visible ASCII, spaces and tabs (a control character, or a"
            + " character or byte from 0x80), which the gateway does not pass on changed.";

    private ForwardedHeaders() {
    }

    /**
     * A header value to forward as it is, or the caller's 400 when it cannot pass unchanged (see {@link #plain}).
     * Names are checked where the caller's headers are taken ({@link #toBackend}); rules' names by the configuration.
     */
    static String passable(String name, String value) {
        if (!plain(value)) {
            throw new BadRequestException("The header " + name.toLowerCase(Locale.ROOT) + " cannot be forwarded: its"
                    + " value holds " + NOT_PLAIN, null);
        }
        return value;
    }

    /**
     * Whether a header value is visible ASCII, spaces and tabs: all that passes between caller and
     * backend unchanged. The JDK client writes a character from U+0080 as {@code ?}, and neither it
     * nor API Gateway's Lambda proxy, whose header values are JSON text, can tell which bytes a
     * character from 0x80 stood for, so such values are refused rather than passed on changed.
     */
    static boolean plain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 || c > 0x7e) && c != '\t') {
                return false;
            }
        }
        return true;
    }

    /** The headers the backend gets: the caller's that pass on, the route's rules applied, then the gateway's own. */
    static Headers toBackend(Exchange exchange, HeaderRules rules) {
        GatewayRequest request = exchange.request();
        Headers.Builder headers = Headers.builder();
        Set<String> nominated = nominated(request.headers().all("connection"));
        request.headers().forEach((name, values) -> {
            if (!ConfigReader.HEADER_NAME.matcher(name).matches()) {
                throw new BadRequestException("The header name \"" + headerSafe(name) + "\" cannot be forwarded: a field"
                        + " name is a token (RFC 9110 5.1), without spaces or control characters.", null);
            }
            if (passesOn(name, nominated)) {
                values.forEach(value -> headers.add(name, value));
            }
        });
        rules.applyTo(headers, request.stage(), request.stageVariables());
        headers.remove(HeaderNames.X_FORWARDED_FOR);
        forwardedFor(request.headers().all(HeaderNames.X_FORWARDED_FOR), request.sourceIp())
                .ifPresent(forwardedFor -> headers.set(HeaderNames.X_FORWARDED_FOR, forwardedFor));
        headers.remove(HeaderNames.X_REAL_IP);
        if (!request.sourceIp().isBlank()) {
            headers.set(HeaderNames.X_REAL_IP, request.sourceIp().strip());
        }
        headers.set(HeaderNames.X_FORWARDED_PROTO, request.scheme());
        headers.remove(HeaderNames.X_FORWARDED_HOST);
        request.headers().first(HeaderNames.HOST).ifPresent(host -> headers.set(HeaderNames.X_FORWARDED_HOST, host));
        headers.set(HeaderNames.REQUEST_ID, exchange.requestId());
        TraceContext trace = exchange.trace();
        headers.set(HeaderNames.TRACEPARENT, trace.traceparent());
        headers.remove(HeaderNames.TRACESTATE);
        trace.tracestate().ifPresent(state -> headers.set(HeaderNames.TRACESTATE, state));
        headers.remove(HeaderNames.X_AMZN_TRACE_ID);
        trace.amazonTrace().ifPresent(amazon -> headers.set(HeaderNames.X_AMZN_TRACE_ID, amazon));
        exchange.identity().ifPresent(identity -> {
            headers.set(HeaderNames.IDENTITY_CONSUMER, headerSafe(identity.consumer()));
            headers.set(HeaderNames.IDENTITY_PLAN, identity.plan());
            identity.subject().ifPresent(subject -> headers.set(HeaderNames.IDENTITY_SUBJECT, headerSafe(subject)));
            if (!identity.scopes().isEmpty()) {
                headers.set(HeaderNames.IDENTITY_SCOPES, headerSafe(String.join(" ", identity.scopes())));
            }
        });
        return headers.build();
    }

    /** A token's claims may hold any text; a header value only visible ASCII, so anything else is percent-encoded. */
    static String headerSafe(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '%') {
                return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
            }
        }
        return value;
    }

    /**
     * Whether a caller's header goes on to the backend. Not one whose name holds {@code _}, as nginx
     * ({@code underscores_in_headers off}) and Apache httpd do: CGI, WSGI, PHP-FPM and Rack backends read
     * {@code x_tollgate_consumer} as the gateway's {@code x-tollgate-consumer}, and {@code x_forwarded_for}
     * as {@code X-Forwarded-For}, so such a name could stand in for any header the gateway sets or a route's
     * rules set, now or later. Nor one naming a client's address ({@link #CLIENT_ADDRESS}), nor one the
     * gateway manages (the identity headers, {@code X-Real-IP}, {@code Forwarded},
     * whose addresses the gateway does not vouch for, and every {@code X-Forwarded-*}: the gateway sets
     * {@code -For}, {@code -Proto} and {@code -Host} itself, and a caller's {@code -Port}, {@code -Prefix} or
     * {@code -Scheme} would steer the URLs a framework builds), nor a hop-by-hop one.
     */
    private static boolean passesOn(String name, Set<String> nominated) {
        String lower = name.toLowerCase(Locale.ROOT);
        return name.indexOf('_') < 0 && !NOT_FORWARDED.contains(lower) && !CLIENT_ADDRESS.contains(lower)
                && !nominated.contains(lower)
                && !lower.startsWith(HeaderNames.IDENTITY_PREFIX) && !lower.startsWith(X_FORWARDED_PREFIX);
    }

    /**
     * The caller's {@code X-Forwarded-For} elements, from every line, then the address the request came
     * from, unless API Gateway has already appended it (a second copy would mislead the backend): no
     * element is empty, and with no element at all there is no header.
     */
    private static Optional<String> forwardedFor(List<String> callers, String source) {
        List<String> elements = new ArrayList<>();
        for (String line : callers) {
            for (String element : line.split(",")) {
                if (!element.isBlank()) {
                    elements.add(element.strip());
                }
            }
        }
        String address = source.strip();
        if (!address.isEmpty() && (elements.isEmpty() || !elements.get(elements.size() - 1).equals(address))) {
            elements.add(address);
        }
        return elements.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", elements));
    }

    /** The headers a {@code Connection} header names are hop-by-hop too (RFC 9110 7.6.1). */
    private static Set<String> nominated(List<String> connection) {
        return connection.stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(token -> token.strip().toLowerCase(Locale.ROOT))
                .filter(token -> !token.isEmpty())
                .collect(Collectors.toSet());
    }

    /**
     * The headers of the backend's answer the caller gets: all but the hop-by-hop ones, those its
     * {@code Connection} header names included; a value that cannot pass unchanged is a 502.
     */
    static Headers fromBackend(HttpHeaders received) {
        Map<String, List<String>> kept = new HashMap<>();
        Set<String> nominated = nominated(received.allValues("connection"));
        received.map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_RETURNED.contains(lower) && !nominated.contains(lower)) {
                if (!values.stream().allMatch(ForwardedHeaders::plain)) {
                    throw new BackendUnavailableException("The backend's header " + lower + " holds " + NOT_PLAIN, null);
                }
                kept.put(name, values);
            }
        });
        return Headers.builder().addAll(kept).build();
    }

    static Set<String> union(Set<String> some, Set<String> more) {
        return Stream.concat(some.stream(), more.stream()).collect(Collectors.toUnmodifiableSet());
    }
}
