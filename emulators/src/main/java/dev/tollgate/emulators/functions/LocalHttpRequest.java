package dev.tollgate.emulators.functions;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An HTTP trigger's request as the Functions host hands it to the Java worker ({@code RpcHttp}):
 * <ul>
 *   <li>{@link #getUri()}: the full URL, scheme, host, path and query as sent;</li>
 *   <li>{@link #getHeaders()}: every header, its name in lower case (the host lower-cases them), a repeated
 *       header's values joined by commas (ASP.NET Core's {@code StringValues}); looked up without case;</li>
 *   <li>{@link #getQueryParameters()}: the query decoded ({@code %20} and {@code +} as a space), a repeated
 *       parameter's values joined by commas, parameters without a value left out, as the host does;</li>
 *   <li>{@link #getBody()}: the bytes, for a trigger whose {@code dataType} is {@code binary}; empty when none.</li>
 * </ul>
 */
public final class LocalHttpRequest implements HttpRequestMessage<Optional<byte[]>> {

    private final HttpMethod method;
    private final URI uri;
    private final Map<String, String> headers;
    private final Map<String, String> query;
    private final Optional<byte[]> body;

    private LocalHttpRequest(HttpMethod method, URI uri, Map<String, String> headers, Map<String, String> query,
                             Optional<byte[]> body) {
        this.method = method;
        this.uri = uri;
        this.headers = headers;
        this.query = query;
        this.body = body;
    }

    /**
     * @param method  the request's method, one of {@link HttpMethod}'s
     * @param uri     the full URL
     * @param fields  the header fields as received, in order, names as sent
     * @param body    the body's bytes
     */
    public static LocalHttpRequest of(HttpMethod method, URI uri, List<Map.Entry<String, String>> fields, byte[] body) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> field : fields) {
            String value = field.getValue() == null ? "" : field.getValue();
            headers.merge(field.getKey().toLowerCase(Locale.ROOT), value, (earlier, later) -> earlier + "," + later);
        }
        return new LocalHttpRequest(method, uri, Collections.unmodifiableMap(headers),
                Collections.unmodifiableMap(query(uri.getRawQuery())),
                body == null || body.length == 0 ? Optional.empty() : Optional.of(body.clone()));
    }

    /** The host's query parameters: decoded, repeated ones joined by commas, empty ones left out. */
    static Map<String, String> query(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (!value.isEmpty()) {
                parameters.merge(name, value, (earlier, later) -> earlier + "," + later);
            }
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            // ASP.NET Core keeps a malformed escape as written.
            return text;
        }
    }

    @Override
    public URI getUri() {
        return uri;
    }

    @Override
    public HttpMethod getHttpMethod() {
        return method;
    }

    @Override
    public Map<String, String> getHeaders() {
        return headers;
    }

    @Override
    public Map<String, String> getQueryParameters() {
        return query;
    }

    @Override
    public Optional<byte[]> getBody() {
        return body;
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
        return new LocalHttpResponse().status(status);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
        return new LocalHttpResponse().status(status);
    }
}
