package dev.tollgate.azure;

import com.microsoft.azure.functions.HttpMethod;
import dev.tollgate.emulators.functions.LocalExecutionContext;
import dev.tollgate.emulators.functions.LocalHttpRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Invocations of the function as the Functions host makes them, through the emulators' request and context. */
final class Invocations {

    private Invocations() {
    }

    /** A request without body; {@code headers} are name, value, ... as the caller sent them. */
    static LocalHttpRequest request(HttpMethod method, String url, String... headers) {
        return request(method, url, null, headers);
    }

    static LocalHttpRequest request(HttpMethod method, String url, byte[] body, String... headers) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            fields.add(Map.entry(headers[i], headers[i + 1]));
        }
        return LocalHttpRequest.of(method, URI.create(url), fields, body);
    }

    /** An invocation's context whose logger adds each message to {@code lines}. */
    static LocalExecutionContext context(List<String> lines, String callerTraceparent) {
        return new LocalExecutionContext(TollgateFunction.NAME, capturing(lines), callerTraceparent);
    }

    static Logger capturing(List<String> lines) {
        Logger logger = Logger.getAnonymousLogger();
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
        return logger;
    }
}
