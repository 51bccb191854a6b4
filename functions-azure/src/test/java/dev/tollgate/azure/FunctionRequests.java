package dev.tollgate.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import com.microsoft.azure.functions.TraceContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Requests as the Java worker hands them to the function: a plain (case-sensitive) header map with
 * the host's lower-case names, the URL with the raw query, the body as bytes; and a response builder
 * that, like the worker's, keeps one value per header name.
 */
final class FunctionRequests {

    private FunctionRequests() {
    }

    static Request request(HttpMethod method, String url) {
        return new Request(method, url == null ? null : URI.create(url), new HashMap<>(), Optional.empty());
    }

    record Request(HttpMethod method, URI uri, Map<String, String> headers, Optional<byte[]> body)
            implements HttpRequestMessage<Optional<byte[]>> {

        Request header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Request body(byte[] bytes) {
            return new Request(method, uri, headers, Optional.of(bytes));
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
            return Map.of();
        }

        @Override
        public Optional<byte[]> getBody() {
            return body;
        }

        @Override
        public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
            return new Response().status(status);
        }

        @Override
        public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
            return new Response().status(status);
        }
    }

    static final class Response implements HttpResponseMessage, HttpResponseMessage.Builder {
        private HttpStatusType status = HttpStatus.OK;
        private final Map<String, String> headers = new LinkedHashMap<>();
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

        Map<String, String> headers() {
            return headers;
        }
    }

    /** An invocation's context whose logger keeps what is logged. */
    static final class Context implements ExecutionContext {
        final List<String> lines = new ArrayList<>();
        private final Logger logger = Logger.getAnonymousLogger();
        private final String traceparent;

        Context(String traceparent) {
            this.traceparent = traceparent;
            logger.setUseParentHandlers(false);
            logger.addHandler(new Handler() {
                @Override
                public void publish(LogRecord record) {
                    lines.add(record.getMessage());
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            });
        }

        @Override
        public Logger getLogger() {
            return logger;
        }

        @Override
        public String getInvocationId() {
            return "0f6e3a2c-invocation";
        }

        @Override
        public String getFunctionName() {
            return TollgateFunction.NAME;
        }

        @Override
        public TraceContext getTraceContext() {
            return new TraceContext() {
                @Override
                public String getTraceparent() {
                    return traceparent;
                }

                @Override
                public String getTracestate() {
                    return "";
                }

                @Override
                public Map<String, String> getAttributes() {
                    return Map.of();
                }
            };
        }
    }
}
