package dev.tollgate.policy.size;

import dev.tollgate.http.GatewayResponse;
import java.util.Optional;

/**
 * The largest answer the platform can carry back to the caller, as the adapter knows it (AWS Lambda
 * carries at most 6 MB, base64 and headers included); the adapter hands it in with each request.
 */
@FunctionalInterface
public interface ResponseLimit {

    /** No limit. */
    ResponseLimit NONE = response -> Optional.empty();

    /** Why the platform cannot carry this answer, for the problem's detail; empty when it can. */
    Optional<String> refusal(GatewayResponse response);
}
