package dev.tollgate.observe;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * The fields of a request's access log line, written the same way by every platform's JSON request
 * log (the Lambda function's EMF line, the Azure function's line): time, request id, stage, route,
 * method, path (never the query, whose values may be credentials), caller address, credential kind
 * and id (an API key's id, never the key), consumer, status, latencies, retries, outcome, problem
 * type, circuit state and the W3C trace id. The observation holds no header, key, token or key hash,
 * so none can be written. The generator should escape with {@link LogText#JSON_ESCAPES}.
 */
public final class AccessLogFields {

    public static final String STAGE = "stage";
    public static final String ROUTE = "route";

    private AccessLogFields() {
    }

    /** Writes the fields into the JSON object the generator is in. */
    public static void write(JsonGenerator json, RequestObservation o) throws IOException {
        json.writeStringField("time", o.time().toString());
        json.writeStringField("requestId", o.requestId());
        // A CloudWatch dimension's value must not be empty, and one spelling serves every platform.
        json.writeStringField(STAGE, o.stage().isBlank() ? "-" : o.stage());
        if (o.route().isPresent()) {
            json.writeStringField(ROUTE, o.route().get());
        }
        json.writeStringField("method", o.method());
        json.writeStringField("path", o.path());
        json.writeStringField("sourceIp", o.sourceIp());
        json.writeStringField("credential", o.credential().label());
        if (o.credentialId().isPresent()) {
            json.writeStringField("credentialId", o.credentialId().get());
        }
        if (o.consumer().isPresent()) {
            json.writeStringField("consumer", o.consumer().get());
        }
        json.writeNumberField("status", o.status());
        json.writeNumberField("latencyMs", millis(o.latency()));
        if (o.backendLatency().isPresent()) {
            json.writeNumberField("backendLatencyMs", millis(o.backendLatency().get()));
        }
        json.writeNumberField("retries", o.retries());
        json.writeStringField("outcome", outcome(o));
        if (o.problem().isPresent()) {
            json.writeStringField("problem", o.problem().get());
        }
        if (o.circuit().isPresent()) {
            json.writeStringField("circuit", o.circuit().get());
        }
        if (!o.circuitChanges().isEmpty()) {
            json.writeArrayFieldStart("circuitChanges");
            for (String change : o.circuitChanges()) {
                json.writeString(change);
            }
            json.writeEndArray();
        }
        json.writeStringField("traceId", o.traceId());
    }

    /** {@code ok}, or the outcomes' labels joined by commas, {@code backend-error,response-too-large}. */
    public static String outcome(RequestObservation o) {
        return o.outcomes().isEmpty() ? "ok" : o.outcomes().stream().map(Outcome::label).collect(Collectors.joining(","));
    }

    /** Milliseconds to the microsecond. */
    public static double millis(Duration duration) {
        return Math.round(duration.toNanos() / 1_000.0) / 1_000.0;
    }
}
