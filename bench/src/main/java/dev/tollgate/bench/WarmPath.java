package dev.tollgate.bench;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.BenchGateways;
import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.testing.InMemoryJwksSource;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestGateways;
import dev.tollgate.testing.TestIssuer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One request through the whole pipeline, as a warm function instance answers it, sampled one call
 * at a time (percentiles). The policy benchmarks answer the route in-process; {@code forwarded} sends
 * it on to a real HTTP backend on 127.0.0.1 (the JDK's server) with the forwarder.
 */
@BenchmarkMode(Mode.SampleTime)
// The JDK's HTTP server (the backend) waits ~40 ms per answer under Nagle's algorithm unless told not to.
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WarmPath {

    static final GatewayResponse ANSWER = GatewayResponse.json(200, "{\"ok\":true}");
    static final String KEY = "bench-key";

    /** API key and quota (leased, the default, or counted in the store on every request), in-memory counters. */
    @State(Scope.Benchmark)
    public static class ApiKey {
        @Param({"true", "false"})
        public boolean lease;
        Gateway gateway;
        GatewayRequest request;

        @Setup
        public void setUp() {
            gateway = BenchGateways.answeringWith(TestGateways.builder(keyed(lease, "http://127.0.0.1:9")), ANSWER);
            request = Requests.get("/orders").key(KEY).build();
            ensureOk(gateway.handle(request));
        }
    }

    /** A bearer token (RS256) through the JWT authenticator, its verification cache on (the default) or off. */
    @State(Scope.Benchmark)
    public static class Jwt {
        @Param({"true", "false"})
        public boolean cache;
        Gateway gateway;
        GatewayRequest request;

        @Setup
        public void setUp() {
            TestIssuer issuer = TestIssuer.rsa("https://login.example.com/", "k1");
            String yaml = """
                    stages:
                      dev: {variables: {}}
                    plans:
                      p: {quota: {limit: 1000000000000, period: day}}
                    routes:
                      - {path: /orders, methods: [GET], backend: "http://127.0.0.1:9", auth: {jwt: [idp]}}
                    """ + issuer.jwtSection("idp", "p") + (cache ? "" : "  tokenCacheSize: 0\n");
            gateway = BenchGateways.answeringWith(
                    TestGateways.builder(yaml).jwks(new InMemoryJwksSource().serve("idp", issuer)), ANSWER);
            request = Requests.get("/orders").bearer(issuer.sign(issuer.claims("alice", "api", Instant.now()).build())).build();
            ensureOk(gateway.handle(request));
        }
    }

    /** API key and quota, then the forwarder to a JDK HTTP server on 127.0.0.1 answering a small JSON. */
    @State(Scope.Benchmark)
    public static class Forwarded {
        HttpServer backend;
        ExecutorService executor;
        Gateway gateway;
        GatewayRequest request;

        @Setup
        public void setUp() throws IOException {
            backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            backend.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            executor = Executors.newFixedThreadPool(2);
            backend.setExecutor(executor);
            backend.start();
            gateway = TestGateways.from(keyed(true, "http://127.0.0.1:" + backend.getAddress().getPort()));
            request = Requests.get("/orders").key(KEY).build();
            ensureOk(gateway.handle(request));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            backend.stop(0);
            executor.shutdownNow();
        }
    }

    @Benchmark
    public GatewayResponse apiKeyQuota(ApiKey state) {
        return state.gateway.handle(state.request);
    }

    @Benchmark
    public GatewayResponse jwt(Jwt state) {
        return state.gateway.handle(state.request);
    }

    @Benchmark
    public GatewayResponse forwarded(Forwarded state) {
        return state.gateway.handle(state.request);
    }

    static String keyed(boolean lease, String backend) {
        return """
                stages:
                  dev: {variables: {}}
                plans:
                  p: {quota: {limit: 1000000000000, period: day, lease: %s}}
                apiKeys:
                  - {id: k, value: %s, consumer: c, stage: dev, plan: p}
                routes:
                  - {path: /orders, methods: [GET], backend: "%s"}
                """.formatted(lease, KEY, backend);
    }

    /** A benchmark of a refusal would measure the wrong path. */
    static void ensureOk(GatewayResponse response) {
        if (response.status() != 200) {
            throw new IllegalStateException("expected 200, got " + response.status() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
    }
}
