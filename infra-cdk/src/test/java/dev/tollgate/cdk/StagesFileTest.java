package dev.tollgate.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigProblem;
import dev.tollgate.config.NumberCases;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
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
import org.junit.jupiter.api.Nested;
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
        Files.copy(Synthesized.ROOT.resolve("deploy/tollgate.yaml"), root.resolve("config.yaml"));
    }

    @Test
    void theCommittedStagesFile_loads_withWhatFollowsFromItsBackends() {
        StagesFile file = StagesFile.load(Synthesized.ROOT.resolve("deploy/stages.yaml"), Synthesized.ROOT);

        assertThat(file.stages().keySet()).containsExactly("dev", "prod");
        assertThat(file.config()).isEqualTo(Synthesized.ROOT.resolve("deploy/tollgate.yaml"));
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
                Stage.Architecture.ARM64, true, "-XX:+TieredCompilation -XX:TieredStopAtLevel=1", Optional.empty(),
                Stage.Runtime.JAVA21));
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
                "stages.yaml:5: stages.dev.colour: unknown field (expected one of: account, alarms, api, azure, ecsClusters,"
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
    void aLoopbackBackend_isNamedWhereTheFixGoes_sayingWhereItCameFrom() throws IOException {
        // prod's ordersBackend in the configuration is the local runner's demo service, as in the example.
        replaceInConfig("ordersBackend: ecs://tollgate-prod/orders:8080", "ordersBackend: http://127.0.0.1:9102");
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
        // Written into a route, whatever the stage: named there.
        replaceInConfig("    backend: ${stageVariables.ordersBackend}\n    public: true",
                "    backend: http://[::1]:9000\n    public: true");
        assertThat(problems(DEV)).containsExactly("config.yaml:" + lineOf("http://[::1]:9000") + ": routes[3].backend:"
                + " http://[::1]:9000 (expected: a backend the function reaches from its VPC, such as an internal NLB's URL or"
                + " ecs://CLUSTER/SERVICE[:PORT]; a loopback address serves only ./tollgate local)");
    }

    private static final String DEV = """
            config: config.yaml
            stages:
              dev:
            """ + NETWORK;
    private static final String LOCAL_ONLY = "; a loopback address serves only ./tollgate local)";
    private static final String AUDIENCE = " (expected: an audience of the tokens meant for the deployed API";
    /** Hosts that reach the function itself without asking DNS, each as some resolver or client reads it. */
    private static final List<String> LOOPBACK_HOSTS = List.of("127.0.0.1", "127.9.8.7", "127.0.0.1.", "127.1", "0x7f.1",
            "2130706433", "0x7f000001", "0177.0.0.1", "127.000.000.001", "0.0.0.0", "0", "localhost", "LocalHost.",
            "api.localhost", "localhost.localdomain", "ip6-localhost", "[::1]", "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]", "[::127.0.0.1]", "[::]", "[::1%25lo]");

    @Test
    void aKeyInPlainText_isRefused_whicheverStageItIsFor_withoutShowingTheKey() throws IOException {
        replaceInConfig("\njwt:", """

                apiKeys:
                  - id: partner
                    sha256: %s
                    consumer: partner
                    stage: prod
                    plan: trial
                  - id: demo-prod
                    value: demo-prod-key
                    consumer: demo-prod
                    stage: prod
                    plan: trial
                jwt:""".formatted("ab".repeat(32)));

        // Only dev is deployed, yet the bundled file would hold prod's key for anyone who reads the function's code.
        assertThat(problems(DEV)).containsExactly("config.yaml:" + lineOf("value: demo-prod-key") + ": apiKeys[1].value: a key"
                + " in plain text (expected: in a configuration to deploy, the key's SHA-256 as sha256, or the key in the"
                + " stage's keys table only: ./tollgate keys create --aws)")
                .noneMatch(problem -> problem.contains("demo-prod-key"));
    }

    @Test
    void theHashOfAKeyTheExamplePublishes_isRefused_forAnyoneHasTheKey() throws IOException {
        Files.createDirectories(root.resolve("examples"));
        Files.copy(Synthesized.ROOT.resolve("examples/tollgate.yaml"), root.resolve("examples/tollgate.yaml"));
        replaceInConfig("\njwt:", """

                apiKeys:
                  - id: copied
                    sha256: %s
                    consumer: demo
                    stage: prod
                    plan: trial
                jwt:""".formatted(ApiKeyHash.sha256Hex("demo-prod-key")));

        assertThat(problems(DEV)).containsExactly("config.yaml:" + lineOf("    sha256: ") + ": apiKeys[0].sha256: the SHA-256"
                + " of demo-prod's key in examples/tollgate.yaml (expected: a key of your own: a published key is anyone's)");
    }

    @Test
    void aCredentialHeaderInPlainText_isRefused() throws IOException {
        replaceInConfig("    timeout: 10s\n    auth: {apiKey: true, jwt: [idp]}\n  - path: /orders/{id}", """
                    timeout: 10s
                    requestHeaders:
                      set: {Authorization: Basic b3JkZXJzOnNlY3JldA==, X-Tenant: acme}
                      add: {cookie: session=0123456789}
                    auth: {apiKey: true, jwt: [idp]}
                  - path: /orders/{id}""".indent(2).stripTrailing());

        int line = lineOf("set: {Authorization");
        assertThat(problems(DEV)).containsExactly(
                "config.yaml:" + line + ": routes[0].requestHeaders.set.Authorization: a credential in plain text (expected:"
                        + " no Authorization or Cookie header set by a configuration to deploy, whose text anyone who can"
                        + " read the function's code reads)",
                "config.yaml:" + (line + 1) + ": routes[0].requestHeaders.add.cookie: a credential in plain text (expected:"
                        + " no Authorization or Cookie header set by a configuration to deploy, whose text anyone who can"
                        + " read the function's code reads)");
    }

    @Test
    void aLoopbackJwksUri_isRefused_inEverySpellingThatNeedsNoDns() throws IOException {
        String deployed = Files.readString(root.resolve("config.yaml"));
        for (String host : LOOPBACK_HOSTS) {
            String url = "http://" + host + ":8080/jwks.json";
            Files.writeString(root.resolve("config.yaml"), deployed.replace("issuer: https://auth.example.com/",
                    "issuer: https://auth.example.com/\n      jwksUri: " + url));
            String expected = ConfigLoaderParses.host(url)
                    ? " (expected: your identity provider's JWK set, such as https://auth.example.com/.well-known/jwks.json"
                    + LOCAL_ONLY
                    : " (expected: the http(s) URL of the issuer's JWK set)"; // no host Java can connect to: refused already

            assertThat(problems(DEV)).as(url).containsExactly("config.yaml:" + lineOf("jwksUri:")
                    + ": jwt.issuers.idp.jwksUri: " + url + expected);
        }
    }

    @Test
    void aLoopbackIssuer_isRefused_inEverySpelling_whetherItsKeysAreDiscoveredOrNot() throws IOException {
        String deployed = Files.readString(root.resolve("config.yaml"));
        for (String host : LOOPBACK_HOSTS) {
            String url = "http://" + host + ":9000/realms/demo";
            // Discovery: the keys are found at ISSUER/.well-known/openid-configuration.
            Files.writeString(root.resolve("config.yaml"), deployed.replace("issuer: https://auth.example.com/", "issuer: " + url));
            String expected = ConfigLoaderParses.host(url)
                    ? " (expected: your identity provider's issuer, such as https://auth.example.com/" + LOCAL_ONLY
                    : " (expected: an http(s) URL to discover the keys from, since jwksUri is not given)";
            assertThat(problems(DEV)).as(url).containsExactly("config.yaml:" + lineOf("issuer: http")
                    + ": jwt.issuers.idp.issuer: " + url + expected);

            // With a JWK set of its own, the issuer is only the tokens' iss: a local one is still no deployed issuer.
            Files.writeString(root.resolve("config.yaml"), deployed.replace("issuer: https://auth.example.com/",
                    "issuer: " + url + "\n      jwksUri: https://auth.example.com/keys"));
            assertThat(problems(DEV)).as(url).containsExactly("config.yaml:" + lineOf("issuer: http")
                    + ": jwt.issuers.idp.issuer: " + url + " (expected: your identity provider's issuer, such as"
                    + " https://auth.example.com/" + LOCAL_ONLY);
        }
    }

    @Test
    void theExamplesDemoIssuer_isRefused_atItsJwksUri() throws IOException {
        Files.copy(Synthesized.ROOT.resolve("examples/tollgate.yaml"), root.resolve("config.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(problems("""
                config: config.yaml
                stages:
                  prod:
                    variables:
                      ordersBackend: http://internal-orders.example.com:8080
                """ + NETWORK)).containsExactly(
                "config.yaml:" + lineOf("value: demo-dev-key") + ": apiKeys[0].value: a key in plain text (expected: in a"
                        + " configuration to deploy, the key's SHA-256 as sha256, or the key in the stage's keys table only:"
                        + " ./tollgate keys create --aws)",
                "config.yaml:" + lineOf("value: demo-prod-key") + ": apiKeys[1].value: a key in plain text (expected: in a"
                        + " configuration to deploy, the key's SHA-256 as sha256, or the key in the stage's keys table only:"
                        + " ./tollgate keys create --aws)",
                "config.yaml:" + lineOf("jwksUri:") + ": jwt.issuers.local-demo.jwksUri: http://127.0.0.1:8080/_local/demo-issuer/"
                        + "jwks.json (expected: your identity provider's JWK set, such as"
                        + " https://auth.example.com/.well-known/jwks.json" + LOCAL_ONLY);
    }

    @Test
    void aLoopbackAudience_isRefused_whereverItIsWritten() throws IOException {
        // Through a stage variable the stages file sets: named there.
        assertThat(problems("""
                config: config.yaml
                stages:
                  dev:
                    variables:
                      tokenAudience: http://localhost.:3000
                """ + NETWORK)).containsExactly("stages.yaml:5: stages.dev.variables.tokenAudience: http://localhost.:3000"
                + AUDIENCE + ", since jwt.issuers.idp.audiences[0] reads it" + LOCAL_ONLY);
        // Through the configuration's own value of the variable: named in the stages file, where the fix goes.
        replaceInConfig("tokenAudience: tollgate-prod", "tokenAudience: http://127.1:8080");
        assertThat(problems("""
                config: config.yaml
                stages:
                  prod:
                """ + NETWORK)).containsExactly("stages.yaml:3: stages.prod.variables: tokenAudience: http://127.1:8080, from"
                + " config.yaml" + AUDIENCE + ", since jwt.issuers.idp.audiences[0] reads it" + LOCAL_ONLY);
        // Written into the configuration.
        replaceInConfig("- ${stageVariables.tokenAudience}", "- ${stageVariables.tokenAudience}\n        - http://[::1]/api");
        assertThat(problems(DEV)).containsExactly("config.yaml:" + lineOf("http://[::1]/api")
                + ": jwt.issuers.idp.audiences[1]: http://[::1]/api" + AUDIENCE + LOCAL_ONLY);
        // A JWK set cannot come from a stage variable at all.
        replaceInConfig("issuer: https://auth.example.com/", "issuer: https://auth.example.com/\n      jwksUri: ${stageVariables.jwks}");
        assertThat(problems(DEV)).contains("config.yaml:" + lineOf("jwksUri:") + ": jwt.issuers.idp.jwksUri:"
                + " ${stageVariables.jwks} (expected: the http(s) URL of the issuer's JWK set)");
    }

    @Test
    void addressesThatOnlyLookLocal_areAccepted() throws IOException {
        String deployed = Files.readString(root.resolve("config.yaml"));
        for (String host : List.of("127.example.com", "localhost.example.com", "mylocalhost", "10.0.0.1", "128.0.0.1",
                "[::2]", "[fe80::1]")) {
            Files.writeString(root.resolve("config.yaml"), deployed.replace("issuer: https://auth.example.com/",
                    "issuer: https://" + host + "/\n      jwksUri: https://" + host + "/keys"));
            assertThat(load(DEV).stages()).as(host).containsKey("dev");
        }
    }

    /** Whether Java's URI finds a host in the URL, which the loader requires of a JWK set or discovery URL. */
    private static final class ConfigLoaderParses {
        static boolean host(String url) {
            return dev.tollgate.config.ConfigReader.httpUrl(url).isPresent();
        }
    }

    private void replaceInConfig(String written, String replacement) throws IOException {
        String text = Files.readString(root.resolve("config.yaml"));
        assertThat(text).contains(written);
        Files.writeString(root.resolve("config.yaml"), text.replace(written, replacement));
    }

    /** The line of the configuration where a text first appears. */
    private int lineOf(String text) throws IOException {
        List<String> lines = Files.readAllLines(root.resolve("config.yaml"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " is not in config.yaml");
    }

    @Test
    void theAotRuntime_isRefused_onArm64_orWithSnapStart_andTakenOnX86WithoutIt() {
        assertThat(problems("""
                config: config.yaml
                stages:
                  dev:
                    function: {runtime: aot}
                """ + NETWORK)).containsExactly(
                "stages.yaml:4: stages.dev.function.runtime: aot (expected: java21 on architecture arm64; the aot package"
                        + " is x86_64 only: set architecture: x86_64)",
                "stages.yaml:4: stages.dev.function.runtime: aot (expected: java21 with snapStart: true; SnapStart is for"
                        + " Lambda's managed Java runtimes only: set snapStart: false)");
        assertThat(problems("""
                config: config.yaml
                stages:
                  dev:
                    function: {runtime: graal}
                """ + NETWORK)).containsExactly("stages.yaml:4: stages.dev.function.runtime: graal (expected: java21 or aot)");

        Stage dev = load("""
                config: config.yaml
                stages:
                  dev:
                    function: {runtime: aot, architecture: x86_64, snapStart: false}
                """ + NETWORK).stage("dev").orElseThrow();

        assertThat(dev.function().runtime()).isEqualTo(Stage.Runtime.AOT);
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
    void aFunctionTimeout_inMilliseconds_isRefused_sinceLambdaCountsSeconds() {
        assertThat(problems(stage("function: {timeout: 1000ms}"))).containsExactly("stages.yaml:4:"
                + " stages.dev.function.timeout: 1000ms (expected: a duration from 1s to 15m, such as 30s)");
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

    /** A stage's azure: section, read and checked with the rest of the file, every problem named with its place. */
    @Nested
    class AzureSection {

        /** dev with an https backend in place of the configuration's ecs:// one, so that no AWS credentials are needed. */
        private static final String HTTPS_DEV = """
                config: config.yaml
                stages:
                  dev:
                    variables:
                      ordersBackend: https://orders.example.com
                """ + NETWORK;

        @Test
        void theCommittedStages_carryTheirAzureSettings() {
            StagesFile file = StagesFile.load(Synthesized.ROOT.resolve("deploy/stages.yaml"), Synthesized.ROOT);

            assertThat(file.stage("dev").orElseThrow().azure()).contains(new AzureSettings("tollgate-dev-example",
                    Optional.of("westeurope"), "Session", 30, Optional.empty(),
                    Optional.of(new AzureSettings.EcsCredentials("tollgate-dev-kv", "eu-west-1"))));
            assertThat(file.stage("prod").orElseThrow().azure()).contains(new AzureSettings("tollgate-prod-example",
                    Optional.of("westeurope"), "Session", 90, Optional.of(50), Optional.empty()));
        }

        @Test
        void aStageWithoutAzureSection_isNotOnAzure_andOnlyAppNameIsRequired() {
            assertThat(load(HTTPS_DEV).stage("dev").orElseThrow().azure()).isEmpty();
            assertThat(StageDiff.settings(load(HTTPS_DEV).stage("dev").orElseThrow())).containsEntry("azure", "none")
                    .doesNotContainKey("azure.appName");

            assertThat(load(HTTPS_DEV + "    azure: {appName: tollgate-dev-acme}\n").stage("dev").orElseThrow().azure())
                    .contains(new AzureSettings("tollgate-dev-acme", Optional.empty(), "Session", 30, Optional.empty(),
                            Optional.empty()));
        }

        @Test
        void badAzureSettings_areEachNamedWithFileLinePathValueAndExpectation() {
            assertThat(problems(HTTPS_DEV + """
                        azure:
                          appName: Tollgate_Dev
                          location: West Europe
                          cosmosConsistency: session
                          logRetentionDays: 7
                          maxInstances: 500
                          colour: blue
                          ecsCredentials: {keyVault: kv, region: europe, profile: x}
                    """)).containsExactly(
                    "stages.yaml:17: stages.dev.azure.colour: unknown field (expected one of: appName, cosmosConsistency,"
                            + " ecsCredentials, location, logRetentionDays, maxInstances)",
                    "stages.yaml:12: stages.dev.azure.appName: Tollgate_Dev (expected: a function app name of 3 to 32 lowercase"
                            + " letters, digits and -, unique in Azure (NAME.azurewebsites.net), such as tollgate-dev-acme)",
                    "stages.yaml:13: stages.dev.azure.location: West Europe (expected: an Azure region's name, such as westeurope)",
                    "stages.yaml:14: stages.dev.azure.cosmosConsistency: session (expected: Session, Eventual, ConsistentPrefix"
                            + " or Strong)",
                    "stages.yaml:15: stages.dev.azure.logRetentionDays: 7 (expected: a whole number from 30 to 730)",
                    "stages.yaml:16: stages.dev.azure.maxInstances: 500 (expected: a whole number from 1 to 100)",
                    "stages.yaml:18: stages.dev.azure.ecsCredentials.profile: unknown field (expected one of: keyVault, region)",
                    "stages.yaml:18: stages.dev.azure.ecsCredentials.keyVault: kv (expected: a Key Vault name of 3 to 24 letters,"
                            + " digits and -, in the stage's resource group)",
                    "stages.yaml:18: stages.dev.azure.ecsCredentials.region: europe (expected: the AWS region of the ECS"
                            + " clusters, such as eu-west-1)");
        }

        @Test
        void anAzureSectionThatIsNoMap_orLacksItsAppName_isNamed() {
            assertThat(problems(HTTPS_DEV + "    azure: westeurope\n")).containsExactly("stages.yaml:11: stages.dev.azure: westeurope"
                    + " (expected: the stage's Azure settings: appName, and optionally location, cosmosConsistency,"
                    + " logRetentionDays, maxInstances and ecsCredentials)");
            assertThat(problems(HTTPS_DEV + "    azure: {location: westeurope}\n")).containsExactly("stages.yaml:11:"
                    + " stages.dev.azure.appName: missing (expected: a function app name of 3 to 32 lowercase letters, digits"
                    + " and -, unique in Azure (NAME.azurewebsites.net), such as tollgate-dev-acme)");
        }

        @Test
        void anAzureStageWithEcsBackends_namesTheKeyVaultOfItsAwsCredentials_orIsRefused() {
            // The configuration's dev sends orders to ecs://tollgate-dev/orders:8080.
            String ecsDev = """
                    config: config.yaml
                    stages:
                      dev:
                        azure:
                          appName: tollgate-dev-acme
                    """ + NETWORK;

            assertThat(problems(ecsDev)).containsExactly("stages.yaml:4: stages.dev.azure.ecsCredentials: missing (expected:"
                    + " {keyVault: NAME, region: AWS_REGION}, the Key Vault whose secrets tollgate-aws-access-key-id and"
                    + " tollgate-aws-secret-access-key the function lists ECS tasks with from Azure, since the stage reaches"
                    + " the ECS clusters tollgate-dev; or https:// backends in place of its ecs:// ones)");
            // A stage not deployed to Azure needs none.
            assertThat(load(ecsDev.replace("    azure:\n      appName: tollgate-dev-acme\n", "")).stages()).containsKey("dev");
        }
    }
}
