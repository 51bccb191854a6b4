package dev.tollgate.cdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * The stage's alarms and dashboard, on the metrics the function writes as EMF in the
 * {@value #NAMESPACE} namespace (per stage: dimension {@code stage}; see docs/observability.md) and on Lambda's own. Every alarm looks at five-minute periods and treats
 * missing data (no traffic) as fine.
 */
final class Monitoring extends Construct {

    static final String NAMESPACE = "Tollgate";
    static final Duration PERIOD = Duration.minutes(5);

    private final List<Alarm> alarms = new ArrayList<>();

    Monitoring(Construct scope, String id, Stage stage, Function function) {
        super(scope, id);
        String prefix = "tollgate-" + stage.name() + "-";
        Stage.AlarmThresholds limits = stage.alarms();

        Metric requests = metric(stage, "Requests", "Sum");
        Metric serverErrors = metric(stage, "5xx", "Sum");
        MathExpression serverErrorRate = MathExpression.Builder.create()
                .expression("IF(requests > 0, 100 * errors / requests, 0)")
                .usingMetrics(new TreeMap<>(Map.of("errors", serverErrors, "requests", requests)))
                .label("5xx % of requests")
                .period(PERIOD)
                .build();
        Metric latencyP99 = metric(stage, "Latency", "p99");
        Metric throttles = function.metricThrottles(MetricOptions.builder().period(PERIOD).statistic("Sum").build());
        Metric counterStoreErrors = metric(stage, "CounterStoreErrors", "Sum");
        Metric authFailures = metric(stage, "AuthFailures", "Sum");

        alarm("ServerErrorRate", prefix + "5xx-rate", serverErrorRate, limits.serverErrorRatePercent(),
                ComparisonOperator.GREATER_THAN_THRESHOLD,
                "More than " + Stage.plain(limits.serverErrorRatePercent()) + "% of requests answered 5xx over 5 minutes");
        alarm("LatencyP99", prefix + "latency-p99", latencyP99, limits.latencyP99Ms(),
                ComparisonOperator.GREATER_THAN_THRESHOLD,
                "The gateway's p99 latency above " + Stage.plain(limits.latencyP99Ms()) + " ms over 5 minutes");
        alarm("Throttles", prefix + "throttles", throttles, limits.throttles(),
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                "Lambda throttled the function at least " + limits.throttles() + " times in 5 minutes");
        alarm("CounterStoreErrors", prefix + "counter-store-errors", counterStoreErrors, limits.counterStoreErrors(),
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                "At least " + limits.counterStoreErrors() + " requests met a failing counter store in 5 minutes"
                        + " (refused with 503, or served uncounted where a plan fails open)");
        alarm("AuthFailuresSpike", prefix + "auth-failures", authFailures, limits.authFailures(),
                ComparisonOperator.GREATER_THAN_THRESHOLD,
                "More than " + limits.authFailures() + " 401s and 403s in 5 minutes: key guessing, or a client"
                        + " with a revoked key");
        limits.topicArn().ifPresent(arn -> {
            SnsAction notify = new SnsAction(Topic.fromTopicArn(this, "AlarmTopic", arn));
            alarms.forEach(alarm -> {
                alarm.addAlarmAction(notify);
                alarm.addOkAction(notify);
            });
        });

        List<List<IWidget>> rows = List.of(
                List.of(AlarmStatusWidget.Builder.create().title("Alarms").alarms(List.<IAlarm>copyOf(alarms))
                        .width(24).height(3).build()),
                List.of(graph("Requests and errors", List.of(requests, metric(stage, "4xx", "Sum"), serverErrors)),
                        graph("5xx rate (%)", List.of(serverErrorRate))),
                List.of(graph("Latency (ms)", List.of(metric(stage, "Latency", "p50"), latencyP99,
                                metric(stage, "BackendLatency", "p99"))),
                        graph("Limits", List.of(metric(stage, "RateLimited", "Sum"), metric(stage, "QuotaExhausted", "Sum"),
                                authFailures))),
                List.of(graph("Failures", List.of(counterStoreErrors, metric(stage, "BackendErrors", "Sum"),
                                metric(stage, "CircuitOpen", "Sum"), metric(stage, "Retries", "Sum"))),
                        graph("Function", List.of(
                                function.metricInvocations(MetricOptions.builder().period(PERIOD).build()),
                                function.metricErrors(MetricOptions.builder().period(PERIOD).build()), throttles,
                                function.metricDuration(MetricOptions.builder().period(PERIOD).statistic("p99").build())))));
        Dashboard.Builder.create(this, "Dashboard")
                .dashboardName("tollgate-" + stage.name())
                .widgets(rows)
                .build();
    }

    List<Alarm> alarms() {
        return List.copyOf(alarms);
    }

    private static Metric metric(Stage stage, String name, String statistic) {
        return Metric.Builder.create()
                .namespace(NAMESPACE)
                .metricName(name)
                .dimensionsMap(Map.of("stage", stage.name()))
                .statistic(statistic)
                .period(PERIOD)
                .label(name + " " + statistic)
                .build();
    }

    private void alarm(String id, String name, IMetric metric, double threshold, ComparisonOperator comparison,
                       String description) {
        alarms.add(Alarm.Builder.create(this, id)
                .alarmName(name)
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(comparison)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build());
    }

    private static GraphWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(12).height(6).build();
    }
}
