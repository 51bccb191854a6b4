package dev.tollgate.policy.auth.jwt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;

/**
 * Fetches an issuer's keys over HTTP: from its {@code jwksUri}, or else from the {@code jwks_uri}
 * its OpenID Connect discovery document names. Answers are bounded in time and size, so a slow or
 * hostile endpoint cannot hold a request for long; only public keys are kept.
 */
public final class HttpJwksSource implements JwksSource {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** A JWKS of a few dozen keys is a few tens of KB. */
    static final int MAX_BYTES = 512 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Made on the first fetch: a function whose callers use only API keys never starts its thread. */
    private volatile HttpClient client;

    @Override
    public JWKSet fetch(JwtIssuerConfig issuer) throws JwksFetchException {
        URI location = issuer.jwksUri().isPresent() ? issuer.jwksUri().get() : discover(issuer);
        String body = get(location, "JWKS");
        try {
            return JWKSet.parse(body).toPublicJWKSet();
        } catch (ParseException e) {
            throw new JwksFetchException(location + " did not answer a JWK set: " + e.getMessage(), e);
        }
    }

    private URI discover(JwtIssuerConfig issuer) throws JwksFetchException {
        String base = issuer.issuer().endsWith("/") ? issuer.issuer().substring(0, issuer.issuer().length() - 1) : issuer.issuer();
        URI discovery = URI.create(base + JwtIssuerConfig.DISCOVERY_PATH);
        JsonNode document;
        try {
            document = JSON.readTree(get(discovery, "discovery document"));
        } catch (IOException e) {
            throw new JwksFetchException(discovery + " did not answer JSON", e);
        }
        JsonNode jwksUri = document.path("jwks_uri");
        if (!jwksUri.isTextual() || !(jwksUri.asText().startsWith("https://") || jwksUri.asText().startsWith("http://"))) {
            throw new JwksFetchException(discovery + " names no http(s) jwks_uri", null);
        }
        return URI.create(jwksUri.asText());
    }

    private HttpClient client() {
        HttpClient made = client;
        if (made == null) {
            synchronized (this) {
                if (client == null) {
                    client = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .followRedirects(HttpClient.Redirect.NORMAL)
                            .connectTimeout(CONNECT_TIMEOUT)
                            .build();
                }
                made = client;
            }
        }
        return made;
    }

    private String get(URI uri, String what) throws JwksFetchException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("accept", "application/json").GET().build();
        try {
            HttpResponse<InputStream> response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                if (response.statusCode() != 200) {
                    throw new JwksFetchException("the " + what + " at " + uri + " answered " + response.statusCode(), null);
                }
                if (bytes.length > MAX_BYTES) {
                    throw new JwksFetchException("the " + what + " at " + uri + " is larger than " + MAX_BYTES + " bytes", null);
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new JwksFetchException("the " + what + " at " + uri + " could not be fetched: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JwksFetchException("fetching the " + what + " at " + uri + " was interrupted", e);
        }
    }
}
