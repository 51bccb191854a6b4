package dev.tollgate.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.backend.BackendAddress;
import dev.tollgate.backend.EcsService;
import dev.tollgate.backend.WeightedBackend;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ConfigNumbers;
import dev.tollgate.config.ConfigProblem;
import dev.tollgate.config.ConfigReader;
import dev.tollgate.config.Deployable;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.StageConfig;
import dev.tollgate.config.YamlDocument;
import dev.tollgate.policy.route.RouteConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deployment's stages file ({@value #DEFAULT_PATH}): per stage its API Gateway stage variables,
 * the function's size, the VPC, the limits and the alarm thresholds, and its {@link AzureSettings} if
 * the stage is deployed to Azure too. Reading it also reads the
 * gateway configuration it names (the file the function bundles) with the function's own
 * {@link ConfigLoader}, and checks the two together: every stage exists in the configuration, and
 * the configuration stays valid with the stages file's variables in place of its own (as API
 * Gateway's variables win at run time), and fit to deploy ({@link Deployable}): no key in plain text,
 * no backend, issuer, JWK set or audience on a loopback address, whichever stage is synthesized.
 *
 * <p>Every problem is named with its file, line, path, the value and what was expected, all at once:
 * {@code deploy/stages.yaml:12: stages.dev.function.memory: 64 (expected: a whole number of MB from 128 to 10240)}.
 */
public final class StagesFile {

    public static final String DEFAULT_PATH = "deploy/stages.yaml";
    /** The configuration meant for deployment; examples/tollgate.yaml, which ./tollgate local runs, is not one. */
    public static final String DEFAULT_CONFIG = "deploy/tollgate.yaml";
    /** The example, whose demo keys are published: a deployed configuration takes none of them, not even by hash. */
    static final String EXAMPLE = "examples/tollgate.yaml";

    static final int DEFAULT_MEMORY_MB = 1024;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Stage.Architecture DEFAULT_ARCHITECTURE = Stage.Architecture.ARM64;
    static final boolean DEFAULT_SNAP_START = true;
    static final Stage.Runtime DEFAULT_RUNTIME = Stage.Runtime.JAVA21;
    /** C1 only: the function's short requests gain little from C2, its start gains much (docs/performance.md, cold start). */
    static final String DEFAULT_JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";
    static final int DEFAULT_LOG_RETENTION_DAYS = 30;
    static final Stage.Throttle DEFAULT_THROTTLE = new Stage.Throttle(100, 200);
    static final Stage.AlarmThresholds DEFAULT_ALARMS = new Stage.AlarmThresholds(5, 3000, 1, 1, 100, Optional.empty());
    /** The retention periods CloudWatch Logs offers, in days. */
    static final SortedSet<Integer> RETENTION_DAYS = new TreeSet<>(List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180,
            365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653));

    private static final Set<String> TOP_LEVEL = Set.of("config", "stages");
    private static final Set<String> STAGE_FIELDS = Set.of("account", "region", "api", "variables", "function", "throttle",
            "network", "ecsClusters", "logRetentionDays", "alarms", "protectData", "azure");
    private static final Set<String> FUNCTION_FIELDS = Set.of("memory", "timeout", "architecture", "snapStart",
            "javaToolOptions", "reservedConcurrency", "runtime");
    private static final Set<String> THROTTLE_FIELDS = Set.of("rate", "burst");
    private static final Set<String> NETWORK_FIELDS = Set.of("vpcId", "availabilityZones", "privateSubnetIds", "vpcCidr",
            "backendCidrs");
    private static final Set<String> AZURE_FIELDS = Set.of("appName", "location", "cosmosConsistency",
            "logRetentionDays", "maxInstances", "ecsCredentials");
    private static final Set<String> ECS_CREDENTIALS_FIELDS = Set.of("keyVault", "region");
    /** Short enough for the names derived from it: the Cosmos DB account's ({@code NAME-cosmos}) takes 44 at most. */
    private static final Pattern AZURE_APP_NAME = Pattern.compile("[a-z][a-z0-9-]{1,30}[a-z0-9]");
    private static final Pattern AZURE_LOCATION = Pattern.compile("[a-z][a-z0-9]{2,39}");
    private static final Pattern COSMOS_CONSISTENCY = Pattern.compile("Session|Eventual|ConsistentPrefix|Strong");
    private static final Pattern KEY_VAULT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]");
    private static final Set<String> ALARM_FIELDS = Set.of("serverErrorRatePercent", "latencyP99Ms", "throttles",
            "counterStoreErrors", "authFailures", "topicArn");

    /** A problem's path at a stage's variable: {@code stages.STAGE.variables.NAME}. */
    private static final Pattern STAGE_VARIABLE = Pattern.compile("stages\\.([^.]+)\\.variables\\.(.+)");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Pattern AVAILABILITY_ZONE = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d[a-z]");
    private static final Pattern VPC_ID = Pattern.compile("vpc-[0-9a-f]{8,17}");
    private static final Pattern SUBNET_ID = Pattern.compile("subnet-[0-9a-f]{8,17}");
    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");
    private static final Pattern TOPIC_ARN = Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}");
    private static final Pattern IPV4_CIDR = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)/(3[0-2]|[12]?\\d)");
    /** Lambda's limit for one invocation. */
    /** A function's timeout, as Lambda allows it, written in seconds or minutes. */
    static final Set<String> TIMEOUT_UNITS = Set.of("s", "m");
    static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(15);
    private static final int MAX_JAVA_TOOL_OPTIONS = 1024;

    private final String source;
    private final Path config;
    private final Map<String, Stage> stages;

    private StagesFile(String source, Path config, Map<String, Stage> stages) {
        this.source = source;
        this.config = config;
        this.stages = stages;
    }

    /**
     * Reads and checks a stages file and the configuration it names.
     *
     * @param file the stages file
     * @param root the repository, against which the file's {@code config} path and the names in messages are taken
     * @throws ConfigException naming every problem in either file
     */
    public static StagesFile load(Path file, Path root) {
        String source = relative(root, file);
        String text = read(file, source);
        YamlDocument document = YamlDocument.parse(text, source);
        if (!document.readable()) {
            throw new ConfigException(document.syntaxProblems());
        }
        return new Reader(document, source, root).read();
    }

    /** The stages in file order. */
    public Map<String, Stage> stages() {
        return stages;
    }

    public Optional<Stage> stage(String name) {
        return Optional.ofNullable(stages.get(name));
    }

    /** The gateway configuration file the function bundles. */
    public Path config() {
        return config;
    }

    /** The file's name as messages give it, such as {@code deploy/stages.yaml}. */
    public String source() {
        return source;
    }

    private static String relative(Path root, Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path base = root.toAbsolutePath().normalize();
        return absolute.startsWith(base) ? base.relativize(absolute).toString() : file.toString();
    }

    private static String read(Path file, String source) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(source, 0, "",
                    "cannot be read: " + e.getMessage() + " (expected: a readable YAML file)")));
        }
    }

    /** A stage as the file writes it, before the configuration is read. */
    private record Draft(String name, Optional<String> account, Optional<String> region, Stage.Api api,
                         Map<String, String> variables, Stage.FunctionSettings function, Stage.Throttle throttle,
                         Stage.Network network, List<String> ecsClusters, int logRetentionDays,
                         Stage.AlarmThresholds alarms, boolean protectData, Optional<AzureSettings> azure) {
    }

    /** One pass over the stages file, then over the configuration, collecting problems instead of stopping at the first. */
    private static final class Reader {
        private final YamlDocument document;
        private final String source;
        private final Path root;
        private final List<ConfigProblem> problems = new ArrayList<>();
        private final ConfigReader in;
        private final ConfigNumbers numbers;

        Reader(YamlDocument document, String source, Path root) {
            this.document = document;
            this.source = source;
            this.root = root;
            this.in = new ConfigReader(document, source, problem -> {
                if (!problems.contains(problem)) { // routes sharing a variable share its problem
                    problems.add(problem);
                }
            });
            this.numbers = in.numbers();
        }

        StagesFile read() {
            problems.addAll(document.syntaxProblems());
            JsonNode top = document.root();
            if (!top.isObject()) {
                problem("", ConfigReader.describe(top) + " (expected: a map with config and stages)");
                throw new ConfigException(problems);
            }
            in.unknownFields(top, "", TOP_LEVEL);
            String configName = top.has("config")
                    ? in.text(top.get("config"), "config", Pattern.compile(".+"), "the configuration file's path, such as "
                    + DEFAULT_CONFIG).orElse(DEFAULT_CONFIG)
                    : DEFAULT_CONFIG;
            Path config = root.resolve(configName).normalize();
            if (!Files.isRegularFile(config)) {
                problem("config", configName + " (expected: a configuration file, relative to the repository; "
                        + config + " does not exist)");
            }
            List<Draft> drafts = new ArrayList<>();
            JsonNode stagesNode = top.path("stages");
            if (!stagesNode.isObject() || stagesNode.isEmpty()) {
                problem("stages", (stagesNode.isObject() ? "an empty map" : ConfigReader.describe(stagesNode))
                        + " (expected: a map of stage names, such as dev and prod, to their settings)");
            } else {
                stagesNode.fields().forEachRemaining(entry -> stage(entry.getKey(), entry.getValue()).ifPresent(drafts::add));
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            String configSource = relative(root, config);
            String configText = StagesFile.read(config, configSource);
            GatewayConfig base = ConfigLoader.parse(configText, configSource);
            for (Draft draft : drafts) {
                if (base.stage(draft.name()).isEmpty()) {
                    problem("stages." + draft.name(), draft.name() + " (expected: a stage of " + configSource + ": "
                            + String.join(", ", base.stages().keySet()) + ")");
                }
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            GatewayConfig effective = withStagesFileVariables(configText, configSource, drafts);
            deployable(configText, configSource, effective, drafts);
            Map<String, Stage> stages = new LinkedHashMap<>();
            for (Draft draft : drafts) {
                Stage stage = complete(draft, effective, configSource);
                azureCredentials(stage);
                stages.put(draft.name(), stage);
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return new StagesFile(source, config, Collections.unmodifiableMap(stages));
        }

        private Optional<Draft> stage(String name, JsonNode node) {
            String path = "stages." + name;
            if (!StageConfig.NAME.matcher(name).matches()) {
                problem(path, name + " (expected: a stage name of letters, digits, - and _)");
            }
            if (!node.isObject()) {
                problem(path, ConfigReader.describe(node) + " (expected: a map with the stage's network, variables and settings)");
                return Optional.empty();
            }
            in.unknownFields(node, path, STAGE_FIELDS);
            Optional<String> account = optionalText(node, path + ".account", ACCOUNT, "a 12-digit AWS account id");
            Optional<String> region = optionalText(node, path + ".region", REGION, "an AWS region, such as eu-west-1");
            Stage.Api api = choice(node.path("api"), path + ".api", Stage.Api.values(), Stage.Api.HTTP);
            Map<String, String> variables = variables(node.path("variables"), path + ".variables");
            Stage.FunctionSettings function = function(node.path("function"), path + ".function");
            Stage.Throttle throttle = throttle(node.path("throttle"), path + ".throttle");
            Stage.Network network = network(node.path("network"), path + ".network");
            List<String> clusters = textList(node.path("ecsClusters"), path + ".ecsClusters", CLUSTER_NAME,
                    "an ECS cluster name of 1 to 255 letters, digits, - and _", false);
            int retention = in.whole(node, "logRetentionDays", path, 1, 3653, DEFAULT_LOG_RETENTION_DAYS);
            if (!RETENTION_DAYS.contains(retention)) {
                problem(path + ".logRetentionDays", retention + " (expected: a retention CloudWatch Logs offers: "
                        + RETENTION_DAYS.toString().replaceAll("[\\[\\]]", "") + ")");
                retention = DEFAULT_LOG_RETENTION_DAYS;
            }
            Stage.AlarmThresholds alarms = alarms(node.path("alarms"), path + ".alarms");
            boolean protect = in.bool(node, "protectData", path, false);
            Optional<AzureSettings> azure = node.has("azure") ? azure(node.get("azure"), path + ".azure") : Optional.empty();
            return Optional.of(new Draft(name, account, region, api, variables, function, throttle, network, clusters,
                    retention, alarms, protect, azure));
        }

        private Map<String, String> variables(JsonNode node, String path) {
            Map<String, String> variables = new LinkedHashMap<>();
            if (node.isMissingNode() || node.isNull()) {
                return variables;
            }
            if (!node.isObject()) {
                problem(path, ConfigReader.describe(node) + " (expected: a map of stage variable names to values)");
                return variables;
            }
            node.fields().forEachRemaining(entry -> {
                String place = path + "." + entry.getKey();
                if (!StageConfig.VARIABLE_NAME.matcher(entry.getKey()).matches()) {
                    problem(place, entry.getKey() + " (expected: a variable name of letters, digits and _)");
                } else if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
                    problem(place, ConfigReader.describe(entry.getValue()) + " (expected: a text value)");
                } else {
                    // The values' characters and backends are checked by the configuration's loader, below.
                    variables.put(entry.getKey(), entry.getValue().asText());
                }
            });
            return variables;
        }

        private Stage.FunctionSettings function(JsonNode node, String path) {
            if (!map(node, path)) {
                return new Stage.FunctionSettings(DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, DEFAULT_ARCHITECTURE, DEFAULT_SNAP_START,
                        DEFAULT_JAVA_TOOL_OPTIONS, Optional.empty(), DEFAULT_RUNTIME);
            }
            in.unknownFields(node, path, FUNCTION_FIELDS);
            int memory = in.whole(node, "memory", path, 128, 10240, DEFAULT_MEMORY_MB);
            Duration timeout = node.has("timeout") ? in.duration(node.get("timeout"), path + ".timeout",
                    TIMEOUT_UNITS, MIN_TIMEOUT, MAX_TIMEOUT, "30s").orElse(DEFAULT_TIMEOUT)
                    : DEFAULT_TIMEOUT;
            Stage.Architecture architecture = choice(node.path("architecture"), path + ".architecture",
                    Stage.Architecture.values(), DEFAULT_ARCHITECTURE);
            boolean snapStart = in.bool(node, "snapStart", path, DEFAULT_SNAP_START);
            String options = optionalText(node, path + ".javaToolOptions", Pattern.compile("[\\x20-\\x7e]{0,"
                    + MAX_JAVA_TOOL_OPTIONS + "}"), "JVM options of printable characters, such as "
                    + DEFAULT_JAVA_TOOL_OPTIONS).orElse(DEFAULT_JAVA_TOOL_OPTIONS);
            OptionalLong reservedNumber = node.has("reservedConcurrency")
                    ? in.whole(node.get("reservedConcurrency"), path + ".reservedConcurrency", 1, 100000) : OptionalLong.empty();
            Optional<Integer> reserved = reservedNumber.isPresent() ? Optional.of((int) reservedNumber.getAsLong())
                    : Optional.empty();
            Stage.Runtime runtime = choice(node.path("runtime"), path + ".runtime", Stage.Runtime.values(), DEFAULT_RUNTIME);
            // The custom-runtime package carries a JVM and an AOT cache for x86_64 (built where a JDK for it runs),
            // and SnapStart snapshots managed Java runtimes only.
            if (runtime == Stage.Runtime.AOT && architecture != Stage.Architecture.X86_64) {
                problem(path + ".runtime", runtime + " (expected: java21 on architecture " + architecture
                        + "; the aot package is x86_64 only: set architecture: x86_64)");
            }
            if (runtime == Stage.Runtime.AOT && snapStart) {
                problem(path + ".runtime", runtime + " (expected: java21 with snapStart: true; SnapStart is for Lambda's"
                        + " managed Java runtimes only: set snapStart: false)");
            }
            return new Stage.FunctionSettings(memory, timeout, architecture, snapStart, options, reserved, runtime);
        }

        private Stage.Throttle throttle(JsonNode node, String path) {
            if (!map(node, path)) {
                return DEFAULT_THROTTLE;
            }
            in.unknownFields(node, path, THROTTLE_FIELDS);
            double rate = node.has("rate") ? number(node.get("rate"), path + ".rate", 1, 1_000_000)
                    .orElse(DEFAULT_THROTTLE.rate()) : DEFAULT_THROTTLE.rate();
            int burst = in.whole(node, "burst", path, 1, 1_000_000, DEFAULT_THROTTLE.burst());
            return new Stage.Throttle(rate, burst);
        }

        private Stage.Network network(JsonNode node, String path) {
            if (node.isMissingNode() || node.isNull() || !node.isObject()) {
                problem(path, ConfigReader.describe(node) + " (expected: the VPC the function runs in: vpcId,"
                        + " availabilityZones, privateSubnetIds and vpcCidr)");
                return new Stage.Network("", List.of(), List.of(), "", List.of());
            }
            in.unknownFields(node, path, NETWORK_FIELDS);
            String vpcId = requiredText(node, path + ".vpcId", VPC_ID, "a VPC id, such as vpc-0a1b2c3d4e5f60001");
            List<String> zones = textList(node.path("availabilityZones"), path + ".availabilityZones", AVAILABILITY_ZONE,
                    "an availability zone, such as eu-west-1a", true);
            List<String> subnets = textList(node.path("privateSubnetIds"), path + ".privateSubnetIds", SUBNET_ID,
                    "a subnet id, such as subnet-0a1b2c3d4e5f60001", true);
            if (!zones.isEmpty() && !subnets.isEmpty() && subnets.size() % zones.size() != 0) {
                problem(path + ".privateSubnetIds", subnets.size() + " subnets (expected: as many per availability zone, "
                        + "in the zones' order; " + zones.size() + " zones are listed)");
            }
            String cidr = requiredText(node, path + ".vpcCidr", IPV4_CIDR, "the VPC's IPv4 range, such as 10.0.0.0/16");
            List<String> backendCidrs = textList(node.path("backendCidrs"), path + ".backendCidrs", IPV4_CIDR,
                    "an IPv4 range the backends are in, such as 10.0.32.0/20", false);
            return new Stage.Network(vpcId, zones, subnets, cidr, backendCidrs.isEmpty() ? List.of(cidr) : backendCidrs);
        }

        private Stage.AlarmThresholds alarms(JsonNode node, String path) {
            if (!map(node, path)) {
                return DEFAULT_ALARMS;
            }
            in.unknownFields(node, path, ALARM_FIELDS);
            Stage.AlarmThresholds d = DEFAULT_ALARMS;
            double errorRate = node.has("serverErrorRatePercent")
                    ? number(node.get("serverErrorRatePercent"), path + ".serverErrorRatePercent", 0.01, 100)
                    .orElse(d.serverErrorRatePercent()) : d.serverErrorRatePercent();
            double latency = node.has("latencyP99Ms") ? number(node.get("latencyP99Ms"), path + ".latencyP99Ms", 1, 900_000)
                    .orElse(d.latencyP99Ms()) : d.latencyP99Ms();
            int throttles = in.whole(node, "throttles", path, 1, 1_000_000, d.throttles());
            int counterStore = in.whole(node, "counterStoreErrors", path, 1, 1_000_000, d.counterStoreErrors());
            int auth = in.whole(node, "authFailures", path, 1, 10_000_000, d.authFailures());
            Optional<String> topic = optionalText(node, path + ".topicArn", TOPIC_ARN,
                    "an SNS topic's ARN, such as arn:aws:sns:eu-west-1:123456789012:tollgate-alarms");
            return new Stage.AlarmThresholds(errorRate, latency, throttles, counterStore, auth, topic);
        }

        /** The stage's {@code azure:} section ({@link AzureSettings}), each field checked; empty when it cannot be read. */
        private Optional<AzureSettings> azure(JsonNode node, String path) {
            if (!in.requireMap(node, path, "the stage's Azure settings: appName, and optionally location,"
                    + " cosmosConsistency, logRetentionDays, maxInstances and ecsCredentials")) {
                return Optional.empty();
            }
            int before = in.problems();
            in.unknownFields(node, path, AZURE_FIELDS);
            String appName = in.text(node.path("appName"), path + ".appName", AZURE_APP_NAME, "a function app name of 3 to"
                    + " 32 lowercase letters, digits and -, unique in Azure (NAME.azurewebsites.net), such as tollgate-dev-acme")
                    .orElse("");
            Optional<String> location = node.has("location") ? in.text(node.get("location"), path + ".location",
                    AZURE_LOCATION, "an Azure region's name, such as westeurope") : Optional.empty();
            String consistency = node.has("cosmosConsistency") ? in.text(node.get("cosmosConsistency"),
                    path + ".cosmosConsistency", COSMOS_CONSISTENCY, "Session, Eventual, ConsistentPrefix or Strong")
                    .orElse(AzureSettings.DEFAULT_CONSISTENCY) : AzureSettings.DEFAULT_CONSISTENCY;
            int retention = in.whole(node, "logRetentionDays", path, 30, 730, AzureSettings.DEFAULT_LOG_RETENTION_DAYS);
            Optional<Integer> maxInstances = node.has("maxInstances")
                    ? Optional.of(in.whole(node, "maxInstances", path, 1, 100, 0)).filter(n -> n > 0) : Optional.empty();
            Optional<AzureSettings.EcsCredentials> ecs = Optional.empty();
            if (node.has("ecsCredentials")) {
                String place = path + ".ecsCredentials";
                if (in.requireMap(node.get("ecsCredentials"), place, "the Key Vault holding the AWS credentials, and the"
                        + " AWS region: {keyVault: NAME, region: eu-west-1}")) {
                    JsonNode credentials = node.get("ecsCredentials");
                    in.unknownFields(credentials, place, ECS_CREDENTIALS_FIELDS);
                    String vault = in.text(credentials.path("keyVault"), place + ".keyVault", KEY_VAULT_NAME, "a Key Vault"
                            + " name of 3 to 24 letters, digits and -, in the stage's resource group").orElse("");
                    String region = in.text(credentials.path("region"), place + ".region", REGION,
                            "the AWS region of the ECS clusters, such as eu-west-1").orElse("");
                    ecs = Optional.of(new AzureSettings.EcsCredentials(vault, region));
                }
            }
            return in.problems() > before ? Optional.empty()
                    : Optional.of(new AzureSettings(appName, location, consistency, retention, maxInstances, ecs));
        }

        /**
         * From Azure, {@code ecs://} discovery needs AWS credentials: a stage deployed there with ECS backends
         * names the Key Vault they are in, or the function would refuse to start.
         */
        private void azureCredentials(Stage stage) {
            if (stage.azure().isEmpty() || stage.ecsClusters().isEmpty() || stage.azure().get().ecsCredentials().isPresent()) {
                return;
            }
            problem("stages." + stage.name() + ".azure.ecsCredentials", "missing (expected: {keyVault: NAME, region:"
                    + " AWS_REGION}, the Key Vault whose secrets " + AzureSettings.EcsCredentials.ACCESS_KEY_ID_SECRET
                    + " and " + AzureSettings.EcsCredentials.SECRET_ACCESS_KEY_SECRET + " the function lists ECS tasks"
                    + " with from Azure, since the stage reaches the ECS clusters " + String.join(", ", stage.ecsClusters())
                    + "; or https:// backends in place of its ecs:// ones)");
        }

        /**
         * The configuration read again by its own loader, with each stage's variables replaced where the
         * stages file names them: what the function will work with. A problem with a variable the stages
         * file wrote is reported there; any other at its place in the configuration.
         */
        private GatewayConfig withStagesFileVariables(String configText, String configSource, List<Draft> drafts) {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            String merged;
            try {
                ObjectNode top = (ObjectNode) yaml.readTree(configText);
                ObjectNode stages = (ObjectNode) top.get("stages");
                for (Draft draft : drafts) {
                    JsonNode stage = stages.get(draft.name());
                    ObjectNode written = stage instanceof ObjectNode object ? object : stages.putObject(draft.name());
                    ObjectNode variables = written.get("variables") instanceof ObjectNode object ? object
                            : written.putObject("variables");
                    draft.variables().forEach(variables::put);
                }
                merged = yaml.writeValueAsString(top);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                return ConfigLoader.parse(merged, configSource);
            } catch (ConfigException e) {
                YamlDocument configDocument = YamlDocument.parse(configText, configSource);
                List<String> refused = e.problems().stream().map(ConfigProblem::path)
                        .filter(path -> fromStagesFile(path, drafts)).toList();
                for (ConfigProblem problem : e.problems()) {
                    if (fromStagesFile(problem.path(), drafts)) {
                        problems.add(new ConfigProblem(source, document.lineOf(problem.path()), problem.path(),
                                problem.message()));
                    } else if (!followsFrom(problem, refused)) {
                        problems.add(new ConfigProblem(configSource, configDocument.lineOf(problem.path()), problem.path(),
                                problem.message()));
                    }
                }
                throw new ConfigException(problems);
            }
        }

        /**
         * What no configuration to deploy holds ({@link Deployable}), whichever stages are deployed, at its
         * place in the configuration. A stage variable's value (a loopback backend or audience) only for the
         * stages deployed, and named where the fix goes: in the stages file, saying where the value came from.
         */
        private void deployable(String configText, String configSource, GatewayConfig effective, List<Draft> drafts) {
            YamlDocument configDocument = YamlDocument.parse(configText, configSource);
            Map<String, String> published = Deployable.publishedKeys(root.resolve(EXAMPLE), EXAMPLE);
            for (ConfigProblem problem : Deployable.problems(configDocument, configSource, effective, published)) {
                Matcher variable = STAGE_VARIABLE.matcher(problem.path());
                if (!variable.matches()) {
                    problems.add(problem);
                    continue;
                }
                for (Draft draft : drafts) {
                    String name = variable.group(2);
                    if (!draft.name().equals(variable.group(1))) {
                        continue;
                    }
                    if (draft.variables().containsKey(name)) {
                        problem(problem.path(), problem.message());
                    } else {
                        String value = effective.stage(draft.name()).orElseThrow().variables().get(name);
                        problem("stages." + draft.name() + ".variables", name + ": " + value + ", from " + configSource
                                + problem.message().substring(value.length()));
                    }
                }
            }
        }

        /** "stage dev does not define X" after the stages file's X was refused: named once, where it was written. */
        private static boolean followsFrom(ConfigProblem problem, List<String> refused) {
            for (String path : refused) {
                String[] parts = path.split("\\.", 4); // stages, STAGE, variables, NAME
                if (problem.message().contains("stage " + parts[1] + " does not define " + parts[3] + ")")) {
                    return true;
                }
            }
            return false;
        }

        private static boolean fromStagesFile(String path, List<Draft> drafts) {
            for (Draft draft : drafts) {
                String prefix = "stages." + draft.name() + ".variables.";
                if (path.startsWith(prefix) && draft.variables().containsKey(path.substring(prefix.length()))) {
                    return true;
                }
            }
            return false;
        }

        /** The stage with what follows from its backends: ECS clusters and ports. */
        private Stage complete(Draft draft, GatewayConfig effective, String configSource) {
            Map<String, String> variables = effective.stage(draft.name()).orElseThrow().variables();
            SortedSet<String> clusters = new TreeSet<>(draft.ecsClusters());
            SortedSet<Integer> ports = new TreeSet<>();
            SortedSet<String> backendVariables = new TreeSet<>();
            Duration longestRoute = Duration.ZERO;
            String longestPlace = "";
            for (int r = 0; r < effective.routes().size(); r++) {
                RouteConfig route = effective.routes().get(r);
                if (route.timeout().compareTo(longestRoute) > 0) {
                    longestRoute = route.timeout();
                    longestPlace = "routes[" + r + "]";
                }
                for (WeightedBackend backend : route.backends()) {
                    backend.target().variable().ifPresent(backendVariables::add);
                    Optional<BackendAddress> address = backend.target().resolve(variables);
                    if (address.isEmpty()) {
                        continue; // the loader has named it already
                    }
                    if (address.get() instanceof EcsService ecs) {
                        clusters.add(ecs.cluster());
                        ports.add(ecs.port().orElse(80));
                    } else if (address.get() instanceof BackendAddress.Url url) {
                        URI base = url.base();
                        ports.add(base.getPort() > 0 ? base.getPort() : "https".equalsIgnoreCase(base.getScheme()) ? 443 : 80);
                    }
                }
            }
            if (draft.function().timeout().compareTo(longestRoute) < 0) {
                problem("stages." + draft.name() + ".function.timeout", draft.function().timeout().toSeconds()
                        + "s (expected: at least the longest route timeout, " + longestRoute.toSeconds() + "s of "
                        + longestPlace + " in " + configSource + ", or the function ends before the backend answers)");
            }
            return new Stage(draft.name(), draft.account(), draft.region(), draft.api(), draft.variables(), variables,
                    draft.function(), draft.throttle(), draft.network(), backendVariables, clusters, ports, draft.logRetentionDays(),
                    draft.alarms(), draft.protectData(), draft.azure());
        }

        // Reading values, each naming its problem and giving way to a default.

        /** Whether an optional section has settings to read; an empty one, like a missing one, keeps the defaults. */
        private boolean map(JsonNode node, String path) {
            boolean absent = node.isMissingNode() || node.isNull() || node.isObject() && node.isEmpty();
            return !absent && in.requireMap(node, path, "a map");
        }

        private Optional<String> optionalText(JsonNode parent, String path, Pattern pattern, String expected) {
            String field = path.substring(path.lastIndexOf('.') + 1);
            return parent.has(field) ? in.text(parent.get(field), path, pattern, expected) : Optional.empty();
        }

        private String requiredText(JsonNode parent, String path, Pattern pattern, String expected) {
            String field = path.substring(path.lastIndexOf('.') + 1);
            return in.text(parent.path(field), path, pattern, expected).orElse("");
        }

        /** A list of texts matching {@code pattern}; one written is never empty, one not {@code required} may be left out. */
        private List<String> textList(JsonNode node, String path, Pattern pattern, String expected, boolean required) {
            if ((node.isMissingNode() || node.isNull()) && !required) {
                return List.of();
            }
            return in.texts(node, path, true, pattern.asMatchPredicate(), expected);
        }

        private Optional<Double> number(JsonNode node, String path, double min, double max) {
            OptionalDouble value = numbers.decimal(node, path, BigDecimal.valueOf(min), BigDecimal.valueOf(max),
                    "a number from " + Stage.plain(min) + " to " + Stage.plain(max));
            return value.isPresent() ? Optional.of(value.getAsDouble()) : Optional.empty();
        }

        private <E extends Enum<E>> E choice(JsonNode node, String path, E[] values, E fallback) {
            if (node.isMissingNode()) {
                return fallback;
            }
            for (E value : values) {
                if (node.isTextual() && value.toString().equals(node.asText())) {
                    return value;
                }
            }
            List<String> written = new ArrayList<>();
            for (E value : values) {
                written.add(value.toString());
            }
            problem(path, ConfigReader.describe(node) + " (expected: " + String.join(" or ", written) + ")");
            return fallback;
        }

        private void problem(String path, String message) {
            in.problem(path, message);
        }
    }
}
