package dev.tollgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.EmfRequestLog;
import dev.tollgate.aws.EcsBackendResolver;
import dev.tollgate.aws.HttpApiHandler;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.jwt.JwtConfig;
import dev.tollgate.policy.auth.jwt.JwtIssuerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One cold start, run by {@code bench/cold-start} in a fresh JVM: build the gateway as a Lambda
 * instance does (configuration, DynamoDB client with the named HTTP client), then answer one
 * request through the real handler, quota write included. Prints the milliseconds from JVM start.
 * With a JWKS URL and a token, the request carries the token instead of the demo key, so the
 * figure includes fetching the issuer's keys over HTTP and verifying an RS256 signature. The
 * request log is the shipped one ({@code EmfRequestLog} on standard output) unless the system
 * property {@value #REQUEST_LOG} names another: {@code none}, or {@code powertools} (Powertools for
 * AWS Lambda metrics, compiled with {@code -Pbench-powertools}). The figure is the last line on
 * standard output, after the request log's line. With the system property {@value #ECS_ENDPOINT},
 * an {@code EcsClient} for that endpoint is built too, as the function builds it, and the gateway
 * finds ecs:// backends' tasks with it: BACKEND_URL may then be an {@code ecs://} service, whose
 * tasks the first request looks up. The milliseconds the EcsClient took to build go to standard
 * error, as {@code ecs-client-ms N}.
 *
 * <p>Arguments: {@code url-connection|apache5 DYNAMODB_ENDPOINT CONFIG BACKEND_URL [JWKS_URL TOKEN]}.
 */
public final class ColdStart {

    static final String REQUEST_LOG = "bench.requestLog";
    static final String ECS_ENDPOINT = "tollgate.bench.ecs";

    private ColdStart() {
    }

    /** The request log a function instance builds: {@code own} (shipped), {@code none} or {@code powertools}. */
    static RequestObserver requestLog(String name) throws ReflectiveOperationException {
        return switch (name) {
            case "own" -> EmfRequestLog.toStandardOutput();
            case "none" -> RequestObserver.NONE;
            // Compiled only with -Pbench-powertools, so that no test has Powertools on its classpath.
            case "powertools" -> (RequestObserver) Class.forName("dev.tollgate.bench.powertools.PowertoolsRequestLog")
                    .getConstructor().newInstance();
            default -> throw new IllegalArgumentException("unknown request log " + name);
        };
    }

    public static void main(String[] args) throws ReflectiveOperationException, IOException {
        SdkHttpClient http = switch (args[0]) {
            case "url-connection" -> UrlConnectionHttpClient.create();
            case "apache5" -> Apache5HttpClient.create();
            default -> throw new IllegalArgumentException("unknown HTTP client " + args[0]);
        };
        DynamoDbClient dynamo = DynamoDbClient.builder()
                .httpClient(http)
                .endpointOverride(URI.create(args[1]))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
        GatewayConfig config = ConfigLoader.load(Path.of(args[2]));
        boolean jwt = args.length > 5;
        if (jwt) {
            // The demo issuer's keys are where the running local runner serves them.
            Map<String, JwtIssuerConfig> issuers = new LinkedHashMap<>();
            config.jwt().issuers().forEach((name, issuer) -> issuers.put(name, issuer.withJwksUri(URI.create(args[4]))));
            config = config.withJwt(new JwtConfig(config.jwt().tokenCacheSize(), issuers));
        }
        String ecsEndpoint = System.getProperty(ECS_ENDPOINT);
        BackendResolver backends = BackendResolver.NONE;
        if (ecsEndpoint != null) {
            long building = System.nanoTime();
            backends = new EcsBackendResolver(AwsGateway.ecs(Map.of(AwsGateway.ECS_ENDPOINT, ecsEndpoint),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))), Clock.systemUTC());
            // The client's own cost, after the DynamoDB client has loaded what the two share.
            System.err.println("ecs-client-ms " + (System.nanoTime() - building) / 1_000_000);
        }
        String requestLog = System.getProperty(REQUEST_LOG);
        HttpApiHandler handler = new HttpApiHandler(AwsGateway.create(config, dynamo, AwsGateway.DEFAULT_COUNTERS_TABLE,
                AwsGateway.DEFAULT_KEYS_TABLE, Clock.systemUTC(),
                requestLog == null ? EmfRequestLog.toStandardOutput() : requestLog(requestLog), backends), Optional.empty());
        ObjectMapper json = new ObjectMapper();
        ObjectNode event = json.createObjectNode().put("version", "2.0").put("rawPath", "/dev/orders").put("rawQueryString", "");
        event.putObject("headers").put(jwt ? "authorization" : "x-api-key", jwt ? "Bearer " + args[5] : "demo-dev-key");
        event.putObject("stageVariables").put("ordersBackend", args[3]);
        event.putObject("requestContext").put("stage", "dev")
                .putObject("http").put("method", "GET").put("path", "/dev/orders").put("sourceIp", "127.0.0.1");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(json.writeValueAsBytes(event)), output, null);
        JsonNode response = json.readTree(output.toByteArray());
        long millis = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        if (response.path("statusCode").asInt() != 200) {
            System.err.println("cold start: " + response);
            System.exit(1);
        }
        System.out.println(millis);
        System.exit(0);
    }
}
