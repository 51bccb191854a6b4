package dev.tollgate.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one request came to, as the gateway hands it to a {@link RequestObserver} once it is answered.
 * It holds nothing secret by construction: no header, no query, no key, no token, not even a key's
 * hash; a credential is known by its id only.
 *
 * @param time           when the request arrived, by the gateway's clock
 * @param requestId      the correlation id, as on the response
 * @param stage          the stage that received it
 * @param method         the HTTP method
 * @param path           the path below the stage, without the query
 * @param sourceIp       the caller's address as the platform saw it
 * @param route          the route it matched, {@code GET /orders/{id}}; empty when none did (404, 405)
 * @param credential     the kind of credential the caller presented, accepted or not
 * @param credentialId   the id of the credential that authenticated the caller: an API key's id, or {@code jwt:ISSUER}
 * @param consumer       who called, once authenticated
 * @param status         the status of the answer
 * @param problem        the problem type when the gateway answered with a problem, {@code urn:tollgate:problem:rate-limited}
 * @param outcomes       what went notably right or wrong, beyond the status
 * @param latency        time in the gateway from the request's arrival to its answer, the backend's time included
 * @param backendLatency time inside the sends to the backend, every try; empty when the backend was not called
 * @param retries        tries of the backend after the first
 * @param circuit        the state of the backend endpoint's circuit after the request ({@code closed}, {@code open},
 *                       {@code half-open}); empty when the route has no circuit breaker or no backend was chosen
 * @param circuitChanges the changes of that state this request caused, {@code closed->open}
 * @param traceId        the W3C trace id the request's backend call carries (or would have carried)
 */
public record RequestObservation(Instant time, String requestId, String stage, String method, String path, String sourceIp,
                                 Optional<String> route, CredentialKind credential, Optional<String> credentialId,
                                 Optional<String> consumer, int status, Optional<String> problem, Set<Outcome> outcomes,
                                 Duration latency, Optional<Duration> backendLatency, int retries, Optional<String> circuit,
                                 List<String> circuitChanges, String traceId) {

    public RequestObservation {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(traceId, "traceId");
        outcomes = outcomes.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(outcomes));
        circuitChanges = List.copyOf(circuitChanges);
    }

    public boolean has(Outcome outcome) {
        return outcomes.contains(outcome);
    }
}
