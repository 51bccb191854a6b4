package dev.tollgate.policy.auth;

import dev.tollgate.config.PlanConfig;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.http.Headers;
import dev.tollgate.observe.CredentialKind;
import dev.tollgate.observe.LogText;
import dev.tollgate.observe.Outcome;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.pipeline.Policy;
import dev.tollgate.pipeline.PolicyChain;
import dev.tollgate.policy.auth.apikey.ApiKeyAuthenticator;
import dev.tollgate.policy.auth.jwt.JwtAuthenticator;
import dev.tollgate.problem.AccessDeniedException;
import dev.tollgate.problem.AuthenticationException;
import dev.tollgate.problem.KeyStoreException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Establishes who is calling, with the credentials the route accepts: a bearer token (when the
 * route names issuers and one is sent), else an API key. Missing or rejected credentials are 401
 * with one {@code WWW-Authenticate} challenge per accepted kind; public routes pass as they are.
 * The usage endpoint accepts every kind of credential the file configures. A key store that fails
 * is 503, logged with the request id and counted.
 */
public final class AuthenticationPolicy implements Policy {

    /** The realm of every challenge the gateway sends. */
    public static final String REALM = "tollgate";
    private static final String BEARER = "bearer ";
    private static final Logger LOG = Logger.getLogger(AuthenticationPolicy.class.getName());

    private final ApiKeyAuthenticator apiKeys;
    private final JwtAuthenticator tokens;
    private final Map<String, PlanConfig> plans;
    private final AtomicLong keyStoreFailures = new AtomicLong();

    /** @param plans the plans by name, which every credential's plan is resolved against */
    public AuthenticationPolicy(Map<String, PlanConfig> plans, ApiKeyAuthenticator apiKeys, JwtAuthenticator tokens) {
        this.apiKeys = apiKeys;
        this.tokens = tokens;
        this.plans = Map.copyOf(plans);
    }

    @Override
    public GatewayResponse apply(Exchange exchange, PolicyChain next) {
        AuthConfig auth = exchange.route().auth();
        if (auth.isPublic()) {
            return next.proceed(exchange);
        }
        Optional<String> token = auth.acceptsJwt() ? bearerToken(exchange) : Optional.empty();
        Optional<String> key = auth.apiKey() ? present(combined(exchange, HeaderNames.API_KEY)) : Optional.empty();
        exchange.observed().credential(token.isPresent() ? CredentialKind.JWT
                : key.isPresent() ? CredentialKind.API_KEY : CredentialKind.NONE);
        try {
            if (token.isPresent()) {
                identified(exchange, tokens.authenticate(token.get(), auth.jwtIssuers(),
                        exchange.request().stageVariables(), exchange.now()));
            } else if (key.isPresent()) {
                identified(exchange, apiKey(key.get(), exchange));
            } else {
                throw new AuthenticationException(missing(auth), challenges(auth, null));
            }
        } catch (CredentialRejectedException rejected) {
            exchange.observed().outcome(Outcome.AUTH_FAILURE);
            throw new AuthenticationException(rejected.getMessage(),
                    challenges(auth, rejected.token() ? rejected.getMessage() : null));
        } catch (AuthenticationException | AccessDeniedException refused) {
            exchange.observed().outcome(Outcome.AUTH_FAILURE);
            throw refused;
        }
        return next.proceed(exchange);
    }

    /** Requests of this instance whose API key could not be checked because the key store failed. */
    public long keyStoreFailures() {
        return keyStoreFailures.get();
    }

    /** The caller's plan is resolved here, once: every later policy reads it from the exchange. */
    private void identified(Exchange exchange, Identity identity) {
        PlanConfig plan = plans.get(identity.plan());
        if (plan == null) {
            throw new IllegalStateException("key " + identity.credentialId() + " names plan " + identity.plan()
                    + ", which the configuration does not define");
        }
        exchange.identity(identity, plan);
    }

    private Identity apiKey(String key, Exchange exchange) throws CredentialRejectedException {
        try {
            return apiKeys.authenticate(key, exchange.request().stage(), exchange.now());
        } catch (KeyStoreException failure) {
            keyStoreFailures.incrementAndGet();
            LOG.warning("key store failed for request " + exchange.requestId() + "; refused with 503: "
                    + LogText.failure(failure));
            throw failure;
        }
    }

    /**
     * A header's field lines as the one value they mean (RFC 9110 5.3), as API Gateway's payload 2.0 and
     * the Functions host hand it over: two keys, or two tokens, are no key and no token, whichever comes first.
     */
    private static Optional<String> combined(Exchange exchange, String name) {
        List<String> lines = exchange.request().headers().all(name);
        return lines.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", lines));
    }

    private static Optional<String> bearerToken(Exchange exchange) {
        return combined(exchange, HeaderNames.AUTHORIZATION)
                .filter(value -> value.length() > BEARER.length()
                        && value.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER))
                .flatMap(value -> present(Optional.of(value.substring(BEARER.length()))));
    }

    private static Optional<String> present(Optional<String> value) {
        return value.map(String::strip).filter(v -> !v.isEmpty());
    }

    private static String missing(AuthConfig auth) {
        if (!auth.acceptsJwt()) {
            return "This route needs an API key; send it in the " + HeaderNames.API_KEY + " header.";
        }
        if (!auth.apiKey()) {
            return "This route needs a bearer token; send it as Authorization: Bearer TOKEN.";
        }
        return "This route needs an API key in the " + HeaderNames.API_KEY
                + " header or a bearer token in the Authorization header.";
    }

    /** One challenge per credential the route accepts (RFC 9110 11.6.1); a rejected token says why (RFC 6750 3). */
    private static Headers challenges(AuthConfig auth, String tokenProblem) {
        Headers.Builder headers = Headers.builder();
        if (auth.acceptsJwt()) {
            headers.add(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"" + REALM + "\"" + (tokenProblem == null ? ""
                    : ", error=\"invalid_token\", error_description=\"" + quotable(tokenProblem) + "\""));
        }
        if (auth.apiKey()) {
            headers.add(HeaderNames.WWW_AUTHENTICATE, "ApiKey realm=\"" + REALM + "\", header=\"" + HeaderNames.API_KEY + "\"");
        }
        return headers.build();
    }

    /** RFC 6750 allows only these characters in {@code error_description}. */
    static String quotable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : ' ');
        }
        return out.toString();
    }
}
