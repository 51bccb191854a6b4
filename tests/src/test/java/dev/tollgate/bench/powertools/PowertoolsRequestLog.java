package dev.tollgate.bench.powertools;

import dev.tollgate.observe.Outcome;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.observe.RequestObserver;
import java.time.Duration;
import java.util.stream.Collectors;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The request log of {@code dev.tollgate.aws.EmfRequestLog} written with Powertools for AWS Lambda
 * (Java) metrics instead, for {@code bench/metrics-cold-start} only: the same namespace, dimension
 * sets, metrics and access log fields, one line per request. {@code flushMetrics} gives each
 * request its own metrics context, so concurrent requests do not mix (the factory's shared
 * instance is scoped by X-Ray trace id, which concurrent local requests do not have).
 * Compiled only with {@code -Pbench-powertools}, so the tests never have Powertools on their classpath.
 */
public final class PowertoolsRequestLog implements RequestObserver {

    private final Metrics metrics;

    public PowertoolsRequestLog() {
        metrics = MetricsFactory.getMetricsInstance();
        metrics.setNamespace("Tollgate");
    }

    @Override
    public void observe(RequestObservation o) {
        metrics.flushMetrics(line -> {
            line.setTimestamp(o.time());
            // Powertools refuses whitespace in dimension values, which CloudWatch takes: GET_/orders/{id}.
            o.route().ifPresent(route -> line.addDimension(DimensionSet.of("stage", o.stage(), "route", route.replace(' ', '_'))));
            line.addDimension(DimensionSet.of("stage", o.stage()));
            line.addMetric("Requests", 1, MetricUnit.COUNT);
            line.addMetric("Latency", millis(o.latency()), MetricUnit.MILLISECONDS);
            o.backendLatency().ifPresent(backend -> line.addMetric("BackendLatency", millis(backend), MetricUnit.MILLISECONDS));
            line.addMetric("4xx", o.status() >= 400 && o.status() < 500 ? 1 : 0, MetricUnit.COUNT);
            line.addMetric("5xx", o.status() >= 500 ? 1 : 0, MetricUnit.COUNT);
            line.addMetric("RateLimited", o.has(Outcome.RATE_LIMITED) ? 1 : 0, MetricUnit.COUNT);
            line.addMetric("QuotaExhausted", o.has(Outcome.QUOTA_EXHAUSTED) ? 1 : 0, MetricUnit.COUNT);
            line.addMetric("AuthFailures", o.has(Outcome.AUTH_FAILURE) ? 1 : 0, MetricUnit.COUNT);
            line.addMetric("CounterStoreErrors", o.has(Outcome.COUNTER_STORE_ERROR) ? 1 : 0, MetricUnit.COUNT);
            line.addMetric("BackendErrors", o.has(Outcome.BACKEND_ERROR) ? 1 : 0, MetricUnit.COUNT);
            line.addMetric("CircuitOpen", o.has(Outcome.CIRCUIT_OPEN) ? 1 : 0, MetricUnit.COUNT);
            line.addMetric("CircuitStateChanges", o.circuitChanges().size(), MetricUnit.COUNT);
            line.addMetric("Retries", o.retries(), MetricUnit.COUNT);
            line.addMetadata("time", o.time().toString());
            line.addMetadata("requestId", o.requestId());
            line.addMetadata("method", o.method());
            line.addMetadata("path", o.path());
            line.addMetadata("sourceIp", o.sourceIp());
            line.addMetadata("credential", o.credential().label());
            o.credentialId().ifPresent(id -> line.addMetadata("credentialId", id));
            o.consumer().ifPresent(consumer -> line.addMetadata("consumer", consumer));
            line.addMetadata("status", o.status());
            line.addMetadata("latencyMs", millis(o.latency()));
            o.backendLatency().ifPresent(backend -> line.addMetadata("backendLatencyMs", millis(backend)));
            line.addMetadata("retries", o.retries());
            line.addMetadata("outcome", o.outcomes().isEmpty() ? "ok"
                    : o.outcomes().stream().map(Outcome::label).collect(Collectors.joining(",")));
            o.problem().ifPresent(problem -> line.addMetadata("problem", problem));
            o.circuit().ifPresent(circuit -> line.addMetadata("circuit", circuit));
            line.addMetadata("traceId", o.traceId());
        });
    }

    private static double millis(Duration duration) {
        return Math.round(duration.toNanos() / 1_000.0) / 1_000.0;
    }
}
