package dev.tollgate.bench;

import dev.tollgate.aws.EmfRequestLog;
import dev.tollgate.observe.CredentialKind;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.observe.RequestObserver;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The request log alone, run by {@code bench/metrics-cold-start} in a fresh JVM: build the writer
 * as a function instance would, write one request's line to standard output, and print the
 * milliseconds from JVM start as the last line. Argument: {@code own} ({@link EmfRequestLog}) or
 * {@code powertools} (Powertools for AWS Lambda metrics; needs {@code -Pbench-powertools}).
 */
public final class MetricsColdStart {

    private MetricsColdStart() {
    }

    public static void main(String[] args) throws Exception {
        RequestObserver log = ColdStart.requestLog(args[0]);
        log.observe(new RequestObservation(Instant.now(), "bench-1", "dev", "GET", "/orders/7", "127.0.0.1",
                Optional.of("GET /orders/{id}"), CredentialKind.API_KEY, Optional.of("demo-dev"), Optional.of("demo-dev"), 200,
                Optional.empty(), Set.of(), Duration.ofMillis(12), Optional.of(Duration.ofMillis(8)), 0, Optional.empty(),
                List.of(), "4bf92f3577b34da6a3ce929d0e0e4736"));
        System.out.println(System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
        System.exit(0);
    }
}
