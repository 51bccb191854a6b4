package dev.tollgate.aws;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.problem.GatewayException;
import dev.tollgate.problem.Problems;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The adapters' one exception mapper: an event the gateway cannot even read (a broken base64
 * body) still gets a problem answer, not a Lambda error.
 */
final class EventErrors {

    private EventErrors() {
    }

    static <R> R guard(Supplier<R> handling, Class<R> type, Function<GatewayResponse, R> toResponse) {
        try {
            return handling.get();
        } catch (GatewayException failure) {
            String requestId = UUID.randomUUID().toString();
            return type.cast(toResponse.apply(Problems.render(failure, requestId, "")
                    .withHeaders(h -> h.set(dev.tollgate.http.HeaderNames.REQUEST_ID, requestId))));
        }
    }
}
