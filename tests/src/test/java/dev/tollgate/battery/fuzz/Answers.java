package dev.tollgate.battery.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What every answer must be, whatever came in: an HTTP status from 100 to 599, a request id, and no
 * 5xx of the gateway's own (the fuzz tests' backends answer 200, and their stores do not fail, so a
 * gateway 5xx is a defect); a problem is JSON with its request id.
 */
final class Answers {

    static final ObjectMapper JSON = new ObjectMapper();

    private Answers() {
    }

    /**
     * @param headers the answer's headers, by lower-case name
     * @param input   what was sent, for the failure's message
     */
    static void check(int status, Map<String, List<String>> headers, byte[] body, Object input) {
        if (status < 100 || status > 599) {
            throw new AssertionError("status " + status + " is no HTTP status, for " + input);
        }
        List<String> ids = headers.get("x-request-id");
        if (ids == null || ids.size() != 1 || ids.get(0).isEmpty()) {
            throw new AssertionError("answer " + status + " has no single request id " + ids + ", for " + input);
        }
        if (status >= 500) {
            throw new AssertionError("the gateway answered " + status + " " + text(body) + ", for " + input);
        }
        List<String> type = headers.getOrDefault("content-type", List.of());
        if (type.contains("application/problem+json")) {
            JsonNode problem = json(body, input);
            if (!problem.path("requestId").asText().equals(ids.get(0)) || problem.path("status").asInt() != status) {
                throw new AssertionError("problem " + problem + " does not carry the answer's request id "
                        + ids.get(0) + " and status " + status + ", for " + input);
            }
        }
    }

    static JsonNode json(byte[] body, Object input) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text(body) + ", for " + input, e);
        }
    }

    static String text(byte[] body) {
        return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
}
