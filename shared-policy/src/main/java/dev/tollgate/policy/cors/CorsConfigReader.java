package dev.tollgate.policy.cors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ConfigReader;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the file's {@code cors} section into a {@link CorsConfig}. */
public final class CorsConfigReader {

    static final String PATH = "cors";
    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:\\d{1,5})?");

    private CorsConfigReader() {
    }

    /** The CORS settings, if given and valid; empty otherwise, with each problem named. */
    public static Optional<CorsConfig> read(ConfigReader in, JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            in.problem(PATH, ConfigReader.describe(node) + " (expected: a map with allowOrigins)");
            return Optional.empty();
        }
        in.unknownFields(node, PATH, Set.of("allowOrigins", "allowHeaders", "exposeHeaders", "allowCredentials", "maxAge"));
        int before = in.problems();
        List<String> origins = in.texts(node.path("allowOrigins"), PATH + ".allowOrigins", true,
                value -> value.equals(CorsConfig.ANY_ORIGIN) || ORIGIN.matcher(value).matches(),
                "an origin such as https://app.example.com (scheme, host, optional port, no path), or *");
        List<String> allowHeaders = node.has("allowHeaders")
                ? headerNames(in, node.path("allowHeaders"), PATH + ".allowHeaders") : CorsConfig.DEFAULT_ALLOW_HEADERS;
        List<String> exposeHeaders = node.has("exposeHeaders")
                ? headerNames(in, node.path("exposeHeaders"), PATH + ".exposeHeaders") : CorsConfig.DEFAULT_EXPOSE_HEADERS;
        JsonNode credentials = node.path("allowCredentials");
        boolean allowCredentials = false;
        if (!credentials.isMissingNode()) {
            if (!credentials.isBoolean()) {
                in.problem(PATH + ".allowCredentials", ConfigReader.describe(credentials) + " (expected: true or false)");
            } else if (credentials.booleanValue() && origins.contains(CorsConfig.ANY_ORIGIN)) {
                in.problem(PATH + ".allowCredentials", "true (expected: false while allowOrigins has *, which browsers"
                        + " refuse with credentials; list the origins instead)");
            } else {
                allowCredentials = credentials.booleanValue();
            }
        }
        long maxAge = CorsConfig.DEFAULT_MAX_AGE_SECONDS;
        JsonNode maxAgeNode = node.path("maxAge");
        if (!maxAgeNode.isMissingNode()) {
            maxAge = in.numbers().whole(maxAgeNode, PATH + ".maxAge", 0, CorsConfig.MAX_MAX_AGE_SECONDS,
                    "whole seconds from 0 to " + CorsConfig.MAX_MAX_AGE_SECONDS).orElse(maxAge);
        }
        if (in.problems() > before) {
            return Optional.empty();
        }
        return Optional.of(new CorsConfig(origins, allowHeaders, exposeHeaders, allowCredentials, maxAge));
    }

    private static List<String> headerNames(ConfigReader in, JsonNode node, String path) {
        return in.texts(node, path, false, value -> ConfigReader.HEADER_NAME.matcher(value).matches(), "a header name")
                .stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }
}
