package dev.tollgate.policy.size;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.observe.Outcome;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.pipeline.Policy;
import dev.tollgate.pipeline.PolicyChain;
import dev.tollgate.problem.ResponseTooLargeException;
import java.util.Optional;

/**
 * Turns an answer larger than the platform can carry back ({@link ResponseLimit}) into a 502
 * problem, rather than a platform failure the caller cannot read. It runs right after CORS, so the
 * problem carries the request id and the CORS headers like every other.
 */
public final class ResponseSizePolicy implements Policy {

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        GatewayResponse response = next.proceed(exchange);
        Optional<String> refusal = exchange.responseLimit().refusal(response);
        if (refusal.isPresent()) {
            exchange.observed().outcome(Outcome.BACKEND_ERROR);
            exchange.observed().outcome(Outcome.RESPONSE_TOO_LARGE);
            throw new ResponseTooLargeException(refusal.get());
        }
        return response;
    }
}
