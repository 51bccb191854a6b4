package dev.tollgate.backend;

import dev.tollgate.config.StageConfig;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.http.Headers;
import dev.tollgate.problem.BackendUnavailableException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Header changes a route makes on the way to the backend or back: {@code remove} first, then
 * {@code set} (replacing), then {@code add}. Headers the gateway manages itself cannot be named.
 * A value written {@code ${stageVariables.NAME}} is the stage variable's value on the request's stage,
 * so that a secret (a backend's token) lives in the platform's stage variables or settings (an Azure
 * Key Vault reference) and never in the file; the file need not define such a variable.
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
            "x-request-id", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", HeaderNames.X_REAL_IP, HeaderNames.FORWARDED,
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

    /** The stage variables the values read, by name. */
    public Set<String> variables() {
        Set<String> names = new java.util.TreeSet<>();
        set.values().forEach(value -> StageConfig.variableReference(value).ifPresent(names::add));
        add.values().forEach(value -> StageConfig.variableReference(value).ifPresent(names::add));
        return names;
    }

    /**
     * Applies the rules with the request's stage variables; a variable a value reads that the stage does
     * not have, or whose value a header cannot carry, is a 502 problem naming the variable, never its value.
     */
    public void applyTo(Headers.Builder headers, String stage, Map<String, String> stageVariables) {
        remove.forEach(headers::remove);
        set.forEach((name, value) -> headers.set(name, value(name, value, stage, stageVariables)));
        add.forEach((name, value) -> headers.add(name, value(name, value, stage, stageVariables)));
    }

    private static String value(String header, String written, String stage, Map<String, String> stageVariables) {
        Optional<String> variable = StageConfig.variableReference(written);
        if (variable.isEmpty()) {
            return written;
        }
        String value = stageVariables.get(variable.get());
        if (value == null) {
            throw new BackendUnavailableException("Stage " + stage + " has no stage variable " + variable.get()
                    + ", whose value the route sends in the header " + header + "; set it.", null);
        }
        if (!ForwardedHeaders.plain(value)) {
            throw new BackendUnavailableException("The stage variable " + variable.get() + " of stage " + stage
                    + " holds characters the header " + header + " cannot carry (expected: visible ASCII and spaces).", null);
        }
        return value;
    }
}
