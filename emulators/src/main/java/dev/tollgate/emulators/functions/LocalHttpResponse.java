package dev.tollgate.emulators.functions;

import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * A response as the Java worker builds it ({@code RpcHttpDataTarget}): the status (200 unless set),
 * one value per header name, the name as given and a later value replacing an earlier one, and the
 * body as the function set it; the worker sends a {@code byte[]} as bytes and a {@code String} as its
 * UTF-8 text.
 */
public final class LocalHttpResponse implements HttpResponseMessage, HttpResponseMessage.Builder {

    private HttpStatusType status = HttpStatus.OK;
    private final Map<String, String> headers = new HashMap<>();
    private Object body;

    @Override
    public HttpResponseMessage.Builder status(HttpStatusType status) {
        this.status = status;
        return this;
    }

    @Override
    public HttpResponseMessage.Builder header(String key, String value) {
        headers.put(key, value);
        return this;
    }

    @Override
    public HttpResponseMessage.Builder body(Object body) {
        this.body = body;
        return this;
    }

    @Override
    public HttpResponseMessage build() {
        return this;
    }

    @Override
    public HttpStatusType getStatus() {
        return status;
    }

    @Override
    public String getHeader(String key) {
        return headers.get(key);
    }

    @Override
    public Object getBody() {
        return body;
    }

    /** Every header, one value per name. */
    public Map<String, String> headers() {
        return Collections.unmodifiableMap(headers);
    }

    /** The bytes the worker would send for the body. */
    public byte[] bodyBytes() {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] bytes) {
            return bytes.clone();
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalStateException("a response body of type " + body.getClass().getName()
                + " (expected: byte[] or String, as the Tollgate function sets)");
    }
}
