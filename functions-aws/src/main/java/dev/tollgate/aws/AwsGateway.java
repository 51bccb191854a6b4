package dev.tollgate.aws;

import dev.tollgate.Gateway;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.config.BackgroundInit;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.Durations;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.policy.auth.apikey.CachingKeyStore;
import dev.tollgate.observe.OneLineLogFormatter;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.EcsClientBuilder;

/**
 * Builds the gateway a Lambda function instance serves, once, from its environment:
 * <ul>
 *   <li>{@value #CONFIG}: the configuration file's path; else {@value #BUNDLED_CONFIG} on the classpath;</li>
 *   <li>{@value #COUNTERS_TABLE}: the DynamoDB table of quota counters (default {@value #DEFAULT_COUNTERS_TABLE});</li>
 *   <li>{@value #KEYS_TABLE}: the DynamoDB table of API keys (default {@value #DEFAULT_KEYS_TABLE}), asked
 *       after the file's {@code apiKeys}, through a cache of {@link CachingKeyStore#DEFAULT_TTL};</li>
 *   <li>{@code AWS_REGION} and the credentials Lambda puts in the environment;</li>
 *   <li>{@value #DYNAMODB_ENDPOINT}: another DynamoDB endpoint, for testing;</li>
 *   <li>{@value #ECS_ENDPOINT}: another ECS endpoint, for testing;</li>
 *   <li>{@value #DYNAMODB_TIMEOUT}: how long a DynamoDB call may take (default {@link #DYNAMODB_CALL_TIMEOUT});</li>
 *   <li>{@value #STAGE}: the configuration stage of the function, which events of API Gateway's
 *       {@code $default} stage reach (the CDK stacks set it, one function per stage).</li>
 * </ul>
 * Every request is logged, with its metrics, as one line on standard output ({@link EmfRequestLog}).
 * Under SnapStart, a synthetic request primes the request path before the snapshot ({@link SnapStartPriming}).
 * The configuration is checked against, and the gateway fits its tries in, API Gateway's limits
 * ({@link ApiGatewayLimits}).
 * A bad configuration fails here, at cold start, never on a request.
 */
public final class AwsGateway {

    public static final String CONFIG = "TOLLGATE_CONFIG";
    public static final String COUNTERS_TABLE = "TOLLGATE_COUNTERS_TABLE";
    public static final String KEYS_TABLE = "TOLLGATE_KEYS_TABLE";
    public static final String DYNAMODB_ENDPOINT = "TOLLGATE_DYNAMODB_ENDPOINT";
    public static final String ECS_ENDPOINT = "TOLLGATE_ECS_ENDPOINT";
    /** How long a DynamoDB call may take, retries included ({@link #DYNAMODB_CALL_TIMEOUT} unless set). */
    public static final String DYNAMODB_TIMEOUT = "TOLLGATE_DYNAMODB_TIMEOUT";
    public static final String STAGE = "TOLLGATE_STAGE";
    public static final String BUNDLED_CONFIG = "tollgate.yaml";
    public static final String DEFAULT_COUNTERS_TABLE = "tollgate-counters";
    public static final String DEFAULT_KEYS_TABLE = "tollgate-keys";
    /**
     * The most an ECS API call may take, its retries included: a request that waits for a service's
     * tasks waits no longer per call, and a background refresh ends.
     */
    public static final Duration ECS_CALL_TIMEOUT = Duration.ofSeconds(3);
    /** The most one try of an ECS API call may take. */
    public static final Duration ECS_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    /** How long the ECS client waits for a connection, and then for each read. */
    public static final Duration ECS_SOCKET_TIMEOUT = Duration.ofSeconds(2);
    /**
     * The most a DynamoDB call (a counter's or a key's) may take, its retries included, as Cosmos DB's
     * {@code TOLLGATE_COSMOS_TIMEOUT} default: a store that hangs or throttles fails the request's
     * counting within it (failOpen or 503), not after the SDK's 30 s read timeout and its retries.
     */
    public static final Duration DYNAMODB_CALL_TIMEOUT = Duration.ofSeconds(2);
    /**
     * Tries of a DynamoDB call, the first included: a throttled write is retried once, after the standard
     * strategy's back-off, and then fails with DynamoDB's own error (as Cosmos DB's client retries a 429
     * once), rather than retrying until the call timeout, which would hide the throttling behind a timeout.
     */
    public static final int DYNAMODB_ATTEMPTS = 2;
    /** The bounds of {@value #DYNAMODB_TIMEOUT}, as of Cosmos DB's {@code TOLLGATE_COSMOS_TIMEOUT}. */
    public static final Duration MIN_DYNAMODB_TIMEOUT = Duration.ofMillis(100);
    public static final Duration MAX_DYNAMODB_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(AwsGateway.class.getName());

    private AwsGateway() {
    }

    /** The gateway of this function instance, built on first use from the process environment. */
    public static Gateway instance() {
        return Instance.GATEWAY;
    }

    /** The configuration stage of this function instance ({@value #STAGE}), checked against its configuration. */
    public static Optional<String> instanceStage() {
        return Instance.STAGE;
    }

    /**
     * The stage {@value #STAGE} names, if any; a bad one fails here, at cold start, naming the stages
     * the configuration has.
     */
    public static Optional<String> stage(Map<String, String> env, GatewayConfig config) {
        String stage = env.get(STAGE);
        if (stage == null || stage.isEmpty()) {
            return Optional.empty();
        }
        if (config.stage(stage).isEmpty()) {
            throw new IllegalStateException(STAGE + ": " + stage + " (expected: a stage of the configuration: "
                    + String.join(", ", config.stages().keySet()) + ")");
        }
        return Optional.of(stage);
    }

    /**
     * The DynamoDB client is built, and its UpdateItem path primed ({@link SdkRequestPriming}), on
     * another thread while the configuration loads ({@link BackgroundInit}).
     */
    public static Gateway fromEnvironment(Map<String, String> env) {
        String countersTable = env.getOrDefault(COUNTERS_TABLE, DEFAULT_COUNTERS_TABLE);
        BackgroundInit<DynamoDbClient> dynamo = BackgroundInit.start("tollgate-init-dynamodb", () -> {
            DynamoDbClient client = dynamoDb(env);
            primeQuietly(client, countersTable);
            return client;
        });
        GatewayConfig config = env.containsKey(CONFIG)
                ? ConfigLoader.load(Path.of(env.get(CONFIG)), ApiGatewayLimits.INSTANCE)
                : ConfigLoader.loadResource(BUNDLED_CONFIG, ApiGatewayLimits.INSTANCE);
        Clock clock = Clock.systemUTC();
        EcsBackendResolver backends = EcsBackendResolver.builtOnFirstLookup(() -> ecs(env), clock);
        return create(config, dynamo.join(), countersTable, env.getOrDefault(KEYS_TABLE, DEFAULT_KEYS_TABLE), clock,
                EmfRequestLog.toStandardOutput(), backends);
    }

    /** Priming only saves time: if an SDK change ever broke it, the function still starts, and says so. */
    private static void primeQuietly(DynamoDbClient client, String countersTable) {
        try {
            SdkRequestPriming.primeUpdateItem(client, countersTable);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "priming the DynamoDB client's UpdateItem failed; the first request does that work", e);
        }
    }

    /**
     * The gateway over a configuration and a DynamoDB client; the local runner builds it this way too.
     * API keys: the file's first, then the table's, whose lookups a warm instance remembers for
     * {@link CachingKeyStore#DEFAULT_TTL} on {@code clock}: so long may a revoked key keep working.
     *
     * @param requestLog where each request's access log and metrics line goes
     * @param backends   the tasks of ecs:// backends
     */
    public static Gateway create(GatewayConfig config, DynamoDbClient dynamo, String countersTable, String keysTable,
                                 Clock clock, RequestObserver requestLog, BackendResolver backends) {
        return Gateway.builder()
                .config(config)
                .clock(clock)
                .observer(requestLog)
                .counters(new DynamoDbCounterStore(dynamo, countersTable))
                .keys(new ConfigKeyStore(config.apiKeys()).orElse(new CachingKeyStore(new DynamoDbKeyStore(dynamo, keysTable),
                        CachingKeyStore.DEFAULT_TTL, CachingKeyStore.DEFAULT_CAPACITY, clock)))
                .backends(backends)
                .platform(ApiGatewayLimits.INSTANCE)
                .build();
    }

    /**
     * The function's role credentials, where Lambda puts them: in {@code AWS_ACCESS_KEY_ID} and its
     * siblings on a plain start, at the container credentials endpoint
     * ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}) under SnapStart, which sets no key variables.
     * Not the SDK's default chain, whose profile files and instance metadata a function never has.
     */
    static AwsCredentialsProvider credentials() {
        return AwsCredentialsProviderChain.builder()
                .credentialsProviders(EnvironmentVariableCredentialsProvider.create(), ContainerCredentialsProvider.create())
                .reuseLastProviderEnabled(true)
                .build();
    }

    /**
     * The url-connection HTTP client and the function's credentials: the fastest start of the options
     * measured (docs/performance.md, cold start), and nothing a Lambda function does not have.
     */
    static DynamoDbClient dynamoDb(Map<String, String> env) {
        return dynamoDb(env, credentials());
    }

    /**
     * The DynamoDB client with other credentials, for the local runner and tests; its calls end within
     * {@value #DYNAMODB_TIMEOUT} ({@link #DYNAMODB_CALL_TIMEOUT} unless set), retries included, in at most
     * {@link #DYNAMODB_ATTEMPTS} tries.
     */
    public static DynamoDbClient dynamoDb(Map<String, String> env, AwsCredentialsProvider credentials) {
        Duration timeout = Durations.setting(env, DYNAMODB_TIMEOUT, DYNAMODB_CALL_TIMEOUT, MIN_DYNAMODB_TIMEOUT, MAX_DYNAMODB_TIMEOUT);
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(timeout)
                        .socketTimeout(timeout)
                        .build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(timeout)
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(DYNAMODB_ATTEMPTS)
                                .build())
                        .build())
                .credentialsProvider(credentials)
                .region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")));
        if (env.containsKey(DYNAMODB_ENDPOINT)) {
            builder.endpointOverride(URI.create(env.get(DYNAMODB_ENDPOINT)));
        }
        return builder.build();
    }

    /** The ECS client of ecs:// backends: like the DynamoDB client, url-connection and the function's credentials. */
    static EcsClient ecs(Map<String, String> env) {
        return ecs(env, credentials());
    }

    /**
     * The ECS client with other credentials, for the local runner and tests. Its calls have short
     * timeouts ({@link #ECS_CALL_TIMEOUT}, {@link #ECS_ATTEMPT_TIMEOUT}, {@link #ECS_SOCKET_TIMEOUT}),
     * not the SDK's 30 s a read and its retries: the first request to a service waits for the lookup,
     * and a refresh that hangs would hold the service's list back.
     */
    public static EcsClient ecs(Map<String, String> env, AwsCredentialsProvider credentials) {
        EcsClientBuilder builder = EcsClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(ECS_SOCKET_TIMEOUT)
                        .socketTimeout(ECS_SOCKET_TIMEOUT)
                        .build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(ECS_CALL_TIMEOUT)
                        .apiCallAttemptTimeout(ECS_ATTEMPT_TIMEOUT)
                        .build())
                .credentialsProvider(credentials)
                .region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")));
        if (env.containsKey(ECS_ENDPOINT)) {
            builder.endpointOverride(URI.create(env.get(ECS_ENDPOINT)));
        }
        return builder.build();
    }

    /** Holds the instance; initialised in the function's init phase, when the handler class loads. */
    private static final class Instance {
        static final Gateway GATEWAY = build();
        static final Optional<String> STAGE = stage(System.getenv(), GATEWAY.config());
        /** Held here because the CRaC context holds it only weakly; SnapStart runs it before its snapshot. */
        static final SnapStartPriming PRIMING = SnapStartPriming.register(GATEWAY.config(), STAGE);

        /** Lambda makes each line on standard error a log event of its own: one line per record. */
        private static Gateway build() {
            OneLineLogFormatter.install();
            return fromEnvironment(System.getenv());
        }
    }
}
