package dev.tollgate.battery.faults;

import com.azure.cosmos.CosmosException;
import dev.tollgate.Gateway;
import dev.tollgate.azure.AzureGateway;
import dev.tollgate.azure.AzureRequestLog;
import dev.tollgate.azure.CosmosStores;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.emulators.CosmosEmulator;
import dev.tollgate.observe.RequestObservation;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.quota.CounterStore;
import java.time.Duration;
import java.util.Map;

/**
 * {@link CounterStoreFaults} on Azure: the gateway {@link AzureGateway#create} builds over the stores
 * {@link CosmosStores#connect} makes from the function app's settings (its default operation timeout),
 * in front of the npm Cosmos DB emulator. Faults meet requests for the counters container's items.
 * Throttling is Cosmos DB's 429 with {@code x-ms-retry-after-ms}, which the emulator never sends.
 */
class CosmosCounterStoreFaultsTest extends CounterStoreFaults {

    private CosmosEmulator cosmos;
    private CosmosStores direct;
    private CosmosStores proxied;

    @Override
    FaultyProxy startStore() throws Exception {
        CosmosEmulator.allowPlainHttp();
        cosmos = CosmosEmulator.start(0);
        direct = CosmosStores.connect(Map.of(CosmosStores.ENDPOINT, cosmos.endpoint(), CosmosStores.KEY, cosmos.key()))
                .createIfMissing();
        String items = "/colls/" + direct.settings().counters() + "/docs";
        FaultyProxy faulty = new FaultyProxy(cosmos.endpoint(), exchange -> exchange.getRequestURI().getPath().contains(items));
        proxied = CosmosStores.connect(Map.of(CosmosStores.ENDPOINT, faulty.endpoint(), CosmosStores.KEY, cosmos.key()));
        return faulty;
    }

    @Override
    Gateway gateway(GatewayConfig config, RequestObserver requestLog) {
        return AzureGateway.create(config, proxied.counters(clock), proxied.keys(), clock, requestLog, BackendResolver.NONE);
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
