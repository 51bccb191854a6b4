package dev.tollgate.policy.correlation;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.pipeline.Policy;
import dev.tollgate.pipeline.PolicyChain;
import dev.tollgate.problem.GatewayException;
import dev.tollgate.problem.Problems;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Gives every request an id (the caller's {@code x-request-id} when it is sane, else a new one),
 * puts it on every response, and turns every failure into a problem response that carries it.
 * It runs first, so nothing after it can answer without an id, or with a stack trace.
 */
public final class CorrelationIdPolicy implements Policy {

    private static final Logger LOG = Logger.getLogger(CorrelationIdPolicy.class.getName());
    /** A caller's id is kept only when it cannot smuggle anything into logs or headers. */
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,200}");

    private final Supplier<String> newId;

    public CorrelationIdPolicy(Supplier<String> newId) {
        this.newId = newId;
    }

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        String id = exchange.request().headers().first(HeaderNames.REQUEST_ID)
                .filter(value -> SANE_ID.matcher(value).matches())
                .orElseGet(newId);
        exchange.requestId(id);
        GatewayResponse response;
        try {
            response = next.proceed(exchange);
        } catch (GatewayException failure) {
            response = Problems.answer(exchange, failure);
        } catch (RuntimeException unexpected) {
            LOG.log(Level.SEVERE, "request " + id + " failed unexpectedly", unexpected);
            response = Problems.answer(exchange, new InternalErrorException());
        }
        return response.withHeaders(headers -> headers.set(HeaderNames.REQUEST_ID, id));
    }

    /** A defect in the gateway: the caller learns only the request id to report. */
    private static final class InternalErrorException extends GatewayException {
        InternalErrorException() {
            super(500, "internal-error", "Internal Server Error",
                    "The gateway failed to handle the request; report the request id.", null, null);
        }
    }
}
