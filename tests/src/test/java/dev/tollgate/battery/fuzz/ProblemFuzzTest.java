package dev.tollgate.battery.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.problem.BadRequestException;
import dev.tollgate.problem.MethodNotAllowedException;
import dev.tollgate.problem.Problems;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The problem renderer: whatever text a problem's detail, the request's path (its instance) and the
 * method (named in a 405's detail) hold, the answer is well-formed UTF-8 JSON of the problem's media type
 * whose fields read back as the texts given (each character UTF-8 can carry; a lone surrogate,
 * which it cannot, reads back as {@code ?}).
 */
class ProblemFuzzTest {

    @FuzzTest
    void problemsAreValidJsonWithTheirFieldsEscaped(FuzzedDataProvider data) {
        String detail = data.consumeString(500);
        String method = data.consumeString(50);
        String requestId = data.consumeString(50);
        String path = data.consumeRemainingAsString();
        Exchange exchange = new Exchange(new GatewayRequest(method, path, "", null, null, "", "https", "dev", Map.of()),
                Instant.EPOCH);
        exchange.requestId(requestId);
        check(Problems.answer(exchange, new BadRequestException(detail, null)), detail, path, requestId, 400);
        GatewayResponse notAllowed = Problems.answer(exchange, new MethodNotAllowedException(method, Set.of("GET")));
        check(notAllowed, null, path, requestId, 405);
        if (!Answers.json(notAllowed.body(), method).path("detail").asText().contains(carried(method))) {
            throw new AssertionError("the 405's detail does not name the method " + method);
        }
    }

    private static void check(GatewayResponse answer, String detail, String path, String requestId, int status) {
        Object input = Map.of("detail", String.valueOf(detail), "path", path, "requestId", requestId);
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(answer.body()));
        } catch (CharacterCodingException e) {
            throw new AssertionError("the problem is not UTF-8, for " + input, e);
        }
        JsonNode problem = Answers.json(answer.body(), input);
        if (answer.status() != status || problem.path("status").asInt() != status
                || !answer.headers().first("content-type").orElse("").equals(Problems.MEDIA_TYPE)
                || detail != null && !problem.path("detail").asText().equals(carried(detail))
                || !problem.path("instance").asText().equals(carried(path))
                || !problem.path("requestId").asText().equals(carried(requestId))) {
            throw new AssertionError("problem " + problem + " does not carry " + input);
        }
    }

    /** The text as UTF-8 carries it: a lone surrogate becomes {@code ?}. */
    private static String carried(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
