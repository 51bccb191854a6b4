package dev.tollgate.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.testing.Programs;
import dev.tollgate.testing.TestGateways;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real WSGI backend (Python's {@code wsgiref.simple_server}) reads headers the CGI way, as
 * {@code HTTP_X_TOLLGATE_CONSUMER}, for {@code x-tollgate-consumer} and {@code x_tollgate_consumer}
 * alike: what the gateway vouches for must be all it reads there.
 */
class WsgiBackendTest {

    /** Answers each request with the HTTP_* variables of its environ, as JSON. */
    private static final String APP = """
            import json, sys
            from wsgiref.simple_server import make_server, WSGIRequestHandler
            class Quiet(WSGIRequestHandler):
                def log_message(self, *args):
                    pass
            def app(environ, start_response):
                body = json.dumps({k: v for k, v in environ.items() if k.startswith('HTTP_')}).encode()
                start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(body)))])
                return [body]
            server = make_server('127.0.0.1', 0, app, handler_class=Quiet)
            print(server.server_port, flush=True)
            server.serve_forever()
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Process python;
    private static String url;

    @BeforeAll
    static void startTheWsgiBackend() throws Exception {
        Optional<Path> python3 = Programs.onPath("python3");
        if (python3.isEmpty()) {
            System.out.println("WsgiBackendTest skipped: python3 is not on the PATH");
            Assumptions.abort("python3 is not on the PATH");
        }
        python = new ProcessBuilder(python3.get().toString(), "-c", APP).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
        String port = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(20, TimeUnit.SECONDS);
        assertThat(port).as("the WSGI server's port").matches("[0-9]+");
        url = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stopIt() throws InterruptedException {
        if (python != null) {
            python.destroy();
            python.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWsgiBackend_readsTheGatewaysIdentityOnly_whateverSpellingTheCallerSent() throws Exception {
        Gateway gateway = TestGateways.from(ManagedHeadersTest.CONFIG.formatted(url));
        Headers.Builder forged = Headers.builder().add("x_tollgate_consumer", "mallory").add("X_TOLLGATE_PLAN", "platinum")
                .add("x-tollgate_scopes", "admin").add("x_forwarded_for", "203.0.113.9").add("x_request_id", "forged-id");

        JsonNode keyed = environ(gateway.handle(request("/keyed", forged.set("x-api-key", "dev-secret-key"))));
        JsonNode open = environ(gateway.handle(request("/open", forged.remove("x-api-key"))));

        assertThat(keyed.path("HTTP_X_TOLLGATE_CONSUMER").asText()).isEqualTo("alice");
        assertThat(keyed.path("HTTP_X_TOLLGATE_PLAN").asText()).isEqualTo("gold");
        assertThat(keyed.has("HTTP_X_TOLLGATE_SCOPES")).isFalse();
        assertThat(keyed.path("HTTP_X_FORWARDED_FOR").asText()).isEqualTo("192.0.2.10");
        assertThat(keyed.path("HTTP_X_REQUEST_ID").asText()).isNotEqualTo("forged-id").doesNotContain("forged-id");
        assertThat(open.has("HTTP_X_TOLLGATE_CONSUMER")).as("a public route's backend hears of no consumer: %s", open).isFalse();
        assertThat(open.has("HTTP_X_TOLLGATE_PLAN")).isFalse();
        assertThat(open.has("HTTP_X_TOLLGATE_SCOPES")).isFalse();
        assertThat(open.path("HTTP_X_FORWARDED_FOR").asText()).isEqualTo("192.0.2.10");
    }

    /** Frameworks take a client's address from these variables (Rails' {@code remote_ip} reads HTTP_CLIENT_IP too). */
    @Test
    void aWsgiBackend_readsTheAddressTheGatewaySaw_inXRealIp_andNoClientAddressOfTheCallers() throws Exception {
        Gateway gateway = TestGateways.from(ManagedHeadersTest.CONFIG.formatted(url));
        Headers.Builder forged = Headers.builder().add("X-Real-IP", "203.0.113.9").add("x_real_ip", "203.0.113.9")
                .add("Client-IP", "203.0.113.9").add("True-Client-IP", "203.0.113.9").add("X-Client-IP", "203.0.113.9")
                .add("CF-Connecting-IP", "203.0.113.9").add("X-Cluster-Client-IP", "203.0.113.9");

        JsonNode open = environ(gateway.handle(request("/open", forged)));

        assertThat(open.path("HTTP_X_REAL_IP").asText()).isEqualTo("192.0.2.10");
        assertThat(open.toString()).as("the backend's environ").doesNotContain("203.0.113.9");
    }

    private static JsonNode environ(GatewayResponse response) throws IOException {
        assertThat(response.status()).as(response.bodyAsString()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static GatewayRequest request(String path, Headers.Builder headers) {
        return new GatewayRequest("GET", path, "", headers.build(), null, "192.0.2.10", "https", "dev", Map.of());
    }
}
