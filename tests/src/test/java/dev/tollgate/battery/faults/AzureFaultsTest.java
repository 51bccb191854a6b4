package dev.tollgate.battery.faults;

import com.azure.cosmos.CosmosException;
import com.microsoft.azure.functions.HttpMethod;
import com.sun.net.httpserver.HttpExchange;
import dev.tollgate.Gateway;
import dev.tollgate.azure.AzureGateway;
import dev.tollgate.azure.AzureRequestLog;
import dev.tollgate.azure.CosmosConnection;
import dev.tollgate.azure.CosmosStores;
import dev.tollgate.azure.TollgateFunction;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.emulators.CosmosEmulator;
import dev.tollgate.emulators.functions.LocalExecutionContext;
import dev.tollgate.emulators.functions.LocalHttpRequest;
import dev.tollgate.emulators.functions.LocalHttpResponse;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.testing.FaultyProxy;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;
import java.util.function.Predicate;

/**
 * {@link PlatformFaults} on Azure: the gateway {@link AzureGateway#create} builds over the stores
 * {@link CosmosStores#connect} makes from the function app's settings (its default operation timeout),
 * in front of the npm Cosmos DB emulator. Faults meet requests for the counters container's items, or
 * for the keys container's.
 * Throttling is Cosmos DB's 429 with {@code x-ms-retry-after-ms}, which the emulator never sends.
 */
class AzureFaultsTest extends PlatformFaults {

    private CosmosEmulator cosmos;
    private CosmosStores direct;
    private CosmosStores proxied;

    @Override
    String startStore() {
        CosmosEmulator.allowPlainHttp();
        cosmos = CosmosEmulator.start(0);
        direct = CosmosStores.connect(Map.of(CosmosStores.ENDPOINT, cosmos.endpoint(), CosmosStores.KEY, cosmos.key()))
                .createIfMissing();
        return cosmos.endpoint();
    }

    @Override
    void connect(String endpoint) {
        proxied = CosmosStores.connect(Map.of(CosmosStores.ENDPOINT, endpoint, CosmosStores.KEY, cosmos.key()));
    }

    @Override
    Predicate<HttpExchange> counterWrites() {
        return itemsOf(direct.settings().counters());
    }

    @Override
    Predicate<HttpExchange> keyLookups() {
        return itemsOf(direct.settings().keys());
    }

    private static Predicate<HttpExchange> itemsOf(String container) {
        String items = "/colls/" + container + "/docs";
        return exchange -> exchange.getRequestURI().getPath().contains(items);
    }

    @Override
    KeyAdmin keyAdmin() {
        return direct.keyAdmin();
    }

    @Override
    Gateway gateway(GatewayConfig config, RequestObserver requestLog, BackendResolver backends) {
        return AzureGateway.create(config, proxied.counters(clock), proxied.keys(), clock, requestLog, backends);
    }

    /**
     * As the function app's init does ({@code AzureGateway.connect}): the client connects on a thread of its
     * own, init waits for it at most the operation timeout, and the stores wait for it per operation.
     */
    @Override
    ColdStart coldStart(GatewayConfig config, RequestObserver requestLog, BackendResolver backends) {
        Map<String, String> settings = Map.of(CosmosStores.ENDPOINT, proxy.endpoint(), CosmosStores.KEY, cosmos.key());
        CosmosConnection connection = CosmosConnection.start(() -> CosmosStores.connect(settings), "tollgate-init-cosmos");
        Duration timeout = CosmosStores.Settings.from(settings).operationTimeout();
        connection.await(timeout);
        return new ColdStart(AzureGateway.create(config, connection.counters(clock, timeout), connection.keys(timeout), clock,
                requestLog, backends), connection);
    }

    /** The function as the worker runs it, with the request the Functions host hands it. */
    @Override
    Answered throughFunction(Gateway gateway, String path, String key) {
        LocalHttpRequest request = LocalHttpRequest.of(HttpMethod.GET, URI.create("https://tollgate-dev.azurewebsites.net" + path),
                List.of(Map.entry("x-api-key", key), Map.entry("X-Forwarded-For", "127.0.0.1:50000")), null);
        LocalHttpResponse response = (LocalHttpResponse) new TollgateFunction(gateway, "dev", Map.of()).run(request,
                new LocalExecutionContext(TollgateFunction.NAME, Logger.getLogger(AzureFaultsTest.class.getName()), null));
        Map<String, String> headers = new HashMap<>();
        response.headers().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value));
        return new Answered(response.getStatusCode(), headers, response.bodyBytes());
    }

    /** Azure documents no response limit: beyond the gateway's own 10 MB for any backend answer. */
    @Override
    int oversized() {
        return 11 * 1024 * 1024;
    }

    @Override
    CounterStore proxiedCounters() {
        return proxied.counters(clock);
    }

    @Override
    CounterStore directCounters() {
        return direct.counters(clock);
    }

    @Override
    FaultyProxy.Answer throttling() {
        return new FaultyProxy.Answer(429, Map.of("content-type", "application/json", "x-ms-retry-after-ms", "50",
                "x-ms-substatus", "3200", "x-ms-activity-id", "00000000-0000-0000-0000-000000000429"),
                "{\"code\":\"429\",\"message\":\"Message: {\\\"Errors\\\":[\\\"Request rate is large. More Request Units may be"
                        + " needed, so no changes were made. Please retry this request later.\\\"]}\"}");
    }

    @Override
    boolean isThrottling(Throwable cause) {
        return cause instanceof CosmosException cosmosFailure && cosmosFailure.getStatusCode() == 429;
    }

    @Override
    Duration storeTimeout() {
        return CosmosStores.OPERATION_TIMEOUT;
    }

    @Override
    String logLine(RequestObservation observation) {
        return AzureRequestLog.line(observation, null);
    }

    @Override
    void stopStore() {
        if (proxied != null) {
            proxied.close();
        }
        if (direct != null) {
            direct.close();
        }
        if (cosmos != null) {
            cosmos.close();
        }
    }
}
