package dev.tollgate.observe;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * {@code java.util.logging} records as the function and the local runner write them to standard
 * error: {@code LEVEL logger: message}, one line, the message escaped ({@link LogText}), since Lambda
 * makes every line a log event of its own and the default format takes two. A record that carries
 * a throwable (an unexpected failure) adds its stack trace, each exception's own text escaped, so
 * that every line after the first is an {@code at} frame or a {@code Caused by:} and no message,
 * whatever a caller put in it, starts a line of its own.
 */
public final class OneLineLogFormatter extends Formatter {

    /** Puts this format on the root logger's handlers (the console's, on standard error). */
    public static void install() {
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.setFormatter(new OneLineLogFormatter());
        }
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder out = new StringBuilder(160)
                .append(record.getLevel().getName()).append(' ').append(record.getLoggerName()).append(": ")
                .append(LogText.escape(formatMessage(record)));
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        String prefix = System.lineSeparator();
        for (Throwable t = record.getThrown(); t != null && seen.add(t); t = t.getCause()) {
            out.append(prefix).append(LogText.escape(t.toString()));
            for (StackTraceElement frame : t.getStackTrace()) {
                out.append(System.lineSeparator()).append("\tat ").append(frame);
            }
            prefix = System.lineSeparator() + "Caused by: ";
        }
        return out.append(System.lineSeparator()).toString();
    }
}
