package dev.tollgate.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.Gateway;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.KeyStore;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.policy.route.RouteConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming: before Lambda snapshots an initialised function ({@code org.crac}'s
 * {@link #beforeCheckpoint}), one synthetic request of each payload format goes through the handlers
 * and the whole pipeline, so that the snapshot holds the request path's classes (event reading, the
 * policies, problem answers, the request log's writer) and a restored instance does not load them on
 * its first request. The request carries no credential to a route that needs one: the pipeline
 * answers 401 before any store or backend could be asked. It runs on a gateway of its own over the
 * function's configuration, whose counter and key stores refuse every call and whose request log
 * goes nowhere, so that nothing is counted, written or logged. With no route that needs a
 * credential, nothing is primed. On a JVM without CRaC (no SnapStart) the hook never runs.
 */
public final class SnapStartPriming implements Resource {

    private static final Logger LOG = Logger.getLogger(SnapStartPriming.class.getName());
    /** The value put in a primed route's path parameters. */
    static final String PATH_PARAMETER = "priming";

    private final GatewayConfig config;
    private final Optional<String> functionStage;
    private final CounterStore counters;
    private final KeyStore keys;
    private final BackendResolver backends;

    /**
     * @param config        the function's configuration
     * @param functionStage the function's configuration stage, if it has one ({@value AwsGateway#STAGE})
     */
    public SnapStartPriming(GatewayConfig config, Optional<String> functionStage) {
        this(config, functionStage, RefusingStore.INSTANCE, RefusingStore.INSTANCE, BackendResolver.NONE);
    }

    /** With the stores and backend resolver given: the tests count what priming asks of them (nothing). */
    SnapStartPriming(GatewayConfig config, Optional<String> functionStage, CounterStore counters, KeyStore keys,
                     BackendResolver backends) {
        this.config = config;
        this.functionStage = functionStage;
        this.counters = counters;
        this.keys = keys;
        this.backends = backends;
    }

    /**
     * Registers the priming with the JVM's global CRaC context, which holds it only weakly: the caller
     * keeps the returned instance for as long as the function lives.
     */
    public static SnapStartPriming register(GatewayConfig config, Optional<String> functionStage) {
        SnapStartPriming priming = new SnapStartPriming(config, functionStage);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        List<Integer> statuses = prime();
        LOG.info(() -> "SnapStart priming: " + statuses.size() + " synthetic requests answered " + statuses);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing was opened by priming, so nothing is to be reopened.
    }

    /**
     * Sends the synthetic requests, one through each handler (HTTP API, REST API); the status codes of
     * their answers, none if no route needs a credential.
     */
    List<Integer> prime() {
        Optional<RouteConfig> route = config.routes().stream().filter(r -> !r.auth().isPublic()).findFirst();
        if (route.isEmpty()) {
            return List.of();
        }
        // Built here, not at init: a function without SnapStart never runs this and pays nothing for it.
        Gateway gateway = Gateway.builder()
                .config(config)
                .counters(counters)
                .keys(keys)
                .backends(backends)
                .platform(ApiGatewayLimits.INSTANCE)
                .observer(new EmfRequestLog(line -> { }))
                .build();
        String path = route.get().path().replaceAll("\\{[^}]*}", PATH_PARAMETER);
        String method = route.get().methods().contains("GET") ? "GET" : route.get().methods().iterator().next();
        String stage = functionStage.isPresent() ? ProxyEvent.DEFAULT_STAGE : config.stages().keySet().iterator().next();
        String stagePath = functionStage.isPresent() ? path : "/" + stage + path;

        ObjectNode http = ProxyEvent.json().createObjectNode().put("version", "2.0").put("rawPath", stagePath)
                .put("rawQueryString", "");
        http.putObject("headers").put("user-agent", "tollgate-snapstart-priming");
        http.putObject("requestContext").put("stage", stage)
                .putObject("http").put("method", method).put("path", stagePath).put("sourceIp", "127.0.0.1");

        ObjectNode rest = ProxyEvent.json().createObjectNode().put("httpMethod", method).put("path", path);
        rest.putObject("headers").put("User-Agent", "tollgate-snapstart-priming");
        rest.putObject("requestContext").put("stage", stage)
                .putObject("identity").put("sourceIp", "127.0.0.1");

        return List.of(send(new HttpApiHandler(gateway, functionStage), http),
                send(new RestApiHandler(gateway, functionStage), rest));
    }

    private static int send(ApiGatewayHandler handler, ObjectNode event) {
        try {
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(ProxyEvent.json().writeValueAsBytes(event)), answer, null);
            return ProxyEvent.json().readTree(answer.toByteArray()).path("statusCode").asInt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stores of the priming gateway: a request that reached one would be a defect of priming. */
    private enum RefusingStore implements CounterStore, KeyStore {
        INSTANCE;

        private static IllegalStateException refused() {
            return new IllegalStateException("SnapStart priming asks no store (a defect if this is thrown)");
        }

        @Override
        public Lease tryLease(String counter, long units, long limit, Instant expiresAt) {
            throw refused();
        }

        @Override
        public void giveBack(String counter, long units) {
            throw refused();
        }

        @Override
        public long used(String counter) {
            throw refused();
        }

        @Override
        public TokenLease tryLeaseTokens(String bucket, long tokens, long nowMicros, long intervalMicros,
                long toleranceMicros, Instant expiresAt) {
            throw refused();
        }

        @Override
        public long theoreticalArrival(String bucket) {
            throw refused();
        }

        @Override
        public Optional<ApiKey> findBySha256(String sha256Hex) {
            throw refused();
        }
    }
}
