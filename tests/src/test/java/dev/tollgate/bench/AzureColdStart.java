package dev.tollgate.bench;

import com.microsoft.azure.functions.HttpMethod;
import dev.tollgate.azure.TollgateFunction;
import dev.tollgate.emulators.functions.LocalExecutionContext;
import dev.tollgate.emulators.functions.LocalHttpRequest;
import dev.tollgate.emulators.functions.LocalHttpResponse;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One cold start of the Azure function, run by {@code bench/cold-start} in a fresh JVM whose classpath
 * is the packaged function app (its jar and {@code lib/}), the Functions library the worker provides,
 * and the local host's request and context ({@code emulators}): the function built as the Java worker
 * builds it (its no-arg constructor, so the gateway of the app's settings, which the script hands this
 * JVM as environment variables: {@code TOLLGATE_STAGE}, {@code TOLLGATE_STAGEVAR_*}, {@code TOLLGATE_CONFIG},
 * {@code TOLLGATE_COSMOS_ENDPOINT}, {@code TOLLGATE_COSMOS_KEY}), then one request with the demo API key
 * through {@code run}, the quota's patch in Cosmos DB included. The request log's line goes through the
 * invocation's logger to standard output; the figure, milliseconds from JVM start, is the last line.
 * The milliseconds from JVM start to the function built (its constructor returned) go to standard
 * error, as {@code function-built-ms N}.
 * No arguments: everything is in the settings, as on Azure.
 */
public final class AzureColdStart {

    private AzureColdStart() {
    }

    public static void main(String[] args) {
        TollgateFunction function = new TollgateFunction();
        // When the worker would have the function: its gateway built, the Cosmos DB client connected.
        System.err.println("function-built-ms " + sinceStart());
        // The app's own URL: the front end appends the caller's IP:PORT to X-Forwarded-For.
        LocalHttpRequest request = LocalHttpRequest.of(HttpMethod.GET, URI.create("https://tollgate-dev.azurewebsites.net/orders"),
                List.of(Map.entry("x-api-key", "demo-dev-key"), Map.entry("X-Forwarded-For", "127.0.0.1:50000")), null);
        LocalHttpResponse response = (LocalHttpResponse) function.run(request,
                new LocalExecutionContext(TollgateFunction.NAME, LocalExecutionContext.standardOutputLogger(TollgateFunction.NAME), null));
        long millis = sinceStart();
        if (response.getStatusCode() != 200) {
            System.err.println("cold start: " + response.getStatusCode() + " " + new String(response.bodyBytes()));
            System.exit(1);
        }
        System.out.println(millis);
        System.exit(0);
    }

    private static long sinceStart() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }
}
