package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Priming the DynamoDB client's UpdateItem path sends nothing: the client's endpoint is a loopback
 * socket that counts the connections made to it, and its credentials provider counts its calls.
 */
class SdkRequestPrimingTest {

    private ServerSocket endpoint;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger credentialCalls = new AtomicInteger();
    private Thread acceptor;

    @BeforeEach
    void listen() throws IOException {
        endpoint = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!endpoint.isClosed()) {
                try (Socket ignored = endpoint.accept()) {
                    connections.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "counting-endpoint");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void close() throws Exception {
        endpoint.close();
        acceptor.join(5_000);
    }

    @Test
    void primeUpdateItem_runsTheRequestPath_withoutConnecting_norResolvingTheFunctionsCredentials() {
        AwsCredentialsProvider counted = () -> {
            credentialCalls.incrementAndGet();
            throw new IllegalStateException("priming resolved the function's credentials");
        };
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create("http://127.0.0.1:" + endpoint.getLocalPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(counted)
                .build()) {

            SdkRequestPriming.primeUpdateItem(dynamo, "tollgate-counters");
        }

        assertThat(connections).hasValue(0);
        assertThat(credentialCalls).hasValue(0);
    }
}
