package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Under SnapStart, Lambda sets no AWS_ACCESS_KEY_ID: the role's credentials come from the container
 * credentials endpoint, here a real HTTP server on 127.0.0.1 named as Lambda names it.
 */
class AwsGatewayCredentialsTest {

    @Test
    void withoutKeyVariables_theCredentialsComeFromTheContainerEndpoint_asUnderSnapStart() throws Exception {
        assertThat(System.getenv("AWS_ACCESS_KEY_ID")).as("this test needs an environment without AWS keys, as SnapStart gives")
                .isNull();
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        endpoint.createContext("/credentials", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ("{\"AccessKeyId\":\"ASIAEXAMPLE\",\"SecretAccessKey\":\"secret\",\"Token\":\"session\","
                    + "\"Expiration\":\"" + Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        endpoint.start();
        // The SDK reads these settings from system properties before the environment.
        System.setProperty("aws.containerCredentialsFullUri", "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/credentials");
        System.setProperty("aws.containerAuthorizationToken", "lambda-token");
        try {
            AwsCredentials credentials = AwsGateway.credentials().resolveCredentials();

            assertThat(credentials.accessKeyId()).isEqualTo("ASIAEXAMPLE");
            assertThat(credentials).isInstanceOfSatisfying(AwsSessionCredentials.class,
                    session -> assertThat(session.sessionToken()).isEqualTo("session"));
            assertThat(authorizations).containsExactly("lambda-token");
        } finally {
            System.clearProperty("aws.containerCredentialsFullUri");
            System.clearProperty("aws.containerAuthorizationToken");
            endpoint.stop(0);
        }
    }
}
