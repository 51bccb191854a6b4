package dev.tollgate.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.DynamoDbCounterStore;
import dev.tollgate.aws.DynamoDbKeyStore;
import dev.tollgate.aws.EcsBackendResolver;
import dev.tollgate.aws.HttpApiHandler;
import dev.tollgate.azure.AzureGateway;
import dev.tollgate.azure.CosmosStores;
import dev.tollgate.azure.TollgateFunction;
import dev.tollgate.backend.EcsService;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.Deployable;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.StageConfig;
import dev.tollgate.emulators.CosmosEmulator;
import dev.tollgate.emulators.LocalEcsApi;
import dev.tollgate.emulators.functions.LocalExecutionContext;
import dev.tollgate.observe.LogText;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.jwt.JwtConfig;
import dev.tollgate.policy.auth.jwt.JwtIssuerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * {@code ./tollgate local}: the real Lambda handler behind an emulated API Gateway, DynamoDB Local
 * holding the counters and the keys table ({@code ./tollgate keys} writes to it), a local ECS API,
 * a demo service for each stage variable that names a loopback URL, and {@value #TASKS_PER_SERVICE}
 * demo tasks for each {@code ecs://} service a stage reaches. Everything listens on 127.0.0.1 only.
 * Tests start it in-process on free ports.
 *
 * <p>The demo tasks all have the address 127.0.0.1, so the local ECS API tells them apart as a
 * bridge-mode task is told apart: its container port is bound to a host port of its own, which
 * {@code DescribeTasks} reports in the container's {@code networkBindings}, beside the ENI address.
 */
public final class LocalRunner implements AutoCloseable {

    /** What {@link #readyLine()} starts with. */
    public static final String READY = "TOLLGATE_READY";

    /** Demo tasks started for each ecs:// service, so that requests visibly spread across them. */
    public static final int TASKS_PER_SERVICE = 2;

    private static final String COSMOS = "Cosmos DB emulator";
    /** The region of the function's DynamoDB client; DynamoDB Local runs shared, so any would do. */
    private static final String LOCAL_REGION = "us-east-1";
    /**
     * {@value CosmosStores#TIMEOUT} for the Cosmos DB emulator, {@value AwsGateway#DYNAMODB_TIMEOUT} for DynamoDB Local:
     * under a burst on a loaded machine their answers queue far longer than the services' (DynamoDB Local's passed
     * the Lambda's 2 s under 64 clients at a load average of 20).
     */
    private static final String EMULATOR_TIMEOUT = "10s";

    private final Options options;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, Map<String, String>> stageVariables = new LinkedHashMap<>();
    private final List<DemoKey> demoKeys;
    /** The API Gateway or Functions host, and the port it listens on. */
    private AutoCloseable front;
    private int port;
    /** DynamoDB Local (on AWS) or the Cosmos DB emulator (on Azure). */
    private LocalDynamoDb dynamoDb;
    private CosmosEmulator cosmos;
    private CosmosStores cosmosStores;
    private String demoJwks;
    /** Makes the tables: no call timeout, as a loaded machine's first calls to DynamoDB Local may take seconds. */
    private DynamoDbClient dynamoClient;
    /** The function's own client, built as the Lambda builds it, with a call timeout ({@value #EMULATOR_TIMEOUT}) and its tries. */
    private DynamoDbClient functionDynamoClient;
    private final Map<String, String> functionEnvironment;
    private String firstPlan;
    private LocalEcsApi ecsApi;
    private final List<DemoTask> demoTasks = new ArrayList<>();
    /** Ports that were busy, by what wanted them ("API Gateway" or "Functions host", "DynamoDB Local" or "Cosmos DB emulator", "STAGE.VARIABLE"). */
    private final Map<String, Integer> busyPorts = new LinkedHashMap<>();

    /**
     * How to run.
     *
     * @param config         the configuration file
     * @param port           the API Gateway port (0: any free port)
     * @param storePort      the counter and key store's port: DynamoDB Local's on AWS ({@link #DEFAULT_DYNAMODB_PORT}),
     *                       the Cosmos DB emulator's on Azure ({@link #DEFAULT_COSMOS_PORT}); 0: any free port
     * @param overrides      stage variables that replace the file's, by stage then name
     * @param demoBackends   whether to start demo services on the loopback URLs stage variables name
     * @param countersTable  the counters table (or container) to create in the store
     * @param clock          the gateway's clock; tests fix it so that a quota window cannot end mid-test
     * @param requestLog     told about every request the handler answers: {@code ./tollgate local} prints a line
     * @param portsMayMove   whether {@code port} and {@code storePort}, when busy, give way to free ports (the
     *                       defaults do, a port the user named does not); a demo service's port always may
     * @param platform       the function to run: the Lambda handler behind API Gateway stages, or the Azure
     *                       function behind a local Functions host, one app per stage
     */
    public record Options(Path config, int port, int storePort, Map<String, Map<String, String>> overrides,
                          boolean demoBackends, String countersTable, Clock clock, RequestObserver requestLog,
                          boolean portsMayMove, Platform platform) {

        public static final int DEFAULT_PORT = 8080;
        public static final int DEFAULT_DYNAMODB_PORT = 8000;
        /** The Cosmos DB emulator's port, where {@code ./tollgate keys --platform azure} looks by default. */
        public static final int DEFAULT_COSMOS_PORT = 8081;

        public Options {
            overrides = Map.copyOf(overrides);
        }

        /** The Lambda handler. */
        public Options(Path config, int port, int dynamoDbPort, Map<String, Map<String, String>> overrides,
                       boolean demoBackends, String countersTable, Clock clock, RequestObserver requestLog,
                       boolean portsMayMove) {
            this(config, port, dynamoDbPort, overrides, demoBackends, countersTable, clock, requestLog, portsMayMove,
                    Platform.AWS);
        }

        /** On exactly the ports given. */
        public Options(Path config, int port, int dynamoDbPort, Map<String, Map<String, String>> overrides,
                       boolean demoBackends, String countersTable, Clock clock, RequestObserver requestLog) {
            this(config, port, dynamoDbPort, overrides, demoBackends, countersTable, clock, requestLog, false);
        }

        /** Without a request log, as tests run it. */
        public Options(Path config, int port, int dynamoDbPort, Map<String, Map<String, String>> overrides,
                       boolean demoBackends, String countersTable, Clock clock) {
            this(config, port, dynamoDbPort, overrides, demoBackends, countersTable, clock, RequestObserver.NONE);
        }
    }

    /** The platform whose function the runner runs ({@code --platform aws|azure}). */
    public enum Platform {
        /** The Lambda handler behind a local API Gateway HTTP API. */
        AWS("API Gateway (HTTP API)", "API Gateway"),
        /** The Azure function behind a local Functions host, one function app per stage. */
        AZURE("Azure Functions host", "Functions host");

        private final String front;
        /** What {@link #busyPorts()} calls it. */
        private final String portName;

        Platform(String front, String portName) {
            this.front = front;
            this.portName = portName;
        }

        /** {@code aws} or {@code azure}, as the command line names it. */
        public static Platform named(String name) {
            return switch (name) {
                case "aws" -> AWS;
                case "azure" -> AZURE;
                default -> throw new IllegalArgumentException("expected aws or azure");
            };
        }
    }

    /**
     * A key written in plain text in the configuration, printed for the user to try.
     *
     * @param value the key
     * @param stage its stage
     * @param plan  its plan
     */
    public record DemoKey(String value, String stage, String plan) {
    }

    /**
     * A demo task of an ECS service, as the local ECS API reports it.
     *
     * @param service the service it belongs to
     * @param id      its task id, which it names in every answer
     * @param port    the host port its container port is bound to, on 127.0.0.1
     */
    public record DemoTask(EcsService service, String id, int port) {
    }

    private LocalRunner(Options options, List<DemoKey> demoKeys, Map<String, String> functionEnvironment) {
        this.options = options;
        this.demoKeys = demoKeys;
        this.functionEnvironment = Map.copyOf(functionEnvironment);
    }

    /** Starts everything, or stops what it started and throws. */
    public static LocalRunner start(Options options) throws Exception {
        return start(options, Map.of());
    }

    /**
     * The same, with settings of the Lambda environment its function sees besides the runner's own (on AWS):
     * {@value AwsGateway#DYNAMODB_ENDPOINT}, to reach DynamoDB Local another way (through a test's fault-injecting
     * proxy, say), {@value AwsGateway#DYNAMODB_TIMEOUT} (the runner's: 10 s), {@code AWS_REGION}.
     */
    public static LocalRunner start(Options options, Map<String, String> functionEnvironment) throws Exception {
        GatewayConfig config = ConfigLoader.load(options.config());
        LocalRunner runner = new LocalRunner(options, demoKeys(options.config()), functionEnvironment);
        try {
            runner.startAll(config);
            return runner;
        } catch (Exception | Error e) {
            runner.close();
            throw e;
        }
    }

    private void startAll(GatewayConfig config) throws Exception {
        firstPlan = config.plans().keySet().iterator().next();
        for (StageConfig stage : config.stages().values()) {
            stageVariables.put(stage.name(), new LinkedHashMap<>(stage.variables()));
        }
        options.overrides().forEach((stage, variables) -> {
            Map<String, String> current = stageVariables.get(stage);
            if (current == null) {
                throw new IllegalArgumentException("--stage-var names stage " + stage
                        + ", which the configuration does not define (expected one of: "
                        + String.join(", ", stageVariables.keySet()) + ")");
            }
            current.putAll(variables);
        });
        ecsApi = LocalEcsApi.start(0);
        started.add(ecsApi);
        if (options.demoBackends()) {
            startDemoBackends(config);
        }
        startDemoTasks(config, options.demoBackends());
        // Built as the function builds its own, with local credentials.
        EcsClient ecsClient = AwsGateway.ecs(Map.of(AwsGateway.ECS_ENDPOINT, ecsApi.endpoint().toString(),
                "AWS_REGION", LocalEcsApi.REGION), StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        started.add(ecsClient);
        if (options.platform() == Platform.AZURE) {
            startCosmos();
        } else {
            startDynamoDbTables();
        }
        DemoIssuer demoIssuer = DemoIssuer.trustedBy(config).isEmpty() ? null : DemoIssuer.at(Main.HOME);
        String jwks = demoIssuer == null ? null : demoIssuer.jwks();
        if (options.platform() == Platform.AZURE) {
            AzureFunctionsHost host = startFront(requested -> AzureFunctionsHost.start(requested,
                    bound -> azureFunctions(config, bound, ecsClient), jwks, LocalExecutionContext.standardOutputLogger(TollgateFunction.NAME)));
            front = host;
            port = host.port();
        } else {
            ApiGatewayEmulator apiGateway = startFront(requested -> ApiGatewayEmulator.start(requested, stageVariables,
                    bound -> new HttpApiHandler(AwsGateway.create(
                            withDemoIssuerOn(config, bound), functionDynamoClient, options.countersTable(), AwsGateway.DEFAULT_KEYS_TABLE,
                            options.clock(), options.requestLog(), new EcsBackendResolver(ecsClient, options.clock())),
                            Optional.empty()), jwks));
            front = apiGateway;
            port = apiGateway.port();
        }
        started.add(front);
        demoJwks = demoIssuer == null ? null : "http://127.0.0.1:" + port + DemoIssuer.JWKS_PATH;
    }

    private void startDynamoDbTables() throws Exception {
        dynamoDb = startDynamoDb();
        started.add(dynamoDb);
        dynamoClient = dynamoDb.client();
        started.add(dynamoClient);
        dynamoClient.createTable(DynamoDbCounterStore.tableDefinition(options.countersTable()));
        // As the deployed counters table has it (TollgateStack): old windows and buckets expire.
        dynamoClient.updateTimeToLive(ttl -> ttl.tableName(options.countersTable())
                .timeToLiveSpecification(spec -> spec.enabled(true).attributeName(DynamoDbCounterStore.EXPIRES_AT)));
        dynamoClient.createTable(DynamoDbKeyStore.tableDefinition(AwsGateway.DEFAULT_KEYS_TABLE));
        Map<String, String> environment = new LinkedHashMap<>(Map.of(AwsGateway.DYNAMODB_ENDPOINT, dynamoDb.endpoint().toString(),
                "AWS_REGION", LOCAL_REGION, AwsGateway.DYNAMODB_TIMEOUT, EMULATOR_TIMEOUT));
        environment.putAll(functionEnvironment);
        functionDynamoClient = AwsGateway.dynamoDb(environment, StaticCredentialsProvider.create(AwsBasicCredentials.create("local",
                "local")));
        started.add(functionDynamoClient);
    }

    /**
     * The Cosmos DB emulator, with the database and containers the deployment template makes, reached as
     * the function app reaches its account: through {@link CosmosStores} and the agreed settings.
     */
    private void startCosmos() {
        try {
            cosmos = CosmosEmulator.start(options.storePort());
        } catch (IllegalStateException e) {
            if (!options.portsMayMove() || options.storePort() == 0 || !isBusy(options.storePort())) {
                throw e;
            }
            busyPorts.put(COSMOS, options.storePort());
            cosmos = CosmosEmulator.start(0);
        }
        started.add(cosmos);
        // The emulator answers one request at a time and closes every connection: under a burst its answers
        // queue far longer than Cosmos DB's, so its operations get longer than the deployed default.
        cosmosStores = CosmosStores.connect(Map.of(CosmosStores.ENDPOINT, cosmos.endpoint(), CosmosStores.KEY, cosmos.key(),
                CosmosStores.COUNTERS_CONTAINER, options.countersTable(), CosmosStores.TIMEOUT, EMULATOR_TIMEOUT)).createIfMissing();
        started.add(cosmosStores);
    }

    private LocalDynamoDb startDynamoDb() throws Exception {
        try {
            return LocalDynamoDb.start(options.storePort());
        } catch (IllegalStateException e) {
            if (!options.portsMayMove() || options.storePort() == 0 || !isBusy(options.storePort())) {
                throw e;
            }
            busyPorts.put("DynamoDB Local", options.storePort());
            return LocalDynamoDb.start(0);
        }
    }

    /** Starts the API Gateway or Functions host on the port asked for, or on a free one when that is busy and may move. */
    private <T> T startFront(PortStart<T> start) throws IOException {
        try {
            return start.on(options.port());
        } catch (IOException e) {
            if (!options.portsMayMove() || options.port() == 0 || !isBusy(options.port())) {
                throw e;
            }
            busyPorts.put(options.platform().portName, options.port());
            return start.on(0);
        }
    }

    @FunctionalInterface
    private interface PortStart<T> {
        T on(int port) throws IOException;
    }

    /**
     * One Azure function per stage, each built as that stage's function app would be: the stage and its
     * variables as the app's settings give them, the gateway checked against Azure's limits. Counters and
     * keys: the Cosmos DB emulator's containers, which {@code ./tollgate keys --platform azure} writes.
     */
    private Map<String, TollgateFunction> azureFunctions(GatewayConfig config, int bound, EcsClient ecsClient) {
        GatewayConfig served = withDemoIssuerOn(config, bound);
        Map<String, TollgateFunction> functions = new LinkedHashMap<>();
        stageVariables.forEach((stage, variables) -> functions.put(stage, new TollgateFunction(AzureGateway.create(served,
                cosmosStores.counters(options.clock()), cosmosStores.keys(),
                options.clock(), options.requestLog(), new EcsBackendResolver(ecsClient, options.clock())), stage, variables)));
        return functions;
    }

    /** Whether something else listens on 127.0.0.1:{@code port}, rather than it failing for another reason. */
    private static boolean isBusy(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** The demo issuer's keys are where this runner serves them, whatever port the file names. */
    private static GatewayConfig withDemoIssuerOn(GatewayConfig config, int port) {
        Map<String, JwtIssuerConfig> issuers = new LinkedHashMap<>(config.jwt().issuers());
        for (JwtIssuerConfig issuer : DemoIssuer.trustedBy(config)) {
            issuers.put(issuer.name(), issuer.withJwksUri(URI.create("http://127.0.0.1:" + port + DemoIssuer.JWKS_PATH)));
        }
        return config.withJwt(new JwtConfig(config.jwt().tokenCacheSize(), issuers));
    }

    /** One demo service per stage variable that routes use and that names a loopback URL. */
    private void startDemoBackends(GatewayConfig config) throws IOException {
        Set<String> variables = config.routes().stream()
                .flatMap(route -> route.backends().stream())
                .flatMap(backend -> backend.target().variable().stream())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        for (String variable : variables) {
            for (Map.Entry<String, Map<String, String>> stage : stageVariables.entrySet()) {
                String value = stage.getValue().get(variable);
                URI uri = value == null ? null : URI.create(value);
                if (uri == null || !"http".equals(uri.getScheme()) || !Deployable.loopback(uri)) {
                    continue;
                }
                DemoBackend backend = startDemoBackend(Math.max(uri.getPort(), 0), serviceName(variable), stage.getKey(),
                        stage.getKey() + "." + variable);
                started.add(backend);
                stage.getValue().put(variable, "http://127.0.0.1:" + backend.port());
            }
        }
    }

    /** On the port the file names, or on a free one when that is busy (another runner's, say): nothing else needs it. */
    private DemoBackend startDemoBackend(int port, String service, String stage, String variable) throws IOException {
        try {
            return DemoBackend.start(port, service, stage);
        } catch (IOException e) {
            if (port == 0 || !isBusy(port)) {
                throw e;
            }
            busyPorts.put(variable, port);
            return DemoBackend.start(0, service, stage);
        }
    }

    /**
     * {@value #TASKS_PER_SERVICE} demo tasks, on free ports, for each ecs:// service a route reaches
     * on some stage, reported by the local ECS API as running tasks at 127.0.0.1 whose container
     * port is bound to their own port. Without demo backends the services exist with no task.
     */
    private void startDemoTasks(GatewayConfig config, boolean withTasks) throws IOException {
        Map<EcsService, String> services = new LinkedHashMap<>();
        for (var route : config.routes()) {
            for (var backend : route.backends()) {
                stageVariables.forEach((stage, variables) -> backend.target().resolve(variables)
                        .filter(EcsService.class::isInstance)
                        .ifPresent(address -> services.putIfAbsent((EcsService) address, stage)));
            }
        }
        for (Map.Entry<EcsService, String> entry : services.entrySet()) {
            EcsService service = entry.getKey();
            List<LocalEcsApi.Task> tasks = new ArrayList<>();
            for (int n = 1; withTasks && n <= TASKS_PER_SERVICE; n++) {
                String id = taskId(service, n);
                DemoBackend task = DemoBackend.start(0, service.service(), entry.getValue(), id);
                started.add(task);
                demoTasks.add(new DemoTask(service, id, task.port()));
                tasks.add(LocalEcsApi.Task.running(id, "127.0.0.1",
                        new LocalEcsApi.Binding(service.port().orElse(EcsBackendResolver.DEFAULT_PORT), task.port())));
            }
            ecsApi.putService(service.cluster(), service.service(), tasks);
        }
    }

    /** A task id as ECS writes them (32 hex digits), the same on every run. */
    static String taskId(EcsService service, int n) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((service.cluster() + "/" + service.service() + "/" + n).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** {@code ordersBackend} → {@code orders}. */
    static String serviceName(String variable) {
        String name = variable.endsWith("Backend") && variable.length() > "Backend".length()
                ? variable.substring(0, variable.length() - "Backend".length()) : variable;
        return name.toLowerCase(Locale.ROOT);
    }

    private static List<DemoKey> demoKeys(Path config) throws IOException {
        JsonNode keys = new ObjectMapper(new YAMLFactory()).readTree(config.toFile()).path("apiKeys");
        List<DemoKey> found = new ArrayList<>();
        for (JsonNode key : keys) {
            if (key.path("value").isTextual()) {
                found.add(new DemoKey(key.path("value").asText(), key.path("stage").asText(), key.path("plan").asText()));
            }
        }
        return found;
    }

    public int port() {
        return port;
    }

    /** DynamoDB Local's port; on Azure, the Cosmos DB emulator's. */
    public int dynamoDbPort() {
        return dynamoDb != null ? dynamoDb.port() : cosmos.port();
    }

    /** The Cosmos DB emulator's endpoint, when the runner runs the Azure function. */
    public Optional<String> cosmosEndpoint() {
        return Optional.ofNullable(cosmos).map(CosmosEmulator::endpoint);
    }

    /** The stage variables each stage's requests carry, after overrides and demo ports. */
    public Map<String, Map<String, String>> stageVariables() {
        return stageVariables;
    }

    public List<DemoKey> demoKeys() {
        return demoKeys;
    }

    /** The demo tasks of ecs:// services, as the local ECS API reports them. */
    public List<DemoTask> demoTasks() {
        return List.copyOf(demoTasks);
    }

    /** The local ECS API the handler's ECS client talks to. */
    public URI ecsEndpoint() {
        return ecsApi.endpoint();
    }

    /** What the user reads once everything is up. */
    public String banner() {
        StringBuilder text = new StringBuilder();
        String base = "http://127.0.0.1:" + port();
        text.append("Tollgate is running locally (").append(options.config()).append(")\n\n");
        String front = options.platform().front;
        text.append("  ").append(front).append(" ".repeat(Math.max(1, 24 - front.length()))).append(base).append("/{stage}/...")
                .append(options.platform() == Platform.AZURE ? "  (one function app per stage)" : "").append(busy(options.platform().portName)).append('\n');
        stageVariables.forEach((stage, variables) -> {
            text.append("    stage ").append(stage).append("  ").append(base).append('/').append(stage).append('\n');
            variables.forEach((name, value) -> text.append("      ").append(name).append(" = ").append(value)
                    .append(busy(stage + "." + name)).append('\n'));
        });
        if (cosmos != null) {
            text.append("  Cosmos DB emulator      ").append(cosmos.endpoint()).append("  (database ")
                    .append(cosmosStores.settings().database()).append(", containers ").append(cosmosStores.settings().counters())
                    .append(", ").append(cosmosStores.settings().keys()).append("; plain HTTP, any key)").append(busy(COSMOS)).append('\n');
        } else {
            text.append("  DynamoDB Local          ").append(dynamoDb.endpoint())
                    .append("  (tables ").append(options.countersTable()).append(", ").append(AwsGateway.DEFAULT_KEYS_TABLE)
                    .append("; any credentials and region)").append(busy("DynamoDB Local")).append('\n');
        }
        text.append("  ECS API (JSON 1.1)      ").append(ecsApi.endpoint()).append("  (ListTasks, DescribeTasks)\n");
        for (DemoTask task : demoTasks) {
            text.append("    ").append(task.service()).append("  task ").append(task.id())
                    .append(" at 127.0.0.1:").append(task.port()).append('\n');
        }
        if (demoJwks != null) {
            text.append("  Demo JWT issuer         ").append(demoJwks).append("  (tokens: ./tollgate token --stage STAGE)\n");
        }
        text.append('\n');
        if (!demoKeys.isEmpty()) {
            text.append("  Demo keys:\n");
            for (DemoKey key : demoKeys) {
                text.append("    ").append(key.value()).append("  stage ").append(key.stage())
                        .append(", plan ").append(key.plan()).append('\n');
            }
            DemoKey first = demoKeys.get(0);
            text.append("\n  Try:\n    curl -i -H 'x-api-key: ").append(first.value()).append("' ")
                    .append(base).append('/').append(first.stage()).append("/orders\n");
            text.append("    curl -s -H 'x-api-key: ").append(first.value()).append("' ")
                    .append(base).append('/').append(first.stage()).append("/_tollgate/usage\n");
            if (demoJwks != null) {
                text.append("    curl -i -H \"Authorization: Bearer $(./tollgate token --stage ").append(first.stage())
                        .append(")\" ").append(base).append('/').append(first.stage()).append("/orders\n");
            }
        }
        text.append("\n  Keys of your own (in ").append(cosmos != null ? "the Cosmos DB emulator" : "DynamoDB Local")
                .append(": gone when this stops; see ./tollgate keys --help):\n")
                .append("    ./tollgate keys create").append(cosmos != null ? " --platform azure" : "")
                .append(" --stage ").append(stageVariables.keySet().iterator().next())
                .append(" --plan ").append(firstPlan).append(" --consumer you")
                .append(cosmos != null
                        ? (cosmos.port() == Options.DEFAULT_COSMOS_PORT ? "" : " --cosmos-endpoint " + cosmos.endpoint())
                        : (dynamoDb.port() == Options.DEFAULT_DYNAMODB_PORT ? "" : " --endpoint " + dynamoDb.endpoint()))
                .append('\n');
        text.append("\nPress Ctrl-C to stop.\n");
        return text.toString();
    }

    /**
     * The same facts for scripts, on one line ({@code ./tollgate local --ready-file}): {@value #READY} and then
     * {@code NAME=VALUE} fields separated by single spaces: {@code api}, {@code dynamodb} (on AWS) or {@code cosmos}
     * (on Azure), {@code ecs}, {@code jwks}
     * (when a demo issuer is trusted) and {@code STAGE.VARIABLE} for every stage variable.
     */
    public String readyLine() {
        StringBuilder line = new StringBuilder(READY);
        line.append(" api=http://127.0.0.1:").append(port());
        if (cosmos != null) {
            line.append(" cosmos=").append(cosmos.endpoint());
        } else {
            line.append(" dynamodb=").append(dynamoDb.endpoint());
        }
        line.append(" ecs=").append(ecsApi.endpoint());
        if (demoJwks != null) {
            line.append(" jwks=").append(demoJwks);
        }
        stageVariables.forEach((stage, variables) -> variables.forEach((name, value) ->
                line.append(' ').append(stage).append('.').append(name).append('=').append(value)));
        return line.toString();
    }

    /** Ports that were busy, so that a free one was taken instead, by what wanted them. */
    public Map<String, Integer> busyPorts() {
        return Map.copyOf(busyPorts);
    }

    private String busy(String what) {
        Integer port = busyPorts.get(what);
        return port == null ? "" : "  (" + port + " was busy: took a free port)";
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("tollgate: stopping " + started.get(i).getClass().getSimpleName() + " failed: "
                        + LogText.escape(e.toString()));
            }
        }
        started.clear();
    }
}
