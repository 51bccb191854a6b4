package dev.tollgate.local;

import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB Local, in memory, in this JVM, listening on 127.0.0.1 only. DynamoDB Local's own
 * launcher binds every interface, so its request handler is mounted on a Jetty connector of ours.
 * It runs as {@code -sharedDb}: one database whatever the caller's access key and region, so that
 * the AWS CLI with any dummy credentials sees the runner's tables.
 */
public final class LocalDynamoDb implements AutoCloseable {

    private final Server server;
    private final LocalDynamoDBServerHandler handler;
    private final int port;

    private LocalDynamoDb(Server server, LocalDynamoDBServerHandler handler, int port) {
        this.server = server;
        this.handler = handler;
        this.port = port;
    }

    /** Starts on {@code port} (0 for any free port), one database for every access key and region. */
    public static LocalDynamoDb start(int port) throws Exception {
        return start(port, true);
    }

    /**
     * The same; without {@code sharedDb}, a database per access key and region, as AWS keeps accounts
     * and regions apart (what a test of region and credential choice needs).
     */
    static LocalDynamoDb start(int port, boolean sharedDb) throws Exception {
        LocalDynamoDBServerHandler handler = new LocalDynamoDBServerHandler(
                new LocalDynamoDBRequestHandler(0, true, null, sharedDb, false), null);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new DynamoDBProxyServer(connector.getPort(), handler).setUpHandler(handler));
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw new IllegalStateException("DynamoDB Local could not listen on 127.0.0.1:" + port
                    + " (" + e.getMessage() + "); choose another port with --dynamodb-port", e);
        }
        return new LocalDynamoDb(server, handler, connector.getLocalPort());
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * A client for this DynamoDB Local, with the Lambda function's HTTP client but none of its timeouts: for
     * making tables and for tools; the runner's function builds its own as the Lambda does ({@code AwsGateway.dynamoDb}).
     */
    public DynamoDbClient client() {
        return DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            handler.close();
        }
    }
}
