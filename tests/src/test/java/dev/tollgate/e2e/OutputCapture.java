package dev.tollgate.e2e;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Standard output and error, and every record of Tollgate's loggers at any level (formatted with its
 * exception's stack trace), from creation to close, when what was captured goes on to the real
 * standard output: what a test scans for secrets.
 */
public final class OutputCapture implements AutoCloseable {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    /** Held, so that the level set on it stays: JUL keeps loggers only weakly. */
    private final Logger tollgate = Logger.getLogger("dev.tollgate");
    private final Level level = tollgate.getLevel();
    private final Handler records = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            stream.print(formatter.format(record));
        }

        @Override
        public void flush() {
            stream.flush();
        }

        @Override
        public void close() {
        }
    };

    public OutputCapture() {
        System.setOut(stream);
        System.setErr(stream);
        records.setLevel(Level.ALL);
        tollgate.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(records);
    }

    /** Everything captured so far. */
    public String text() {
        stream.flush();
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(records);
        tollgate.setLevel(level);
        System.setOut(out);
        System.setErr(err);
        out.print(text());
    }
}
