package dev.tollgate.battery.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.microsoft.azure.functions.HttpMethod;
import dev.tollgate.azure.AzureGateway;
import dev.tollgate.azure.TollgateFunction;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.emulators.functions.LocalExecutionContext;
import dev.tollgate.emulators.functions.LocalHttpRequest;
import dev.tollgate.emulators.functions.LocalHttpResponse;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.testing.InMemoryCounterStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;

/**
 * The Azure function's request adaptation: whatever method, URL, headers and body the Functions host
 * hands over (as {@link LocalHttpRequest}, the host's request message), the function answers with a
 * status, a request id and no 5xx of the gateway's ({@link Answers#check}). The function runs the gateway
 * {@link AzureGateway} builds, on in-memory stores, in front of a loopback backend.
 *
 * <p>Input: the first byte picks the method; the rest of the first line is the path and query; header
 * lines {@code name:value} follow up to an empty line; the rest is the body. The front end's
 * {@code X-Forwarded-For} element ({@code IP:PORT}) is appended, as on Azure.
 */
class AzureRequestFuzzTest {

    private static final Logger LOG = Logger.getLogger(AzureRequestFuzzTest.class.getName());
    private static final FuzzedGateway GATEWAY = new FuzzedGateway();
    private static final TollgateFunction FUNCTION = new TollgateFunction(AzureGateway.create(GATEWAY.config,
            new InMemoryCounterStore(), new ConfigKeyStore(GATEWAY.config.apiKeys()), Clock.systemUTC(),
            RequestObserver.NONE, BackendResolver.NONE), "dev", Map.of());

    @AfterAll
    static void stop() {
        GATEWAY.close();
    }

    @FuzzTest
    @DictionaryEntries({"x-forwarded-for:", "x-request-id:", "traceparent:", "content-type:", "content-encoding:",
            "x-api-key:", "authorization:", "origin:", "host:", "%2e%2e", "%2F", "?a=b&c"})
    void anyRequestGetsAValidAnswer(byte[] input) throws URISyntaxException {
        FuzzedGateway.expectLoopbackConnections();
        if (input.length == 0) {
            return;
        }
        HttpMethod method = HttpMethod.values()[(input[0] & 0xff) % HttpMethod.values().length];
        String text = new String(input, 1, input.length - 1, StandardCharsets.ISO_8859_1);
        int lineEnd = text.indexOf('\n');
        String target = lineEnd < 0 ? text : text.substring(0, lineEnd);
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        int position = lineEnd < 0 ? text.length() : lineEnd + 1;
        while (position < text.length()) {
            int end = text.indexOf('\n', position);
            String line = text.substring(position, end < 0 ? text.length() : end);
            position = end < 0 ? text.length() : end + 1;
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.add(Map.entry(utf8(line.substring(0, colon)), utf8(line.substring(colon + 1).stripLeading())));
            }
        }
        byte[] body = Arrays.copyOfRange(input, 1 + position, input.length);
        fields.add(Map.entry("x-forwarded-for", "203.0.113.9:50123"));
        LocalHttpRequest request = LocalHttpRequest.of(method, url(utf8(target)), fields, body);
        LocalHttpResponse response = (LocalHttpResponse) FUNCTION.run(request,
                new LocalExecutionContext(TollgateFunction.NAME, LOG, null));
        Map<String, List<String>> headers = new HashMap<>();
        response.headers().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), List.of(value)));
        Answers.check(response.getStatusCode(), headers, response.bodyBytes(), method + " " + target + " " + fields);
    }

    /** The URL as the host would hold it: as sent when it parses, else with what a URI cannot hold quoted. */
    private static URI url(String target) throws URISyntaxException {
        String pathAndQuery = target.startsWith("/") ? target : "/" + target;
        try {
            return new URI("https://fuzz.azurewebsites.net" + pathAndQuery);
        } catch (URISyntaxException e) {
            int question = pathAndQuery.indexOf('?');
            return new URI("https", "fuzz.azurewebsites.net", question < 0 ? pathAndQuery : pathAndQuery.substring(0, question),
                    question < 0 ? null : pathAndQuery.substring(question + 1), null);
        }
    }

    private static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
