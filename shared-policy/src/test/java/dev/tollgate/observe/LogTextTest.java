package dev.tollgate.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What may end or fake a log line is escaped, in text and in JSON, and nothing else changes. */
class LogTextTest {

    private static final String HOSTILE = "a\nb\rc\td\u0000e\u001bf\u007fg\u0085h\u009fi\u2028j\u2029k\u202el\u2066m\\n";

    @Test
    void text_escapesLineBreaks_controls_separators_bidiControls_andTheBackslash() {
        assertThat(LogText.escape(HOSTILE)).isEqualTo(
                "a\\nb\\rc\\td\\u0000e\\u001Bf\\u007Fg\\u0085h\\u009Fi\\u2028j\\u2029k\\u202El\\u2066m\\\\n");
        assertThat(LogText.escape("idp:ülrich/orders é 😀")).isEqualTo("idp:ülrich/orders é 😀");
        assertThat(LogText.escape(null)).isEqualTo("null");
    }

    @Test
    void json_escapesTheSameCharacters_andReadsBackAsWritten() throws Exception {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = new JsonFactory().createGenerator(text)) {
            json.setCharacterEscapes(LogText.JSON_ESCAPES);
            json.writeStartObject();
            json.writeStringField("consumer", HOSTILE + " ülrich 😀");
            json.writeEndObject();
        }

        assertThat(text.toString()).isEqualTo("{\"consumer\":\"a\\nb\\rc\\td\\u0000e\\u001Bf\\u007Fg\\u0085h\\u009Fi\\u2028j"
                + "\\u2029k\\u202El\\u2066m\\\\n ülrich 😀\"}");
        assertThat(new ObjectMapper().readTree(text.toString()).path("consumer").asText()).isEqualTo(HOSTILE + " ülrich 😀");
    }

    @Test
    void aFailure_isOneLine_withWhatItsCauseSaid() {
        Exception failure = new IllegalStateException("The keys table could not be read.",
                new RuntimeException("Requested resource not found\n(Service: DynamoDb)"));

        assertThat(LogText.failure(failure)).isEqualTo(
                "The keys table could not be read. (RuntimeException: Requested resource not found\\n(Service: DynamoDb))");
    }

    @Test
    void aFailure_holdsItsCausesFirstThousandCharacters() {
        String diagnostics = "{\"innerErrorMessage\":\"Request cancelled\"," + "x".repeat(5000) + "}";

        assertThat(LogText.failure(new IllegalStateException("The API key could not be looked up.",
                new RuntimeException(diagnostics)))).isEqualTo("The API key could not be looked up. (RuntimeException: "
                + diagnostics.substring(0, 1000) + "... (" + diagnostics.length() + " characters))");
    }
}
