package dev.tollgate.battery.attacks;

import dev.tollgate.conformance.Call;
import dev.tollgate.conformance.Conformance;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The corpus's credential families, for a run that scans what was written ({@code dev.tollgate.battery.secrets}). */
public final class AttackSlice {

    /**
     * Names the configuration makes public, which a log may hold: a key whose value is (part of) its own
     * consumer's name cannot be told apart from that name, so such values are not scanned for.
     */
    private static final Set<String> PUBLIC_NAMES = Set.of("conformance-ok", "conformance-prod", "conformance-api");

    private AttackSlice() {
    }

    /** The requests of the JWT, API key and header spoofing families. */
    public static List<Call> credentialCalls(Conformance on) {
        return AttackCorpus.all(on).stream()
                .filter(attack -> !attack.family().equals(AttackCorpus.TRAVERSAL))
                .map(Attack::call).toList();
    }

    /** The keys and tokens the calls send, in a header, the query or a cookie, but those that spell a public name. */
    public static List<String> credentials(List<Call> calls) {
        List<String> sent = new ArrayList<>();
        for (Call call : calls) {
            call.headers().forEach(field -> {
                String name = field.getKey().strip().toLowerCase(Locale.ROOT).replace('_', '-');
                String value = field.getValue();
                if (name.equals("authorization")) {
                    int space = value.indexOf(' ');
                    sent.add(space < 0 ? value : value.substring(space + 1));
                } else if (name.endsWith("api-key")) {
                    sent.add(value);
                } else if (name.equals("cookie")) {
                    sent.add(value.substring(value.indexOf('=') + 1));
                }
            });
            for (String pair : call.query().split("&")) {
                if (pair.contains("=")) {
                    sent.add(URLDecoder.decode(pair.substring(pair.indexOf('=') + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return sent.stream().map(String::strip).filter(value -> value.length() >= 8)
                .filter(value -> PUBLIC_NAMES.stream().noneMatch(name -> name.contains(value))).distinct().toList();
    }
}
