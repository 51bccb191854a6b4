package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The size of an answer as Lambda carries it: counted as Jackson writes the response event. */
class LambdaResponseLimitTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aStringsJsonSize_isWhatJacksonWrites() throws Exception {
        for (String text : List.of("plain", "quote \" and backslash \\", "tab\tnewline\nreturn\r", "\u0001\u001f control",
                "é ü ß", "€ ₿", "emoji 🚀 and 𝄞", "lone \ud800 surrogate", "</script>/")) {
            assertThat(LambdaResponseLimit.jsonStringBytes(text)).as(text).isEqualTo(JSON.writeValueAsBytes(text).length - 2);
        }
    }

    @Test
    void anAnswersSize_isWithinTheEnvelopeOfTheRestApisEvent() throws Exception {
        GatewayResponse response = new GatewayResponse(200, Headers.builder().set("content-type", "application/json")
                .add("set-cookie", "a=\"1\"").add("set-cookie", "b=2").set("x-request-id", "r-1").build(),
                "{\"name\":\"Zoë\",\"note\":\"line\nbreak\"}".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        RestApiHandler.writeResponse(response, event);

        long serialized = event.size();
        long counted = LambdaResponseLimit.payloadBytes(response);

        assertThat(counted).isLessThanOrEqualTo(serialized).isGreaterThan(serialized - 200);
    }

    @Test
    void binaryBodies_countInBase64() {
        GatewayResponse response = new GatewayResponse(200, Headers.builder().set("content-type", "image/png").build(), new byte[3000]);

        assertThat(LambdaResponseLimit.payloadBytes(response)).isEqualTo(4000 + "content-type".length() + 4 + "image/png".length() + 3);
    }
}
