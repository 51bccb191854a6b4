package dev.tollgate.local;

import com.microsoft.azure.functions.HttpMethod;
import dev.tollgate.azure.AzureLimits;
import dev.tollgate.azure.TollgateFunction;
import dev.tollgate.emulators.functions.LocalExecutionContext;
import dev.tollgate.emulators.functions.LocalHttpRequest;
import dev.tollgate.emulators.functions.LocalHttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A local stand-in for the Functions host and Java worker of one function app per stage, on 127.0.0.1:
 * each stage's app under its own path prefix ({@code /dev/orders} is the dev app's {@code /orders}), the
 * same URLs as the local API Gateway. Each request becomes the request the host hands the worker
 * ({@link LocalHttpRequest}: the app's own URL, lower-case header names, {@code X-Forwarded-For} with
 * the caller's {@code IP:PORT} appended as the platform's front end does) and goes to that stage's
 * {@link TollgateFunction}, called concurrently as a worker does; its {@link LocalHttpResponse} goes back
 * as the host sends it. A body past the HTTP trigger's {@value AzureLimits#MAX_REQUEST_MEGABYTES} MB is
 * refused with 413, a method the trigger does not list and a path of no stage with 404, and a function
 * that throws is a bare 500, as the host answers them. Beside the apps it serves the demo issuer's keys
 * at {@value DemoIssuer#JWKS_PATH}, when there is one.
 */
final class AzureFunctionsHost implements AutoCloseable {

    static final long MAX_BODY_BYTES = AzureLimits.MAX_REQUEST_MEGABYTES * 1024L * 1024;
    /** What the host's server (Kestrel) holds of a request's head by default, 32 KB. */
    static final int HEADER_BYTES = 32 * 1024;
    /** How long a caller may send nothing before it is dropped. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(AzureFunctionsHost.class.getName());

    private final Server server;
    private final ServerConnector connector;
    private final byte[] demoJwks;
    private final Logger functionLog;
    private Map<String, TollgateFunction> functions;

    private AzureFunctionsHost(Server server, ServerConnector connector, byte[] demoJwks, Logger functionLog) {
        this.server = server;
        this.connector = connector;
        this.demoJwks = demoJwks;
        this.functionLog = functionLog;
    }

    /**
     * @param port        the port to listen on, 0 for any free one
     * @param functions   makes each stage's function once the port is bound, since the demo issuer lives on it
     * @param demoJwks    the demo issuer's key set to serve, or null
     * @param functionLog the invocations' logger ({@code ExecutionContext.getLogger()})
     */
    static AzureFunctionsHost start(int port, IntFunction<Map<String, TollgateFunction>> functions, String demoJwks,
                                    Logger functionLog) throws IOException {
        ServerConnector connector = LoopbackServer.bind("functions-host", port, HEADER_BYTES, IDLE_TIMEOUT);
        Server server = connector.getServer();
        AzureFunctionsHost host = new AzureFunctionsHost(server, connector,
                demoJwks == null ? null : demoJwks.getBytes(StandardCharsets.UTF_8), functionLog);
        server.setHandler(host.new Serve());
        LoopbackServer.start(server, "Functions host", () -> host.functions = Map.copyOf(functions.apply(connector.getLocalPort())));
        return host;
    }

    int port() {
        return connector.getLocalPort();
    }

    private final class Serve extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String rawPath = request.getHttpURI().getPath();
            if (demoJwks != null && DemoIssuer.JWKS_PATH.equals(rawPath)) {
                send(response, callback, 200, Map.of("content-type", "application/jwk-set+json"), demoJwks);
                return true;
            }
            int end = rawPath.indexOf('/', 1);
            String stage = end < 0 ? rawPath.substring(1) : rawPath.substring(1, end);
            TollgateFunction function = functions.get(stage);
            HttpMethod method = method(request.getMethod());
            if (function == null || method == null) {
                send(response, callback, HttpStatus.NOT_FOUND_404, Map.of(), new byte[0]);
                return true;
            }
            if (request.getLength() > MAX_BODY_BYTES) {
                send(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, Map.of("connection", "close"), new byte[0]);
                return true;
            }
            byte[] body;
            try (InputStream in = Content.Source.asInputStream(request)) {
                body = in.readNBytes((int) MAX_BODY_BYTES + 1);
            }
            if (body.length > MAX_BODY_BYTES) {
                send(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, Map.of("connection", "close"), new byte[0]);
                return true;
            }
            String appPath = end < 0 ? "/" : ApiGatewayEmulator.encodedOnce(rawPath.substring(end));
            String query = request.getHttpURI().getQuery();
            URI uri;
            try {
                uri = URI.create("http://127.0.0.1:" + port() + appPath
                        + (query == null ? "" : "?" + ApiGatewayEmulator.encodedOnce(query)));
            } catch (IllegalArgumentException notAUri) {
                // A target no java.net.URI holds (a backslash, say): the Functions library could not hand it
                // to the function, so the host refuses it, as it does a malformed escape.
                send(response, callback, HttpStatus.BAD_REQUEST_400, Map.of("connection", "close"), new byte[0]);
                return true;
            }
            List<Map.Entry<String, String>> fields = new ArrayList<>();
            String forwardedFor = null;
            for (HttpField field : request.getHeaders()) {
                if (field.getLowerCaseName().equals("x-forwarded-for")) {
                    forwardedFor = forwardedFor == null ? field.getValue() : forwardedFor + ", " + field.getValue();
                } else {
                    fields.add(Map.entry(field.getName(), field.getValue() == null ? "" : field.getValue()));
                }
            }
            InetSocketAddress caller = (InetSocketAddress) request.getConnectionMetaData().getRemoteSocketAddress();
            String appended = caller.getAddress().getHostAddress() + ":" + caller.getPort();
            fields.add(Map.entry("X-Forwarded-For", forwardedFor == null ? appended : forwardedFor + ", " + appended));
            LocalHttpRequest invocation = LocalHttpRequest.of(method, uri, fields, body);
            LocalHttpResponse answer;
            try {
                answer = (LocalHttpResponse) function.run(invocation, new LocalExecutionContext(TollgateFunction.NAME,
                        functionLog, invocation.getHeaders().get("traceparent")));
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "the function failed", e);
                send(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, Map.of(), new byte[0]);
                return true;
            }
            send(response, callback, answer.getStatusCode(), answer.headers(), answer.bodyBytes());
            return true;
        }
    }

    private static HttpMethod method(String name) {
        try {
            return HttpMethod.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void send(Response response, Callback callback, int status, Map<String, String> headers, byte[] body) {
        response.setStatus(status);
        headers.forEach(response.getHeaders()::put);
        boolean noBody = body.length == 0 || HttpStatus.hasNoBody(status);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, noBody ? 0 : body.length);
        response.write(true, noBody ? null : ByteBuffer.wrap(body), callback);
    }

    @Override
    public void close() {
        LoopbackServer.stop(server, "Functions host");
    }
}
