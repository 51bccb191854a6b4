package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.aws.AwsGateway;
import dev.tollgate.local.LocalRunner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A second {@code ./tollgate local}: the ports the user did not name (the API Gateway's 8080,
 * DynamoDB Local's 8000, the example's prod demo service on 9102) are taken by the first, so it
 * takes free ones and says so in its banner. Each test holds those ports itself first, so that it
 * never depends on what else runs, and no runner of its own ever listens on them.
 */
class BusyPortsEndToEndTest {

    private final List<ServerSocket> held = new ArrayList<>();

    @AfterEach
    void release() throws IOException {
        for (ServerSocket socket : held) {
            socket.close();
        }
    }

    @Test
    void aBusyDemoServicePort_givesWayToAFreeOne_saidInTheBanner() throws Exception {
        hold(9102);

        try (LocalTollgate tollgate = LocalTollgate.start(LocalTollgate.EXAMPLE, Map.of(), true)) {
            String prodBackend = tollgate.runner().stageVariables().get("prod").get("ordersBackend");

            assertThat(prodBackend).startsWith("http://127.0.0.1:").isNotEqualTo("http://127.0.0.1:9102");
            assertThat(tollgate.runner().busyPorts()).containsEntry("prod.ordersBackend", 9102);
            assertThat(tollgate.runner().banner())
                    .contains("ordersBackend = " + prodBackend + "  (9102 was busy: took a free port)");
            HttpResponse<String> response = tollgate.get("/prod/orders", "x-api-key", "demo-prod-key");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(LocalTollgate.json(response).path("service").asText()).isEqualTo("orders");
        }
    }

    @Test
    void aLoopbackUrlInAnySpelling_getsItsDemoService_asTheDeployRulesReadLoopback() throws Exception {
        for (String spelling : List.of("http://localhost:0", "http://[::1]:0", "http://127.1:0")) {
            try (LocalTollgate tollgate = LocalTollgate.start(LocalTollgate.EXAMPLE,
                    Map.of("prod", Map.of("ordersBackend", spelling)), true)) {
                String prodBackend = tollgate.runner().stageVariables().get("prod").get("ordersBackend");

                assertThat(prodBackend).as(spelling).startsWith("http://127.0.0.1:").isNotEqualTo("http://127.0.0.1:0");
                HttpResponse<String> response = tollgate.get("/prod/orders", "x-api-key", "demo-prod-key");
                assertThat(response.statusCode()).as(spelling).isEqualTo(200);
                assertThat(LocalTollgate.json(response).path("service").asText()).isEqualTo("orders");
            }
        }
    }

    @Test
    void busyDefaultPorts_giveWayWhenNoPortWasNamed_butANamedPortMustBeFree() throws Exception {
        hold(LocalRunner.Options.DEFAULT_PORT);
        hold(LocalRunner.Options.DEFAULT_DYNAMODB_PORT);
        Map<String, Map<String, String>> freeDemoPorts = Map.of("prod", Map.of("ordersBackend", "http://127.0.0.1:0"));
        Clock clock = Clock.fixed(LocalTollgate.midHour(), ZoneOffset.UTC);

        try (LocalRunner runner = LocalRunner.start(new LocalRunner.Options(LocalTollgate.EXAMPLE,
                LocalRunner.Options.DEFAULT_PORT, LocalRunner.Options.DEFAULT_DYNAMODB_PORT, freeDemoPorts, true,
                AwsGateway.DEFAULT_COUNTERS_TABLE, clock, dev.tollgate.observe.RequestObserver.NONE, true))) {
            assertThat(runner.port()).isNotEqualTo(LocalRunner.Options.DEFAULT_PORT);
            assertThat(runner.dynamoDbPort()).isNotEqualTo(LocalRunner.Options.DEFAULT_DYNAMODB_PORT);
            assertThat(runner.banner())
                    .contains("http://127.0.0.1:" + runner.port() + "/{stage}/...  (8080 was busy: took a free port)")
                    .contains("http://127.0.0.1:" + runner.dynamoDbPort() + "  (tables ")
                    .contains("(8000 was busy: took a free port)")
                    .contains("--endpoint http://127.0.0.1:" + runner.dynamoDbPort());
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.port() + "/prod/orders"))
                            .header("x-api-key", "demo-prod-key").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
        }

        Exception refused = null;
        try (LocalRunner named = LocalRunner.start(new LocalRunner.Options(LocalTollgate.EXAMPLE,
                LocalRunner.Options.DEFAULT_PORT, 0, freeDemoPorts, true, AwsGateway.DEFAULT_COUNTERS_TABLE, clock))) {
            refused = null;
        } catch (IOException e) {
            refused = e;
        }
        assertThat(refused).as("a named busy port").isNotNull();
        assertThat(refused.getMessage()).startsWith("cannot listen on 127.0.0.1:8080 (").endsWith("); choose another port with --port");
    }

    /** Holds the port for the test; when something else already holds it, it is busy all the same. */
    private void hold(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            held.add(socket);
        } catch (IOException alreadyBusy) {
            // busy either way
        }
    }
}
