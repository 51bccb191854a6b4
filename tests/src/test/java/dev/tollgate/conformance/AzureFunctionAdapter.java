package dev.tollgate.conformance;

import com.microsoft.azure.functions.HttpMethod;
import dev.tollgate.azure.AzureGateway;
import dev.tollgate.azure.CosmosStores;
import dev.tollgate.azure.TollgateFunction;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.emulators.functions.LocalExecutionContext;
import dev.tollgate.emulators.functions.LocalHttpRequest;
import dev.tollgate.emulators.functions.LocalHttpResponse;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The Azure function as the Functions host invokes it, in this JVM: one {@link TollgateFunction} per
 * stage (one function app each), handed the {@link LocalHttpRequest} the host builds (the app's own URL
 * without the stage, header names in lower case with a repeated header's values joined, the caller's
 * {@code IP:PORT} appended to {@code X-Forwarded-For} as the platform's front end does), its response
 * read back as the host sends it: one value per header name. Counters and keys are in the Cosmos DB
 * emulator, on the stores the function app builds from its settings.
 */
final class AzureFunctionAdapter implements Adapter {

    private static final Logger LOG = Logger.getLogger(AzureFunctionAdapter.class.getName());

    private final Map<String, TollgateFunction> functions;
    private final KeyAdmin keys;

    private AzureFunctionAdapter(Map<String, TollgateFunction> functions, KeyAdmin keys) {
        this.functions = functions;
        this.keys = keys;
    }

    static AzureFunctionAdapter start(GatewayConfig config, Map<String, Map<String, String>> stageVariables,
                                      CosmosStores stores, Clock clock) {
        Map<String, TollgateFunction> functions = new HashMap<>();
        stageVariables.forEach((stage, variables) -> functions.put(stage, new TollgateFunction(AzureGateway.create(config,
                stores.counters(clock), stores.keys(), clock, RequestObserver.NONE, BackendResolver.NONE), stage, variables)));
        return new AzureFunctionAdapter(Map.copyOf(functions), stores.keyAdmin());
    }

    @Override
    public String name() {
        return "azure-function";
    }

    @Override
    public KeyAdmin keys() {
        return keys;
    }

    @Override
    public Answer send(Call call) {
        TollgateFunction function = functions.get(call.stage());
        if (function == null) {
            // No function app answers there: the platform's 404.
            return new Answer(404, Map.of(), new byte[0]);
        }
        List<Map.Entry<String, String>> fields = new ArrayList<>(call.without("x-forwarded-for"));
        String forwardedFor = call.joined("x-forwarded-for");
        fields.add(Map.entry("host", "conformance.azurewebsites.net"));
        fields.add(Map.entry("X-Forwarded-For", (forwardedFor == null ? "" : forwardedFor + ", ") + "127.0.0.1:50000"));
        URI uri = URI.create("https://conformance.azurewebsites.net" + call.stagePath()
                + (call.query().isEmpty() ? "" : "?" + call.query()));
        LocalHttpRequest request = LocalHttpRequest.of(HttpMethod.valueOf(call.method().toUpperCase(Locale.ROOT)), uri, fields,
                call.body());
        LocalHttpResponse response = (LocalHttpResponse) function.run(request,
                new LocalExecutionContext(TollgateFunction.NAME, LOG, request.getHeaders().get("traceparent")));
        Map<String, List<String>> headers = new HashMap<>();
        response.headers().forEach((name, value) -> headers.put(name, List.of(value)));
        return new Answer(response.getStatusCode(), headers, response.bodyBytes());
    }

    @Override
    public void close() {
        // The functions hold nothing to stop; the Cosmos DB emulator is the suite's.
    }
}
