package dev.tollgate.backend;

import dev.tollgate.http.HeaderNames;
import dev.tollgate.http.Headers;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Header changes a route makes on the way to the backend or back: {@code remove} first, then
 * {@code set} (replacing), then {@code add}. Headers the gateway manages itself cannot be named.
 *
 * @param set    headers set to one value, replacing any the message had
 * @param add    values added beside any the message had
 * @param remove headers taken out
 */
public record HeaderRules(Map<String, String> set, Map<String, String> add, List<String> remove) {

    public static final HeaderRules NONE = new HeaderRules(Map.of(), Map.of(), List.of());

    /** Headers the gateway writes or strips itself; a rule naming one would be silently undone or unsafe. */
    public static final Set<String> MANAGED = ForwardedHeaders.union(ForwardedHeaders.HOP_BY_HOP, Set.of(
            "proxy-authorization", "host", "content-length", "expect", "x-api-key",
            "x-request-id", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", HeaderNames.FORWARDED,
            "traceparent", "tracestate", "x-amzn-trace-id",
            "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "retry-after"));

    /**
     * Whether a header name is one the gateway manages, in any case and with {@code _} for {@code -}:
     * CGI, WSGI, PHP and Rack backends read {@code x_forwarded_for} as {@code X-Forwarded-For}.
     */
    public static boolean managed(String name) {
        String read = name.replace('_', '-').toLowerCase(Locale.ROOT);
        return MANAGED.contains(read) || read.startsWith(HeaderNames.IDENTITY_PREFIX);
    }

    public HeaderRules {
        set = Map.copyOf(set);
        add = Map.copyOf(add);
        remove = List.copyOf(remove);
    }

    public void applyTo(Headers.Builder headers) {
        remove.forEach(headers::remove);
        set.forEach(headers::set);
        add.forEach(headers::add);
    }
}
