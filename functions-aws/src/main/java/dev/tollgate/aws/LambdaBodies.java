package dev.tollgate.aws;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.problem.BadRequestException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Bodies in API Gateway's proxy events: text as is, anything else base64, as API Gateway does. Text is
 * a text content type, without a content encoding, whose bytes are UTF-8 ({@link #utf8Text}): any other
 * body goes base64, so that no byte is ever changed, both ways.
 */
public final class LambdaBodies {

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
        return response.body().length == 0 || utf8Text(response.headers().first(HeaderNames.CONTENT_TYPE).orElse(null),
                response.headers().first(HeaderNames.CONTENT_ENCODING).orElse(null), response.body()) != null;
    }

    static String encode(GatewayResponse response) {
        return isText(response)
                ? new String(response.body(), StandardCharsets.UTF_8)
                : Base64.getEncoder().encodeToString(response.body());
    }

    /**
     * The body as text when API Gateway hands it over as text: a text content type, no content
     * encoding, and bytes that are UTF-8. Null when it goes base64, as anything else does.
     */
    public static String utf8Text(String contentType, String contentEncoding, byte[] bytes) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        boolean textType = type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.contains("javascript") || type.contains("x-www-form-urlencoded");
        boolean encoded = contentEncoding != null && !contentEncoding.isBlank()
                && !contentEncoding.strip().equalsIgnoreCase("identity");
        if (!textType || encoded) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            return null;
        }
    }
}
