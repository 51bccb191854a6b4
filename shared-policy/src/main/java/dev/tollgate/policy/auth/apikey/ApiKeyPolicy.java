package dev.tollgate.policy.auth.apikey;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.pipeline.Policy;
import dev.tollgate.pipeline.PolicyChain;
import dev.tollgate.policy.auth.Identity;
import dev.tollgate.problem.AccessDeniedException;
import dev.tollgate.problem.AuthenticationException;

/**
 * Authenticates the caller by the {@code x-api-key} header: no key or an unknown one is 401, a key
 * of another stage is 403. The key is looked up by its hash and is not forwarded to the backend.
 */
public final class ApiKeyPolicy implements Policy {

    private final KeyStore keys;

    public ApiKeyPolicy(KeyStore keys) {
        this.keys = keys;
    }

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        String presented = exchange.request().headers().first(HeaderNames.API_KEY)
                .map(String::strip)
                .filter(value -> !value.isEmpty())
                .orElseThrow(() -> new AuthenticationException(
                        "This route needs an API key; send it in the " + HeaderNames.API_KEY + " header."));
        ApiKey key = keys.findBySha256(ApiKeyHash.sha256Hex(presented))
                .orElseThrow(() -> new AuthenticationException("The API key is not valid."));
        String stage = exchange.request().stage();
        if (!key.stage().equals(stage)) {
            throw new AccessDeniedException("The API key is not valid on stage " + stage + ".");
        }
        exchange.identity(new Identity(key.id(), key.consumer(), key.plan()));
        return next.proceed(exchange);
    }
}
