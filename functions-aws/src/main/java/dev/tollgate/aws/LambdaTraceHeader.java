package dev.tollgate.aws;

import java.util.Optional;
import java.util.stream.Stream;

/**
 * The X-Ray trace header the Lambda runtime gives the invocation under way when the function is
 * traced: the Java runtime sets the system property {@value #PROPERTY} for each invocation (its
 * {@code Parent} is the function's segment); other runtimes set {@value #ENVIRONMENT}. It wins over
 * the caller's {@code X-Amzn-Trace-Id}, so the backend's segment hangs under the function's. A
 * function instance runs one invocation at a time, so the property belongs to the request at hand;
 * the local runner, which calls one instance concurrently, sets neither.
 */
final class LambdaTraceHeader {

    static final String PROPERTY = "com.amazonaws.xray.traceHeader";
    static final String ENVIRONMENT = "_X_AMZN_TRACE_ID";

    private LambdaTraceHeader() {
    }

    static Optional<String> current() {
        return first(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT));
    }

    static Optional<String> first(String... candidates) {
        return Stream.of(candidates).filter(value -> value != null && !value.isBlank()).findFirst();
    }
}
