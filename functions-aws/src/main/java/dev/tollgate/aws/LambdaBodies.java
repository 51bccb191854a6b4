package dev.tollgate.aws;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.problem.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/** Bodies in API Gateway's proxy events: text as is, anything else base64, as API Gateway does. */
final class LambdaBodies {

    private LambdaBodies() {
    }

    static byte[] decode(String body, boolean base64) {
        if (body == null) {
            return new byte[0];
        }
        if (!base64) {
            return body.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("The request body is marked base64 but is not valid base64.", e);
        }
    }

    /** Whether the response body goes back as text; otherwise it is base64-encoded. */
    static boolean isText(GatewayResponse response) {
        if (response.body().length == 0) {
            return true;
        }
        String type = response.headers().first(HeaderNames.CONTENT_TYPE).orElse("").toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.contains("javascript") || type.contains("x-www-form-urlencoded");
    }

    static String encode(GatewayResponse response) {
        return isText(response)
                ? new String(response.body(), StandardCharsets.UTF_8)
                : Base64.getEncoder().encodeToString(response.body());
    }
}
