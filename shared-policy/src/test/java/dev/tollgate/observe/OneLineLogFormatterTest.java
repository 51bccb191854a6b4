package dev.tollgate.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** A log record is one line, and an unexpected failure's stack trace has no line a caller wrote. */
class OneLineLogFormatterTest {

    private static final String FORGED = "x\n{\"_aws\":{},\"Requests\":1000}\r\u0085\u2028";

    @Test
    void aRecord_isOneLine_itsMessageEscaped() {
        LogRecord record = new LogRecord(Level.WARNING, "counter store failed for request r-1 (consumer " + FORGED + ")");
        record.setLoggerName("dev.tollgate.policy.quota.CounterStoreFailures");

        assertThat(new OneLineLogFormatter().format(record)).isEqualTo("WARNING dev.tollgate.policy.quota.CounterStoreFailures:"
                + " counter store failed for request r-1 (consumer x\\n{\"_aws\":{},\"Requests\":1000}\\r\\u0085\\u2028)"
                + System.lineSeparator());
    }

    @Test
    void anUnexpectedFailure_keepsItsStackTrace_butEachMessageStaysOnItsOwnLine() {
        LogRecord record = new LogRecord(Level.SEVERE, "request r-2 failed unexpectedly");
        record.setLoggerName("dev.tollgate.policy.correlation.CorrelationIdPolicy");
        record.setThrown(new IllegalStateException("path " + FORGED, new IllegalArgumentException(FORGED)));

        List<String> lines = new OneLineLogFormatter().format(record).lines().toList();

        assertThat(lines.get(0)).isEqualTo("SEVERE dev.tollgate.policy.correlation.CorrelationIdPolicy: request r-2 failed unexpectedly");
        assertThat(lines.get(1)).isEqualTo("java.lang.IllegalStateException: path x\\n{\"_aws\":{},\"Requests\":1000}\\r\\u0085\\u2028");
        assertThat(lines).contains("Caused by: java.lang.IllegalArgumentException: x\\n{\"_aws\":{},\"Requests\":1000}\\r\\u0085\\u2028");
        assertThat(lines.subList(2, lines.size())).allSatisfy(line -> assertThat(line).matches("\tat .*|Caused by: .*"));
        assertThat(String.join("", lines)).doesNotContainPattern("[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f\\u2028\\u2029]");
    }
}
