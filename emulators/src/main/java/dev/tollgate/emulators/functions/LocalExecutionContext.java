package dev.tollgate.emulators.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.TraceContext;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One invocation's context: a fresh invocation id, the function's name, its logger, and the W3C trace
 * context the host's activity gives it (the caller's {@code traceparent} continued when it sent a valid
 * one, as the host does, or a new trace).
 */
public final class LocalExecutionContext implements ExecutionContext {

    private final String invocationId = UUID.randomUUID().toString();
    private final String functionName;
    private final Logger logger;
    private final String traceparent;

    public LocalExecutionContext(String functionName, Logger logger, String callerTraceparent) {
        this.functionName = functionName;
        this.logger = logger;
        this.traceparent = traceparent(callerTraceparent);
    }

    /**
     * The logger the worker hands a function's invocations ({@code Function.NAME.User}), here writing each
     * message as one line on standard output, and only there; asked for again, the same logger, one line
     * per message still.
     */
    public static Logger standardOutputLogger(String functionName) {
        Logger logger = Logger.getLogger("Function." + functionName + ".User");
        synchronized (LocalExecutionContext.class) {
            logger.setUseParentHandlers(false);
            if (logger.getHandlers().length == 0) {
                logger.addHandler(new Handler() {
                    @Override
                    public void publish(LogRecord record) {
                        System.out.println(record.getMessage());
                    }

                    @Override
                    public void flush() {
                        System.out.flush();
                    }

                    @Override
                    public void close() {
                    }
                });
            }
        }
        return logger;
    }

    /** The caller's trace with a span of the host's own, or a new trace. */
    static String traceparent(String caller) {
        String span = hex(16);
        if (caller != null && caller.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
                && !caller.substring(3, 35).matches("0+") && !caller.substring(36, 52).matches("0+")) {
            return "00-" + caller.substring(3, 35) + "-" + span + "-" + caller.substring(53);
        }
        return "00-" + hex(32) + "-" + span + "-00";
    }

    private static String hex(int digits) {
        String text = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        return text.substring(0, digits);
    }

    @Override
    public Logger getLogger() {
        return logger;
    }

    @Override
    public String getInvocationId() {
        return invocationId;
    }

    @Override
    public String getFunctionName() {
        return functionName;
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
