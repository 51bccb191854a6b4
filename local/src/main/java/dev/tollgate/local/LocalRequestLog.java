package dev.tollgate.local;

import static dev.tollgate.observe.LogText.escape;

import dev.tollgate.observe.Outcome;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.observe.RequestObserver;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code ./tollgate local}'s request log: one short line per request for a person to read, from the
 * same observation the Lambda function's JSON lines come from ({@code --log json} prints those):
 * <pre>
 * 12:10:00.123Z 200 GET /dev/orders/7  12.3 ms (backend 8.1 ms)  route GET /orders/{id}  demo-dev by api-key demo-dev  id 3f2a…
 * </pre>
 * What a caller sent (a path, a token's subject) is escaped ({@link dev.tollgate.observe.LogText}),
 * so a line stays one line: {@code \n} shows as {@code \\n}.
 */
public final class LocalRequestLog implements RequestObserver {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSX", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Consumer<String> out;

    public LocalRequestLog(Consumer<String> out) {
        this.out = out;
    }

    @Override
    public void observe(RequestObservation observation) {
        out.accept(line(observation));
    }

    static String line(RequestObservation o) {
        StringBuilder line = new StringBuilder(160)
                .append(TIME.format(o.time())).append(' ').append(o.status()).append(' ')
                .append(escape(o.method())).append(" /").append(escape(o.stage())).append(escape(o.path()))
                .append("  ").append(millis(o.latency()));
        o.backendLatency().ifPresent(backend -> line.append(" (backend ").append(millis(backend))
                .append(o.retries() == 0 ? "" : ", " + o.retries() + (o.retries() == 1 ? " retry" : " retries")).append(')'));
        o.route().ifPresent(route -> line.append("  route ").append(escape(route)));
        if (o.consumer().isPresent()) {
            line.append("  ").append(escape(o.consumer().get())).append(" by ").append(o.credential().label())
                    .append(' ').append(escape(o.credentialId().orElse("")));
        } else if (o.credential() != dev.tollgate.observe.CredentialKind.NONE) {
            line.append("  ").append(o.credential().label()).append(" not accepted");
        }
        if (!o.outcomes().isEmpty()) {
            line.append("  ").append(o.outcomes().stream().map(Outcome::label).collect(Collectors.joining(", ")));
        }
        o.circuit().ifPresent(circuit -> line.append("  circuit ").append(escape(circuit)));
        o.circuitChanges().forEach(change -> line.append(" (").append(escape(change)).append(')'));
        return line.append("  id ").append(escape(o.requestId())).toString();
    }

    private static String millis(Duration duration) {
        return String.format(Locale.ROOT, "%.1f ms", duration.toNanos() / 1_000_000.0);
    }
}
