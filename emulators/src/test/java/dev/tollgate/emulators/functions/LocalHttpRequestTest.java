package dev.tollgate.emulators.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The request, response and context as the Functions host and Java worker fill them. */
class LocalHttpRequestTest {

    @Test
    void headerNames_areLowerCase_lookedUpWithoutCase_andRepeatedOnesJoinedByCommas() {
        LocalHttpRequest request = LocalHttpRequest.of(HttpMethod.GET, URI.create("http://127.0.0.1:1/orders"),
                List.of(Map.entry("X-Api-Key", "k"), Map.entry("Accept", "a/b"), Map.entry("accept", "c/d")), new byte[0]);

        assertThat(request.getHeaders()).containsOnlyKeys("x-api-key", "accept");
        assertThat(request.getHeaders().get("X-API-KEY")).isEqualTo("k");
        assertThat(request.getHeaders().get("accept")).isEqualTo("a/b,c/d");
        assertThat(request.getBody()).isEmpty();
    }

    @Test
    void queryParameters_areDecoded_repeatedOnesJoined_andEmptyOnesLeftOut_whileTheUriKeepsTheRawQuery() {
        URI uri = URI.create("http://127.0.0.1:1/orders?q=a%20b+c&x=%2F&q=2&empty=&flag");
        LocalHttpRequest request = LocalHttpRequest.of(HttpMethod.GET, uri, List.of(), null);

        assertThat(request.getQueryParameters()).isEqualTo(Map.of("q", "a b c,2", "x", "/"));
        assertThat(request.getUri().getRawQuery()).isEqualTo("q=a%20b+c&x=%2F&q=2&empty=&flag");
    }

    @Test
    void theBody_isTheBytesSent_andTheResponseBuilder_keepsOneValuePerHeaderName() {
        byte[] sent = {0, (byte) 0xff, 10, 13};
        LocalHttpRequest request = LocalHttpRequest.of(HttpMethod.POST, URI.create("http://127.0.0.1:1/"), List.of(), sent);

        LocalHttpResponse response = (LocalHttpResponse) request.createResponseBuilder(HttpStatusType.custom(418))
                .header("set-cookie", "a=1").header("set-cookie", "b=2").body("text").build();

        assertThat(request.getBody()).hasValueSatisfying(body -> assertThat(body).isEqualTo(sent));
        assertThat(response.getStatusCode()).isEqualTo(418);
        assertThat(response.headers()).isEqualTo(Map.of("set-cookie", "b=2"));
        assertThat(response.bodyBytes()).isEqualTo("text".getBytes(StandardCharsets.UTF_8));
        assertThat(((LocalHttpResponse) request.createResponseBuilder(HttpStatus.OK).build()).bodyBytes()).isEmpty();
    }

    @Test
    void theTraceContext_continuesTheCallersTrace_orStartsOne() {
        String caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        assertThat(LocalExecutionContext.traceparent(caller)).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").endsWith("-01")
                .isNotEqualTo(caller);
        assertThat(LocalExecutionContext.traceparent("garbage")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
    }

    @Test
    void theStandardOutputLogger_writesEachMessageAsOneLine_onStandardOutputOnly_evenWhenAskedForTwice() {
        PrintStream out = System.out;
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        System.setOut(new PrintStream(written, true, StandardCharsets.UTF_8));
        try {
            LocalExecutionContext.standardOutputLogger("probe");
            Logger logger = LocalExecutionContext.standardOutputLogger("probe");
            logger.info("{\"log\":\"one\"}");
            logger.warning("two");
        } finally {
            System.setOut(out);
        }

        assertThat(written.toString(StandardCharsets.UTF_8)).isEqualTo("{\"log\":\"one\"}" + System.lineSeparator()
                + "two" + System.lineSeparator());
        assertThat(Logger.getLogger("Function.probe.User").getUseParentHandlers()).isFalse();
    }
}
