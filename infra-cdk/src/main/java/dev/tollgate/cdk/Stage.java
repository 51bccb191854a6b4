package dev.tollgate.cdk;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One stage as it is deployed: read from the stages file, checked against the gateway
 * configuration, and completed with what follows from its backends (the ECS clusters the function
 * may list tasks of, the ports its security group opens). Made only by {@link StagesFile}.
 *
 * @param name            the stage: the API Gateway stage and the configuration's stage of the same name
 * @param account         the AWS account of its stack, if the file pins one
 * @param region          the AWS region of its stack, if the file pins one
 * @param api             which API Gateway flavour fronts the function
 * @param variables       the API Gateway stage variables, as the stages file writes them
 * @param effectiveVariables what the function works with: the configuration's variables of the stage,
 *                           replaced where the stages file names them (as API Gateway's win at run time)
 * @param function        the function's size and start-up settings
 * @param throttle        API Gateway's limits for the whole stage
 * @param network         the VPC the function runs in
 * @param backendVariables the variables routes send requests to (the others are audiences and such)
 * @param ecsClusters     the clusters of the stage's {@code ecs://} backends, and any the file adds
 * @param backendPorts    the TCP ports of the stage's backends, opened towards the VPC
 * @param logRetentionDays how long the function's and API Gateway's logs are kept
 * @param alarms          the alarm thresholds
 * @param protectData     RETAIN and deletion protection for the tables, termination protection for the stack
 * @param azure           the stage's Azure settings, if it is deployed to Azure too
 */
public record Stage(String name, Optional<String> account, Optional<String> region, Api api,
                    Map<String, String> variables, Map<String, String> effectiveVariables,
                    FunctionSettings function, Throttle throttle, Network network,
                    SortedSet<String> backendVariables, SortedSet<String> ecsClusters, SortedSet<Integer> backendPorts,
                    int logRetentionDays, AlarmThresholds alarms, boolean protectData, Optional<AzureSettings> azure) {

    public Stage {
        // Ordered, so that a template is the same from one synthesis to the next.
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        effectiveVariables = Collections.unmodifiableSortedMap(new TreeMap<>(effectiveVariables));
        backendVariables = Collections.unmodifiableSortedSet(new TreeSet<>(backendVariables));
        ecsClusters = Collections.unmodifiableSortedSet(new TreeSet<>(ecsClusters));
        backendPorts = Collections.unmodifiableSortedSet(new TreeSet<>(backendPorts));
    }

    /** A number as the stages file would write it: {@code 5}, not {@code 5.0}; {@code 2.5} as it is. */
    static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** The API Gateway flavour: HTTP API (payload 2.0), or REST API (payload 1.0) for users who need its features. */
    public enum Api {
        HTTP("http", "dev.tollgate.aws.HttpApiHandler::handleRequest"),
        REST("rest", "dev.tollgate.aws.RestApiHandler::handleRequest");

        private final String written;
        private final String handler;

        Api(String written, String handler) {
            this.written = written;
            this.handler = handler;
        }

        /** The Lambda handler that reads this flavour's events. */
        public String handler() {
            return handler;
        }

        @Override
        public String toString() {
            return written;
        }
    }

    /**
     * What runs the function: Lambda's managed {@code java21} runtime (the artifact, SnapStart possible), or
     * {@code aot}, the custom-runtime package on {@code provided.al2023} (its own Temurin 25 and an AOT cache
     * made at package time; x86_64 only, no SnapStart; docs/deploy-aws.md).
     */
    public enum Runtime {
        JAVA21("java21"), AOT("aot");

        private final String written;

        Runtime(String written) {
            this.written = written;
        }

        @Override
        public String toString() {
            return written;
        }
    }

    /** The instruction set the function runs on. */
    public enum Architecture {
        ARM64("arm64"), X86_64("x86_64");

        private final String written;

        Architecture(String written) {
            this.written = written;
        }

        @Override
        public String toString() {
            return written;
        }
    }

    /**
     * @param memoryMb            the function's memory, which also sets its CPU share
     * @param timeout             how long one invocation may run
     * @param architecture        arm64 or x86_64
     * @param snapStart           SnapStart on published versions (docs/deploy-aws.md, SnapStart: the trade-offs)
     * @param javaToolOptions     JVM options for a fast start
     * @param reservedConcurrency the function's reserved concurrency, if the stage caps it
     * @param runtime             the managed Java runtime, or the custom-runtime package
     */
    public record FunctionSettings(int memoryMb, Duration timeout, Architecture architecture, boolean snapStart,
                                   String javaToolOptions, Optional<Integer> reservedConcurrency, Runtime runtime) {
    }

    /**
     * @param rate  steady requests per second for the whole stage
     * @param burst requests at once
     */
    public record Throttle(double rate, int burst) {
    }

    /**
     * A VPC the platform team already has, imported by its attributes so that synthesis needs no lookup.
     *
     * @param vpcId             {@code vpc-...}
     * @param availabilityZones the zones of the private subnets, in the same order
     * @param privateSubnetIds  the subnets the function's network interfaces go in
     * @param vpcCidr           the VPC's IPv4 range
     * @param backendCidrs      where the security group lets the function reach the backends' ports: the
     *                          VPC's range unless the file names others (a peered VPC's, the tasks' subnets)
     */
    public record Network(String vpcId, List<String> availabilityZones, List<String> privateSubnetIds, String vpcCidr,
                          List<String> backendCidrs) {
        public Network {
            availabilityZones = List.copyOf(availabilityZones);
            privateSubnetIds = List.copyOf(privateSubnetIds);
            backendCidrs = List.copyOf(backendCidrs);
        }
    }

    /**
     * Thresholds over five-minute periods of the metrics the function emits (namespace {@code Tollgate}).
     *
     * @param serverErrorRatePercent 5xx answers as a share of requests
     * @param latencyP99Ms           the 99th percentile of the gateway's latency
     * @param throttles              Lambda throttles of the function
     * @param counterStoreErrors     requests that met a failing counter store
     * @param authFailures           401s and 403s: a spike means guessing or a broken client
     * @param topicArn               an SNS topic the alarms notify, if any
     */
    public record AlarmThresholds(double serverErrorRatePercent, double latencyP99Ms, int throttles,
                                  int counterStoreErrors, int authFailures, Optional<String> topicArn) {
    }
}
