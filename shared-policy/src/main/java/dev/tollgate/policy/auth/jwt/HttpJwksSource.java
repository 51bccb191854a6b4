package dev.tollgate.policy.auth.jwt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import dev.tollgate.config.ConfigReader;
import dev.tollgate.http.BoundedSend;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * Fetches an issuer's keys over HTTP: from its {@code jwksUri}, or else from the {@code jwks_uri}
 * its OpenID Connect discovery document names. Each answer, headers and body, must come within one
 * deadline and a size limit, so a slow or hostile endpoint cannot hold a request for long; only
 * public keys are kept. A discovery document must name the configured issuer as its own, and an
 * {@code https} one an {@code https} {@code jwks_uri}: keys fetched in clear text could be anyone's.
 */
public final class HttpJwksSource implements JwksSource {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** For each answer, from sending the request to its body's last byte. */
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** A JWKS of a few dozen keys is a few tens of KB. */
    static final int MAX_BYTES = 512 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SSLContext tls;
    /** Made on the first fetch: a function whose callers use only API keys never starts its thread. */
    private volatile HttpClient client;

    public HttpJwksSource() {
        this(null);
    }

    /** With the TLS trust of {@code tls} instead of the JVM's: for tests against a local HTTPS server. */
    HttpJwksSource(SSLContext tls) {
        this.tls = tls;
    }

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
        // OpenID Connect Discovery 1.0, 4.3: another issuer's document must not be used, nor its keys.
        JsonNode claimed = document.path("issuer");
        if (!claimed.isTextual() || !claimed.asText().equals(issuer.issuer())) {
            throw new JwksFetchException(discovery + " names issuer " + (claimed.isTextual() ? claimed.asText() : "none")
                    + " (expected: " + issuer.issuer() + ", the configured issuer)", null);
        }
        JsonNode named = document.path("jwks_uri");
        Optional<URI> jwksUri = named.isTextual() ? ConfigReader.httpUrl(named.asText()) : Optional.empty();
        if (jwksUri.isEmpty()) {
            throw new JwksFetchException(discovery + " names no http(s) jwks_uri", null);
        }
        // Keys fetched in clear text could be anyone's: http only where discovery itself is (a local demo).
        if (jwksUri.get().getScheme().equalsIgnoreCase("http") && !discovery.getScheme().equalsIgnoreCase("http")) {
            throw new JwksFetchException(discovery + " names jwks_uri " + jwksUri.get()
                    + " (expected: an https URL, as the discovery document's own)", null);
        }
        return jwksUri.get();
    }

    private HttpClient client() {
        HttpClient made = client;
        if (made == null) {
            synchronized (this) {
                if (client == null) {
                    HttpClient.Builder builder = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .followRedirects(HttpClient.Redirect.NORMAL)
                            .connectTimeout(CONNECT_TIMEOUT);
                    if (tls != null) {
                        builder.sslContext(tls);
                    }
                    client = builder.build();
                }
                made = client;
            }
        }
        return made;
    }

    private String get(URI uri, String what) throws JwksFetchException {
        HttpRequest request = HttpRequest.newBuilder(uri).header("accept", "application/json").GET().build();
        // One deadline for the whole answer: HttpRequest.timeout covers only its headers, and a
        // server that trickles the body would otherwise hold the fetch for as long as it likes.
        HttpResponse<byte[]> response;
        try {
            response = BoundedSend.send(client(), request, TIMEOUT, MAX_BYTES);
        } catch (TimeoutException e) {
            throw new JwksFetchException("the " + what + " at " + uri + " was not fetched within " + TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BoundedSend.TooLarge tooLarge) {
                throw new JwksFetchException("the " + what + " at " + uri + (tooLarge.status() != 200
                        ? " answered " + tooLarge.status()
                        : " is larger than " + MAX_BYTES + " bytes"), null);
            }
            throw new JwksFetchException("the " + what + " at " + uri + " could not be fetched: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JwksFetchException("fetching the " + what + " at " + uri + " was interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new JwksFetchException("the " + what + " at " + uri + " answered " + response.statusCode(), null);
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
