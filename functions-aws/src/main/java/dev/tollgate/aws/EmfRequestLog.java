package dev.tollgate.aws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tollgate.observe.AccessLogFields;
import dev.tollgate.observe.LogText;
import dev.tollgate.observe.Outcome;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.observe.RequestObserver;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One JSON line per request on standard output, which is both the access log and CloudWatch
 * metrics: its {@code _aws} member is Embedded Metric Format metadata, from which CloudWatch Logs
 * extracts the metrics of the line, so no API is called on the request path and each request costs
 * one log event. Metrics are in namespace {@value #NAMESPACE}, per stage and route and rolled up
 * per stage (a request that matched no route counts in the stage's only):
 * <ul>
 *   <li>{@code Requests}, {@code 4xx}, {@code 5xx}, {@code RateLimited}, {@code QuotaExhausted},
 *       {@code AuthFailures}, {@code CounterStoreErrors}, {@code BackendErrors}, {@code CircuitOpen},
 *       {@code CircuitStateChanges}, {@code Retries}: counts, 0 or more on every line, so rates and
 *       alarms see the zeros too;</li>
 *   <li>{@code Latency} (the gateway's, backend included) and {@code BackendLatency} (inside the
 *       sends to the backend; only when it was called): milliseconds.</li>
 * </ul>
 * The access log fields sit beside them ({@link AccessLogFields}, as the Azure function writes them).
 * The observation holds no header, key, token or key hash, so none can be logged.
 * Control characters, line separators and bidirectional controls in any value (a token's subject, a
 * path) are written as JSON escapes ({@link LogText#JSON_ESCAPES}): a line stays one line and one
 * document, whatever a caller sends, and reads back as sent.
 */
public final class EmfRequestLog implements RequestObserver {

    public static final String NAMESPACE = "Tollgate";
    public static final String STAGE = AccessLogFields.STAGE;
    public static final String ROUTE = AccessLogFields.ROUTE;
    private static final JsonFactory JSON = new JsonFactory();
    private static final String COUNT = "Count";
    private static final String MILLISECONDS = "Milliseconds";

    private final Consumer<String> out;

    /** @param out where each line goes: standard output in Lambda, whose log group CloudWatch reads */
    public EmfRequestLog(Consumer<String> out) {
        this.out = out;
    }

    /** Lines on {@link System#out}, as Lambda functions write logs and EMF. */
    public static EmfRequestLog toStandardOutput() {
        return new EmfRequestLog(System.out::println);
    }

    @Override
    public void observe(RequestObservation observation) {
        out.accept(line(observation));
    }

    /** The line for one request. */
    public static String line(RequestObservation o) {
        List<Metric> metrics = metrics(o);
        StringWriter text = new StringWriter(1024);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.setCharacterEscapes(LogText.JSON_ESCAPES);
            json.writeStartObject();
            json.writeObjectFieldStart("_aws");
            json.writeNumberField("Timestamp", o.time().toEpochMilli());
            json.writeArrayFieldStart("CloudWatchMetrics");
            json.writeStartObject();
            json.writeStringField("Namespace", NAMESPACE);
            json.writeArrayFieldStart("Dimensions");
            if (o.route().isPresent()) {
                json.writeArray(new String[] {STAGE, ROUTE}, 0, 2);
            }
            json.writeArray(new String[] {STAGE}, 0, 1);
            json.writeEndArray();
            json.writeArrayFieldStart("Metrics");
            for (Metric metric : metrics) {
                json.writeStartObject();
                json.writeStringField("Name", metric.name());
                json.writeStringField("Unit", metric.unit());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();

            AccessLogFields.write(json, o);

            for (Metric metric : metrics) {
                if (metric.unit().equals(COUNT)) {
                    json.writeNumberField(metric.name(), (long) metric.value());
                } else {
                    json.writeNumberField(metric.name(), metric.value());
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("an access log line could not be written", e);
        }
        return text.toString();
    }

    private static List<Metric> metrics(RequestObservation o) {
        List<Metric> metrics = new ArrayList<>(14);
        metrics.add(new Metric("Requests", COUNT, 1));
        metrics.add(new Metric("Latency", MILLISECONDS, AccessLogFields.millis(o.latency())));
        o.backendLatency().ifPresent(backend -> metrics.add(new Metric("BackendLatency", MILLISECONDS, AccessLogFields.millis(backend))));
        metrics.add(count("4xx", o.status() >= 400 && o.status() < 500));
        metrics.add(count("5xx", o.status() >= 500));
        metrics.add(count("RateLimited", o.has(Outcome.RATE_LIMITED)));
        metrics.add(count("QuotaExhausted", o.has(Outcome.QUOTA_EXHAUSTED)));
        metrics.add(count("AuthFailures", o.has(Outcome.AUTH_FAILURE)));
        metrics.add(count("CounterStoreErrors", o.has(Outcome.COUNTER_STORE_ERROR)));
        metrics.add(count("BackendErrors", o.has(Outcome.BACKEND_ERROR)));
        metrics.add(count("CircuitOpen", o.has(Outcome.CIRCUIT_OPEN)));
        metrics.add(new Metric("CircuitStateChanges", COUNT, o.circuitChanges().size()));
        metrics.add(new Metric("Retries", COUNT, o.retries()));
        return metrics;
    }

    private static Metric count(String name, boolean counted) {
        return new Metric(name, COUNT, counted ? 1 : 0);
    }

    private record Metric(String name, String unit, double value) {
    }
}
