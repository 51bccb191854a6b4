package dev.tollgate.aws;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.policy.auth.apikey.CachingKeyStore;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Builds the gateway a Lambda function instance serves, once, from its environment:
 * <ul>
 *   <li>{@value #CONFIG}: the configuration file's path; else {@value #BUNDLED_CONFIG} on the classpath;</li>
 *   <li>{@value #COUNTERS_TABLE}: the DynamoDB table of quota counters (default {@value #DEFAULT_COUNTERS_TABLE});</li>
 *   <li>{@value #KEYS_TABLE}: the DynamoDB table of API keys (default {@value #DEFAULT_KEYS_TABLE}), asked
 *       after the file's {@code apiKeys}, through a cache of {@link CachingKeyStore#DEFAULT_TTL};</li>
 *   <li>{@code AWS_REGION} and the credentials Lambda puts in the environment;</li>
 *   <li>{@value #DYNAMODB_ENDPOINT}: another DynamoDB endpoint, for testing.</li>
 * </ul>
 * Every request is logged, with its metrics, as one line on standard output ({@link EmfRequestLog}).
 * A bad configuration fails here, at cold start, never on a request.
 */
public final class AwsGateway {

    public static final String CONFIG = "TOLLGATE_CONFIG";
    public static final String COUNTERS_TABLE = "TOLLGATE_COUNTERS_TABLE";
    public static final String KEYS_TABLE = "TOLLGATE_KEYS_TABLE";
    public static final String DYNAMODB_ENDPOINT = "TOLLGATE_DYNAMODB_ENDPOINT";
    public static final String BUNDLED_CONFIG = "tollgate.yaml";
    public static final String DEFAULT_COUNTERS_TABLE = "tollgate-counters";
    public static final String DEFAULT_KEYS_TABLE = "tollgate-keys";

    private AwsGateway() {
    }

    /** The gateway of this function instance, built on first use from the process environment. */
    public static Gateway instance() {
        return Instance.GATEWAY;
    }

    public static Gateway fromEnvironment(Map<String, String> env) {
        GatewayConfig config = env.containsKey(CONFIG)
                ? ConfigLoader.load(Path.of(env.get(CONFIG)))
                : ConfigLoader.loadResource(BUNDLED_CONFIG);
        return create(config, dynamoDb(env), env.getOrDefault(COUNTERS_TABLE, DEFAULT_COUNTERS_TABLE),
                env.getOrDefault(KEYS_TABLE, DEFAULT_KEYS_TABLE), Clock.systemUTC(), EmfRequestLog.toStandardOutput());
    }

    /** The gateway over a configuration and a DynamoDB client, with the default keys table, logging each request on standard output. */
    public static Gateway create(GatewayConfig config, DynamoDbClient dynamo, String countersTable, Clock clock) {
        return create(config, dynamo, countersTable, clock, EmfRequestLog.toStandardOutput());
    }

    /** The same, with another request log; the local runner builds it this way. */
    public static Gateway create(GatewayConfig config, DynamoDbClient dynamo, String countersTable, Clock clock,
                                 RequestObserver requestLog) {
        return create(config, dynamo, countersTable, DEFAULT_KEYS_TABLE, clock, requestLog);
    }

    /**
     * The gateway over a configuration and a DynamoDB client. API keys: the file's first, then the
     * table's, whose lookups a warm instance remembers for {@link CachingKeyStore#DEFAULT_TTL} on
     * {@code clock}: so long may a revoked key keep working.
     */
    public static Gateway create(GatewayConfig config, DynamoDbClient dynamo, String countersTable, String keysTable,
                                 Clock clock, RequestObserver requestLog) {
        return Gateway.builder()
                .config(config)
                .clock(clock)
                .observer(requestLog)
                .counters(new DynamoDbCounterStore(dynamo, countersTable))
                .keys(new ConfigKeyStore(config.apiKeys()).orElse(new CachingKeyStore(new DynamoDbKeyStore(dynamo, keysTable),
                        CachingKeyStore.DEFAULT_TTL, CachingKeyStore.DEFAULT_CAPACITY, clock)))
                .build();
    }

    /**
     * The url-connection HTTP client and environment credentials: the fastest start of the options
     * measured (see README, cold start), and nothing a Lambda function does not have.
     */
    static DynamoDbClient dynamoDb(Map<String, String> env) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")));
        if (env.containsKey(DYNAMODB_ENDPOINT)) {
            builder.endpointOverride(URI.create(env.get(DYNAMODB_ENDPOINT)));
        }
        return builder.build();
    }

    /** Holds the instance; initialised in the function's init phase, when the handler class loads. */
    private static final class Instance {
        static final Gateway GATEWAY = fromEnvironment(System.getenv());
    }
}
