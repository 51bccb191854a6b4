package dev.tollgate.azure;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.TraceContext;
import dev.tollgate.observe.AccessLogFields;
import dev.tollgate.observe.LogText;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.observe.RequestObserver;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.logging.Logger;

/**
 * One JSON line per request through the invocation's logger ({@link ExecutionContext#getLogger()}),
 * which the Java worker forwards to the Functions host: with Application Insights on, each line is a
 * row of the {@code traces} table (its {@code message}), tagged with the invocation id, where
 * log-based metrics and alerts query it (docs/azure-functions.md, docs/observability.md). No agent and
 * no SDK: custom metrics ({@code customMetrics}) would need the Application Insights Java agent.
 *
 * <p>The line starts with {@code "log":"}{@value #KIND}{@code "}, then the access log fields the
 * Lambda function writes ({@link AccessLogFields}), then {@code invocationId} and the W3C
 * {@code traceparent} the host gives the invocation ({@link ExecutionContext#getTraceContext()}). The
 * observation holds no header, key, token or key hash, so none can be logged; what a caller controls
 * (a path, a subject) is escaped ({@link LogText#JSON_ESCAPES}), so a line stays one line.
 *
 * <p>The gateway is shared by every invocation of a worker and tells its observer on the request's
 * thread, so the function marks the invocation the thread serves ({@link #during}); outside one (a
 * test, the local runner without a context) lines go to the logger given at construction.
 */
public final class AzureRequestLog implements RequestObserver {

    /** The value of the line's {@code log} field, by which queries find request lines among the traces. */
    public static final String KIND = "tollgate.request";

    private static final JsonFactory JSON = new JsonFactory();
    private static final ThreadLocal<ExecutionContext> INVOCATION = new ThreadLocal<>();

    private final Logger outside;

    /** @param outside where lines go when no invocation is marked on the thread */
    public AzureRequestLog(Logger outside) {
        this.outside = outside;
    }

    /** Lines outside an invocation go to this class's logger. */
    public static AzureRequestLog toFunctionLogger() {
        return new AzureRequestLog(Logger.getLogger(AzureRequestLog.class.getName()));
    }

    /** Marks the invocation the current thread serves until the returned scope closes. */
    public static Invocation during(ExecutionContext context) {
        INVOCATION.set(context);
        return INVOCATION::remove;
    }

    @Override
    public void observe(RequestObservation observation) {
        ExecutionContext context = INVOCATION.get();
        Logger logger = context == null || context.getLogger() == null ? outside : context.getLogger();
        logger.info(line(observation, context));
    }

    /** The line for one request, with the invocation's id and trace context when there is one. */
    public static String line(RequestObservation o, ExecutionContext context) {
        StringWriter text = new StringWriter(768);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.setCharacterEscapes(LogText.JSON_ESCAPES);
            json.writeStartObject();
            json.writeStringField("log", KIND);
            AccessLogFields.write(json, o);
            if (context != null) {
                if (context.getInvocationId() != null) {
                    json.writeStringField("invocationId", context.getInvocationId());
                }
                TraceContext trace = context.getTraceContext();
                if (trace != null && trace.getTraceparent() != null && !trace.getTraceparent().isEmpty()) {
                    json.writeStringField("traceparent", trace.getTraceparent());
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a request log line could not be written", e);
        }
        return text.toString();
    }

    /** The scope of {@link #during}: closing it unmarks the thread. */
    @FunctionalInterface
    public interface Invocation extends AutoCloseable {
        @Override
        void close();
    }
}
