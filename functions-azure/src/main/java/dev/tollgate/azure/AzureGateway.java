package dev.tollgate.azure;

import dev.tollgate.Gateway;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.EcsBackendResolver;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.backend.EcsService;
import dev.tollgate.backend.WeightedBackend;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.CachingKeyStore;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.policy.auth.apikey.KeyStore;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.route.RouteConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Builds the gateway a function app's worker serves, once, from the app's settings (which the worker
 * sees as environment variables):
 * <ul>
 *   <li>{@value #STAGE} (required): the configuration stage the app serves, checked against the file;</li>
 *   <li>{@value #STAGE_VARIABLE_PREFIX}{@code NAME}: one setting per stage variable, winning over the
 *       file's ({@code TOLLGATE_STAGEVAR_ordersBackend}); a value may be a Key Vault reference, which the
 *       platform resolves before the worker starts;</li>
 *   <li>{@value #CONFIG}: the configuration file's path; else {@value #BUNDLED_CONFIG} on the classpath;</li>
 *   <li>{@value #AWS_ACCESS_KEY_ID}, {@value #AWS_SECRET_ACCESS_KEY} (and {@value #AWS_SESSION_TOKEN},
 *       {@value #AWS_REGION}): credentials for {@code ecs://} backends, found through the ECS API;
 *       without them a stage that reaches an {@code ecs://} backend fails at start.</li>
 * </ul>
 * Counters and keys are stores handed in ({@link #create}); the configuration is checked against,
 * and the gateway fits its tries in, the Consumption plan's limits ({@link AzureLimits}).
 * A bad setting fails here, when the worker loads the function, naming the setting; never on a request.
 */
public final class AzureGateway {

    public static final String STAGE = "TOLLGATE_STAGE";
    public static final String STAGE_VARIABLE_PREFIX = "TOLLGATE_STAGEVAR_";
    public static final String CONFIG = "TOLLGATE_CONFIG";
    public static final String BUNDLED_CONFIG = "tollgate.yaml";
    public static final String AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    public static final String AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String AWS_SESSION_TOKEN = "AWS_SESSION_TOKEN";
    public static final String AWS_REGION = "AWS_REGION";
    /** The thread the Cosmos DB client connects on at init. */
    static final String COSMOS_INIT_THREAD = "tollgate-init-cosmos";

    private AzureGateway() {
    }

    /** The configuration the settings name (an empty setting is none), checked against Azure's limits. */
    public static GatewayConfig config(Map<String, String> settings) {
        String file = settings.get(CONFIG);
        return file != null && !file.isBlank()
                ? ConfigLoader.load(Path.of(file), AzureLimits.INSTANCE)
                : ConfigLoader.loadResource(BUNDLED_CONFIG, AzureLimits.INSTANCE);
    }

    /** The stage {@value #STAGE} names: required, and one of the configuration's. */
    public static String stage(Map<String, String> settings, GatewayConfig config) {
        String stage = settings.get(STAGE);
        String stages = String.join(", ", config.stages().keySet());
        if (stage == null || stage.isBlank()) {
            throw new IllegalStateException(STAGE + ": not set (expected: the stage this function app serves, one of "
                    + stages + ")");
        }
        if (config.stage(stage).isEmpty()) {
            throw new IllegalStateException(STAGE + ": " + stage + " (expected: a stage of the configuration: " + stages + ")");
        }
        return stage;
    }

    /** The stage variables of the settings {@value #STAGE_VARIABLE_PREFIX}{@code NAME}, by name (case kept). */
    public static Map<String, String> stageVariables(Map<String, String> settings) {
        Map<String, String> variables = new TreeMap<>();
        settings.forEach((name, value) -> {
            if (name.startsWith(STAGE_VARIABLE_PREFIX)) {
                String variable = name.substring(STAGE_VARIABLE_PREFIX.length());
                if (variable.isEmpty()) {
                    throw new IllegalStateException(name + ": (expected: a stage variable's name after the prefix "
                            + STAGE_VARIABLE_PREFIX + ", such as " + STAGE_VARIABLE_PREFIX + "ordersBackend)");
                }
                variables.put(variable, value);
            }
        });
        return variables;
    }

    /**
     * The resolver of {@code ecs://} backends: the ECS API with the AWS credentials of the settings, when
     * they are given; {@link BackendResolver#NONE} when they are not and the stage reaches no such backend;
     * a failure naming the settings when it does.
     *
     * @param variables the stage's variables from the settings, which win over the file's
     */
    public static BackendResolver backends(Map<String, String> settings, GatewayConfig config, String stage,
                                           Map<String, String> variables, Clock clock) {
        Optional<AwsCredentials> credentials = awsCredentials(settings);
        if (credentials.isPresent()) {
            return new EcsBackendResolver(AwsGateway.ecs(settings, StaticCredentialsProvider.create(credentials.get())), clock);
        }
        ecsBackend(config, stage, variables).ifPresent(found -> {
            throw new IllegalStateException(found + ", an ECS service, whose tasks Tollgate finds through the ECS API:"
                    + " set the app settings " + AWS_ACCESS_KEY_ID + " and " + AWS_SECRET_ACCESS_KEY + " (and " + AWS_REGION
                    + ") to credentials allowed ecs:ListTasks and ecs:DescribeTasks, or point the backend at an https:// URL");
        });
        return BackendResolver.NONE;
    }

    /**
     * The gateway over a configuration and the stores of counters and keys; the function app (with the
     * Cosmos DB stores) and the local runner build it this way. API keys: the file's first, then the
     * store's, whose lookups a warm worker remembers for {@link CachingKeyStore#DEFAULT_TTL} on
     * {@code clock}: so long may a revoked key keep working.
     *
     * @param keys       the store of API keys (hashed), asked after the file's
     * @param requestLog where each request's log line goes ({@link AzureRequestLog} in a function app)
     * @param backends   the tasks of ecs:// backends ({@link #backends})
     */
    public static Gateway create(GatewayConfig config, CounterStore counters, KeyStore keys, Clock clock,
                                 RequestObserver requestLog, BackendResolver backends) {
        return Gateway.builder()
                .config(config)
                .clock(clock)
                .observer(requestLog)
                .counters(counters)
                .keys(new ConfigKeyStore(config.apiKeys()).orElse(new CachingKeyStore(keys,
                        CachingKeyStore.DEFAULT_TTL, CachingKeyStore.DEFAULT_CAPACITY, clock)))
                .backends(backends)
                .platform(AzureLimits.INSTANCE)
                .build();
    }

    /**
     * The function app of the settings: its configuration, stage ({@value #STAGE}), stage variables
     * ({@value #STAGE_VARIABLE_PREFIX}{@code *}), ecs:// resolver and gateway over the stores given.
     * Every setting is checked here, before the first request.
     */
    public static App fromSettings(Map<String, String> settings, CounterStore counters, KeyStore keys, Clock clock,
                                   RequestObserver requestLog) {
        return fromSettings(settings, config(settings), counters, keys, clock, requestLog);
    }

    /** The function app of the settings over a configuration already loaded ({@link #config}). */
    static App fromSettings(Map<String, String> settings, GatewayConfig config, CounterStore counters, KeyStore keys,
                            Clock clock, RequestObserver requestLog) {
        String stage = stage(settings, config);
        Map<String, String> variables = stageVariables(settings);
        checkHeaderVariables(config, stage, variables);
        BackendResolver backends = backends(settings, config, stage, variables, clock);
        return new App(create(config, counters, keys, clock, requestLog, backends), stage, variables);
    }

    /**
     * What a function instance serves.
     *
     * @param stage          the configuration stage of the app
     * @param stageVariables the app's stage variables, which win over the file's
     */
    public record App(Gateway gateway, String stage, Map<String, String> stageVariables) {

        public App {
            stageVariables = Map.copyOf(stageVariables);
        }
    }

    /**
     * The function app of the settings with the counters and keys of the Cosmos DB account they name
     * ({@code connect}: {@link CosmosStores#connect}, with the app's managed identity); a missing or bad
     * setting fails here, naming it, and a bad configuration is reported first. The Cosmos DB client, most
     * of the cold start, connects on another thread ({@value #COSMOS_INIT_THREAD}) while the configuration
     * loads, and init waits for it at most the operation timeout ({@value CosmosStores#TIMEOUT}): an account
     * down or slow at a cold start fails no init; its stores fail per request until the client connects
     * ({@link CosmosConnection}).
     */
    static App connect(Map<String, String> settings, Function<Map<String, String>, CosmosStores> connect) {
        Clock clock = Clock.systemUTC();
        CosmosConnection cosmos = CosmosConnection.start(() -> connect.apply(settings), COSMOS_INIT_THREAD);
        GatewayConfig config = config(settings);
        Duration timeout = CosmosStores.Settings.from(settings).operationTimeout();
        cosmos.await(timeout);
        return fromSettings(settings, config, cosmos.counters(clock, timeout), cosmos.keys(timeout), clock,
                AzureRequestLog.toFunctionLogger());
    }

    /** Holds the worker's app, built from its settings when the worker first instantiates the function. */
    static final class Instance {
        static final App APP = connect(System.getenv(), CosmosStores::connect);

        private Instance() {
        }
    }

    private static Optional<AwsCredentials> awsCredentials(Map<String, String> settings) {
        String id = settings.get(AWS_ACCESS_KEY_ID);
        String secret = settings.get(AWS_SECRET_ACCESS_KEY);
        boolean hasId = id != null && !id.isBlank();
        boolean hasSecret = secret != null && !secret.isBlank();
        if (hasId != hasSecret) {
            throw new IllegalStateException((hasId ? AWS_SECRET_ACCESS_KEY : AWS_ACCESS_KEY_ID)
                    + ": not set (expected: both " + AWS_ACCESS_KEY_ID + " and " + AWS_SECRET_ACCESS_KEY + ", or neither)");
        }
        if (!hasId) {
            return Optional.empty();
        }
        String token = settings.get(AWS_SESSION_TOKEN);
        return Optional.of(token == null || token.isBlank()
                ? AwsBasicCredentials.create(id, secret)
                : AwsSessionCredentials.create(id, secret, token));
    }

    /**
     * Every stage variable a route's header rules send (a backend's token, say) has a value on the app's
     * stage, from the file or, for a secret, from a setting (a Key Vault reference): else the app fails
     * at start naming the setting, rather than each request with a 502.
     */
    static void checkHeaderVariables(GatewayConfig config, String stage, Map<String, String> settingVariables) {
        Map<String, String> file = config.stage(stage).orElseThrow().variables();
        for (int i = 0; i < config.routes().size(); i++) {
            RouteConfig route = config.routes().get(i);
            Set<String> used = new TreeSet<>(route.requestHeaders().variables());
            used.addAll(route.responseHeaders().variables());
            for (String variable : used) {
                if (!file.containsKey(variable) && !settingVariables.containsKey(variable)) {
                    throw new IllegalStateException(STAGE_VARIABLE_PREFIX + variable + ": not set (expected: the value"
                            + " routes[" + i + "] (" + route.path() + ") sends in a header as ${stageVariables." + variable
                            + "} on stage " + stage + "; for a secret, a Key Vault reference @Microsoft.KeyVault(SecretUri=...))");
                }
            }
        }
    }

    /** The first ecs:// backend a route reaches on the stage, described for a message. */
    private static Optional<String> ecsBackend(GatewayConfig config, String stage, Map<String, String> settingVariables) {
        Map<String, String> variables = new LinkedHashMap<>(config.stage(stage).orElseThrow().variables());
        variables.putAll(settingVariables);
        for (int i = 0; i < config.routes().size(); i++) {
            RouteConfig route = config.routes().get(i);
            for (WeightedBackend backend : route.backends()) {
                var address = backend.target().resolve(variables);
                if (address.isPresent() && address.get() instanceof EcsService service) {
                    String via = backend.target().variable()
                            .map(name -> " through the stage variable " + name + " (setting " + STAGE_VARIABLE_PREFIX + name + ")")
                            .orElse("");
                    return Optional.of("routes[" + i + "] (" + route.path() + ") reaches " + service + " on stage " + stage + via);
                }
            }
        }
        return Optional.empty();
    }
}
