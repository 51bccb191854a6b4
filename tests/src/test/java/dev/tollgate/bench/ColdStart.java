package dev.tollgate.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.HttpApiHandler;
import dev.tollgate.config.ConfigLoader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
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
 *
 * <p>Arguments: {@code url-connection|apache5 DYNAMODB_ENDPOINT CONFIG BACKEND_URL}.
 */
public final class ColdStart {

    private ColdStart() {
    }

    public static void main(String[] args) {
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
        HttpApiHandler handler = new HttpApiHandler(AwsGateway.create(ConfigLoader.load(Path.of(args[2])), dynamo,
                AwsGateway.DEFAULT_COUNTERS_TABLE, Clock.systemUTC()));
        APIGatewayV2HTTPResponse response = handler.handleRequest(APIGatewayV2HTTPEvent.builder()
                .withRawPath("/dev/orders")
                .withRawQueryString("")
                .withHeaders(Map.of("x-api-key", "demo-dev-key"))
                .withStageVariables(Map.of("ordersBackend", args[3]))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withStage("dev")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod("GET").withPath("/dev/orders").withSourceIp("127.0.0.1").build())
                        .build())
                .build(), null);
        long millis = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        if (response.getStatusCode() != 200) {
            System.err.println("cold start: status " + response.getStatusCode() + ": " + response.getBody());
            System.exit(1);
        }
        System.out.println(millis);
        System.exit(0);
    }
}
