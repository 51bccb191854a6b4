package dev.tollgate.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.http.Headers;
import dev.tollgate.problem.BadRequestException;
import dev.tollgate.problem.GatewayException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP-triggered function {@value #NAME}: every method on every path ({@code {*path}}, with
 * host.json's {@code routePrefix} empty, so the path the caller used is the path Tollgate sees), no
 * function key ({@code ANONYMOUS}: Tollgate authenticates), the body as bytes. It adapts the request,
 * runs the gateway of the app's stage, and answers; nothing else. A request it cannot read (no method
 * or URL) is the gateway's 400 problem. Holds no state of its own; the gateway is built once per
 * worker ({@link AzureGateway}).
 *
 * <p>What the host hands the worker, and so the function: header names in lower case, one value per
 * name (a repeated header's values joined by commas), the URL as the caller sent it behind the
 * platform's front end, and the caller's address only in {@code X-Forwarded-For}, which the front end
 * sets or appends to as {@code IP:PORT}: the caller's address is its last element ({@link #clientAddress}),
 * never one the caller sent, and the core sees the chain ending with that address, without its port. Back, the Java worker carries one value per header name: a header with
 * several values (two {@code Set-Cookie}) goes out as one, its values joined by {@code ", "}
 * (azure-functions-java-worker issue 788).
 */
public final class TollgateFunction {

    public static final String NAME = "tollgate";

    private final Gateway gateway;
    private final String stage;
    private final Map<String, String> stageVariables;

    /** The constructor the worker calls: the gateway, stage and variables of the app's settings, built once per worker. */
    public TollgateFunction() {
        this(AzureGateway.Instance.APP);
    }

    public TollgateFunction(AzureGateway.App app) {
        this(app.gateway(), app.stage(), app.stageVariables());
    }

    /**
     * @param stage          the configuration stage the app serves
     * @param stageVariables the app's stage variables, which win over the file's
     */
    public TollgateFunction(Gateway gateway, String stage, Map<String, String> stageVariables) {
        this.gateway = gateway;
        this.stage = stage;
        this.stageVariables = Map.copyOf(stageVariables);
    }

    @FunctionName(NAME)
    public HttpResponseMessage run(
            @HttpTrigger(name = "req", route = "{*path}", authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary",
                    methods = {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
                            HttpMethod.CONNECT, HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.PATCH})
            HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context) {
        GatewayResponse response;
        try (AzureRequestLog.Invocation invocation = AzureRequestLog.during(context)) {
            response = gateway.handle(toRequest(request));
        }
        return toResponse(request, response);
    }

    GatewayRequest toRequest(HttpRequestMessage<Optional<byte[]>> request) {
        GatewayException refusal = null;
        HttpMethod method = request.getHttpMethod();
        URI uri = request.getUri();
        if (method == null || uri == null) {
            refusal = new BadRequestException("The function's request cannot be read: it has no "
                    + (method == null ? "method" : "URL") + ".", null);
        }
        Headers.Builder headers = Headers.builder();
        Map<String, String> received = request.getHeaders();
        if (received != null) {
            received.forEach((name, value) -> {
                if (name != null && value != null) {
                    headers.add(name, value);
                }
            });
        }
        String forwardedFor = String.join(",", headers.build().all(HeaderNames.X_FORWARDED_FOR));
        String sourceIp = forwardedFor.isEmpty() ? "" : clientAddress(forwardedFor);
        if (!sourceIp.isEmpty()) {
            // The chain as the core reads it (as API Gateway hands it over): the callers' elements, then the address.
            int last = forwardedFor.lastIndexOf(',');
            headers.set(HeaderNames.X_FORWARDED_FOR, last < 0 ? sourceIp : forwardedFor.substring(0, last) + ", " + sourceIp);
        }
        Headers built = headers.build();
        String path = uri == null || uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        Optional<byte[]> body = request.getBody();
        return new GatewayRequest(
                method == null ? "" : method.name(),
                path,
                uri == null ? "" : uri.getRawQuery(),
                built,
                body == null ? new byte[0] : body.orElse(new byte[0]),
                sourceIp,
                uri == null || uri.getScheme() == null ? "https" : uri.getScheme(),
                stage,
                stageVariables,
                refusal);
    }

    static HttpResponseMessage toResponse(HttpRequestMessage<?> request, GatewayResponse response) {
        HttpResponseMessage.Builder builder = request.createResponseBuilder(HttpStatusType.custom(response.status()));
        for (String name : response.headers().names()) {
            builder.header(name, response.headers().joined(name));
        }
        if (response.body().length > 0) {
            builder.body(response.body());
        }
        return builder.build();
    }

    /**
     * The caller's address in the front end's {@code X-Forwarded-For}: its last element, which the
     * front end appended ({@code 203.0.113.7:52311}, {@code [2001:db8::7]:52311}), without the port;
     * elements before it are the caller's to write and are not trusted.
     */
    static String clientAddress(String forwardedFor) {
        String last = forwardedFor.substring(forwardedFor.lastIndexOf(',') + 1).trim();
        if (last.startsWith("[")) {
            int end = last.indexOf(']');
            return end < 0 ? last : last.substring(1, end);
        }
        int colon = last.indexOf(':');
        return colon >= 0 && colon == last.lastIndexOf(':') ? last.substring(0, colon) : last;
    }
}
