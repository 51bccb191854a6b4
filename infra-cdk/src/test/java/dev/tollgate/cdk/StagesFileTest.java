package dev.tollgate.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigProblem;
import dev.tollgate.config.NumberCases;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The stages file: read and checked together with the configuration it bundles, every problem named with its place. */
class StagesFileTest {

    private static final String NETWORK = """
                network:
                  vpcId: vpc-0123456789abcdef0
                  availabilityZones: [eu-west-1a]
                  privateSubnetIds: [subnet-0123456789abcdef1]
                  vpcCidr: 10.0.0.0/16
            """;

    @TempDir
    Path root;

    @BeforeEach
    void configuration() throws IOException {
        Files.copy(Synthesized.ROOT.resolve("examples/tollgate.yaml"), root.resolve("config.yaml"));
    }

    @Test
    void theCommittedStagesFile_loads_withWhatFollowsFromItsBackends() {
        StagesFile file = StagesFile.load(Synthesized.ROOT.resolve("deploy/stages.yaml"), Synthesized.ROOT);

        assertThat(file.stages().keySet()).containsExactly("dev", "prod");
        assertThat(file.config()).isEqualTo(Synthesized.ROOT.resolve("examples/tollgate.yaml"));
        Stage dev = file.stage("dev").orElseThrow();
        assertThat(dev.ecsClusters()).containsExactly("tollgate-dev");
        assertThat(dev.backendPorts()).containsExactly(8080);
        assertThat(dev.backendVariables()).containsExactly("ordersBackend");
        Stage prod = file.stage("prod").orElseThrow();
        assertThat(prod.ecsClusters()).isEmpty();
        assertThat(prod.effectiveVariables()).containsEntry("ordersBackend",
                "http://internal-orders-prod-0123456789.eu-west-1.elb.amazonaws.com:8080");
        assertThat(prod.protectData()).isTrue();
        assertThat(dev.protectData()).isFalse();
    }

    @Test
    void aStageWithOnlyItsNetwork_getsTheNamedDefaults() {
        Stage dev = load("""
                config: config.yaml
                stages:
                  dev:
                """ + NETWORK).stage("dev").orElseThrow();

        assertThat(dev.api()).isEqualTo(Stage.Api.HTTP);
        assertThat(dev.function()).isEqualTo(new Stage.FunctionSettings(1024, Duration.ofSeconds(30),
                Stage.Architecture.ARM64, true, "-XX:+TieredCompilation -XX:TieredStopAtLevel=1", Optional.empty()));
        assertThat(dev.throttle()).isEqualTo(new Stage.Throttle(100, 200));
        assertThat(dev.alarms()).isEqualTo(new Stage.AlarmThresholds(5, 3000, 1, 1, 100, Optional.empty()));
        assertThat(dev.logRetentionDays()).isEqualTo(30);
        assertThat(dev.protectData()).isFalse();
        assertThat(dev.network().backendCidrs()).containsExactly("10.0.0.0/16");
        assertThat(dev.variables()).isEmpty();
        // The configuration's own variables hold where the stages file names none.
        assertThat(dev.effectiveVariables()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ordersBackend", "ecs://tollgate-dev/orders:8080", "tokenAudience", "tollgate-dev"));
    }

    @Test
    void badSettings_areEachNamedWithFileLinePathValueAndExpectation() {
        assertThat(problems("""
                config: config.yaml
                stages:
                  dev:
                    api: graphql
                    colour: blue
                    function:
                      memory: 64
                      timeout: 2h
                      architecture: sparc
                      snapStart: maybe
                    throttle: {rate: 0, burst: 1.5}
                    network:
                      vpcId: vpc-1
                      availabilityZones: [eu-west-1a, eu-west-1b]
                      privateSubnetIds: [subnet-0123456789abcdef1]
                      vpcCidr: 10.0.0.0/99
                      backendCidrs: [10.0.0.0]
                    logRetentionDays: 10
                    alarms:
                      serverErrorRatePercent: 0
                      topicArn: my-topic
                """)).containsExactly(
                "stages.yaml:5: stages.dev.colour: unknown field (expected one of: account, alarms, api, ecsClusters,"
                        + " function, logRetentionDays, network, protectData, region, throttle, variables)",
                "stages.yaml:4: stages.dev.api: graphql (expected: http or rest)",
                "stages.yaml:7: stages.dev.function.memory: 64 (expected: a whole number from 128 to 10240)",
                "stages.yaml:8: stages.dev.function.timeout: 2h (expected: a duration from 1s to 15m, such as 30s)",
                "stages.yaml:9: stages.dev.function.architecture: sparc (expected: arm64 or x86_64)",
                "stages.yaml:10: stages.dev.function.snapStart: maybe (expected: true or false)",
                "stages.yaml:11: stages.dev.throttle.rate: 0 (expected: a number from 1 to 1000000)",
                "stages.yaml:11: stages.dev.throttle.burst: 1.5 (expected: a whole number from 1 to 1000000)",
                "stages.yaml:13: stages.dev.network.vpcId: vpc-1 (expected: a VPC id, such as vpc-0a1b2c3d4e5f60001)",
                "stages.yaml:15: stages.dev.network.privateSubnetIds: 1 subnets (expected: as many per availability zone,"
                        + " in the zones' order; 2 zones are listed)",
                "stages.yaml:16: stages.dev.network.vpcCidr: 10.0.0.0/99 (expected: the VPC's IPv4 range, such as 10.0.0.0/16)",
                "stages.yaml:17: stages.dev.network.backendCidrs[0]: 10.0.0.0 (expected: an IPv4 range the backends are in,"
                        + " such as 10.0.32.0/20)",
                "stages.yaml:18: stages.dev.logRetentionDays: 10 (expected: a retention CloudWatch Logs offers: 1, 3, 5, 7,"
                        + " 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)",
                "stages.yaml:20: stages.dev.alarms.serverErrorRatePercent: 0 (expected: a number from 0.01 to 100)",
                "stages.yaml:21: stages.dev.alarms.topicArn: my-topic (expected: an SNS topic's ARN, such as"
                        + " arn:aws:sns:eu-west-1:123456789012:tollgate-alarms)");
    }

    @Test
    void aStageTheConfigurationLacks_isNamedWithTheConfigurationsStages() {
        assertThat(problems("""
                config: config.yaml
                stages:
                  qa:
                """ + NETWORK)).containsExactly("stages.yaml:3: stages.qa: qa (expected: a stage of config.yaml: dev, prod)");
    }

    @Test
    void aBackendVariableTheFunctionCouldNotUse_isNamedInTheStagesFile_byTheConfigurationsOwnLoader() {
        assertThat(problems("""
                config: config.yaml
                stages:
                  dev:
                    variables:
                      ordersBackend: ecs://orders
                      tokenAudience: has spaces
                """ + NETWORK)).containsExactly(
                "stages.yaml:6: stages.dev.variables.tokenAudience: has spaces (expected: 1 to 2048 of the characters"
                        + " A-Z a-z 0-9 - . _ ~ : / ? # & = ,)",
                ordersBackend(0), ordersBackend(1), ordersBackend(2), ordersBackend(3));
    }

    private static String ordersBackend(int route) {
        return "stages.yaml:5: stages.dev.variables.ordersBackend: ecs://orders (expected: ecs://CLUSTER/SERVICE[:PORT],"
                + " such as ecs://prod/orders:8080, since routes[" + route + "].backend sends requests there)";
    }

    @Test
    void aLoopbackBackend_isNamedWhereTheFixGoes_sayingWhereItCameFrom() {
        // prod's ordersBackend in the configuration is the local runner's demo service.
        assertThat(problems("""
                config: config.yaml
                stages:
                  prod:
                """ + NETWORK)).containsExactly("stages.yaml:3: stages.prod.variables: ordersBackend:"
                + " http://127.0.0.1:9102, from config.yaml (expected: a backend the function reaches from its VPC, such as"
                + " an internal NLB's URL or ecs://CLUSTER/SERVICE[:PORT]; a loopback address serves only ./tollgate local)");
        assertThat(problems("""
                config: config.yaml
                stages:
                  dev:
                    variables:
                      ordersBackend: http://localhost:8080
                """ + NETWORK)).containsExactly("stages.yaml:5: stages.dev.variables.ordersBackend: http://localhost:8080"
                + " (expected: a backend the function reaches from its VPC, such as an internal NLB's URL or"
                + " ecs://CLUSTER/SERVICE[:PORT]; a loopback address serves only ./tollgate local)");
    }

    @Test
    void aFunctionTimeoutShorterThanARoutes_isRefused() {
        assertThat(problems("""
                config: config.yaml
                stages:
                  dev:
                    function: {timeout: 5s}
                """ + NETWORK)).containsExactly("stages.yaml:4: stages.dev.function.timeout: 5s (expected: at least the"
                + " longest route timeout, 29s of routes[2] in config.yaml, or the function ends before the backend answers)");
    }

    @Test
    void theConfigurationsOwnProblems_keepTheirFileAndLine() throws IOException {
        Files.writeString(root.resolve("config.yaml"), Files.readString(root.resolve("config.yaml"))
                .replace("limit: 10000", "limit: 0"));
        assertThat(problems("""
                config: config.yaml
                stages:
                  dev:
                """ + NETWORK)).containsExactly("config.yaml:28: plans.developer.quota.limit: 0 (expected: a whole number from 1 to 9223372036854775807)");
    }

    @Test
    void aMissingConfiguration_orNetwork_isNamed() {
        assertThat(problems("""
                config: nowhere.yaml
                stages:
                  dev:
                    api: http
                """)).containsExactly(
                "stages.yaml:1: config: nowhere.yaml (expected: a configuration file, relative to the repository; "
                        + root.resolve("nowhere.yaml") + " does not exist)",
                "stages.yaml:3: stages.dev.network: missing (expected: the VPC the function runs in: vpcId,"
                        + " availabilityZones, privateSubnetIds and vpcCidr)");
    }

    /** A number of the stages file: where it is, the file with {@code NUMBER} in its place, and what it takes. */
    record NumberField(String path, String text, BigDecimal min, BigDecimal max, long valid, boolean whole) {
        String with(String number) {
            return text.replace("NUMBER", number);
        }

        int line() {
            return text.substring(0, text.indexOf("NUMBER")).split("\n", -1).length;
        }

        List<NumberCases.Case> refusals() {
            return whole ? NumberCases.refusedWhole(min.longValueExact(), max.longValueExact(), valid,
                    "a whole number from " + min + " to " + max)
                    : NumberCases.refusedDecimal(min, max, valid, "a number from " + min + " to " + max);
        }

        @Override
        public String toString() {
            return path;
        }
    }

    private static NumberField whole(String path, String setting, long min, long max, long valid) {
        return new NumberField(path, stage(setting), BigDecimal.valueOf(min), BigDecimal.valueOf(max), valid, true);
    }

    private static NumberField decimal(String path, String setting, String min, String max, long valid) {
        return new NumberField(path, stage(setting), new BigDecimal(min), new BigDecimal(max), valid, false);
    }

    private static String stage(String setting) {
        return "config: config.yaml\nstages:\n  dev:\n" + setting.indent(4) + NETWORK;
    }

    /** Every number the stages file holds. */
    static final List<NumberField> NUMBER_FIELDS = List.of(
            whole("stages.dev.function.memory", "function: {memory: NUMBER}", 128, 10240, 1024),
            whole("stages.dev.function.reservedConcurrency", "function:\n  reservedConcurrency: NUMBER", 1, 100_000, 200),
            decimal("stages.dev.throttle.rate", "throttle: {rate: NUMBER}", "1", "1000000", 50),
            whole("stages.dev.throttle.burst", "throttle: {burst: NUMBER}", 1, 1_000_000, 100),
            whole("stages.dev.logRetentionDays", "logRetentionDays: NUMBER", 1, 3653, 30),
            decimal("stages.dev.alarms.serverErrorRatePercent", "alarms: {serverErrorRatePercent: NUMBER}", "0.01", "100", 10),
            decimal("stages.dev.alarms.latencyP99Ms", "alarms: {latencyP99Ms: NUMBER}", "1", "900000", 5000),
            whole("stages.dev.alarms.throttles", "alarms: {throttles: NUMBER}", 1, 1_000_000, 1),
            whole("stages.dev.alarms.counterStoreErrors", "alarms:\n  counterStoreErrors: NUMBER", 1, 1_000_000, 5),
            whole("stages.dev.alarms.authFailures", "alarms: {authFailures: NUMBER}", 1, 10_000_000, 500));

    static Stream<Arguments> numberRefusals() {
        return NUMBER_FIELDS.stream().flatMap(field -> field.refusals().stream().map(refused -> Arguments.of(field, refused)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("numberRefusals")
    void aNumberOutsideItsBounds_orWrittenOtherwise_isRefused_namingItAsWritten(NumberField field, NumberCases.Case refused) {
        assertThat(problems(field.with(refused.written())))
                .containsExactly("stages.yaml:" + field.line() + ": " + field.path() + ": " + refused.message());
    }

    static Stream<Arguments> numberBounds() {
        return NUMBER_FIELDS.stream().flatMap(field -> Stream.of(field.min().toPlainString(), field.max().toPlainString(),
                Long.toString(field.valid())).map(value -> Arguments.of(field, value)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("numberBounds")
    void aNumberWithinItsBounds_isTaken(NumberField field, String value) {
        assertThat(load(field.with(value)).stage("dev")).isPresent();
    }

    @Test
    void aWrappingValue_isNotTakenForTheValueItWrapsTo() {
        // 2^64 + 1024 read as a long is 1024; 2^64 + 30 is 30, a retention CloudWatch Logs offers.
        assertThat(problems(stage("function: {memory: 18446744073709552640}"))).containsExactly(
                "stages.yaml:4: stages.dev.function.memory: 18446744073709552640 (expected: a whole number from 128 to 10240)");
        assertThat(problems(stage("logRetentionDays: 18446744073709551646"))).containsExactly(
                "stages.yaml:4: stages.dev.logRetentionDays: 18446744073709551646 (expected: a whole number from 1 to 3653)");
    }

    @Test
    void aHugeFunctionTimeout_isRefused_notWrapped() {
        for (String value : List.of("99999999999999999s", "4294967297s", "18446744073709551617m")) {
            assertThat(problems(stage("function: {timeout: " + value + "}"))).containsExactly("stages.yaml:4:"
                    + " stages.dev.function.timeout: " + value + " (expected: a duration from 1s to 15m, such as 30s)");
        }
    }

    private StagesFile load(String text) {
        try {
            Path file = root.resolve("stages.yaml");
            Files.writeString(file, text);
            return StagesFile.load(file, root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> problems(String text) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(text));
        assertThat(e).as("problems in\n%s", text).isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }
}
