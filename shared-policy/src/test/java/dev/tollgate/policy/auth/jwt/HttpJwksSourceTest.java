package dev.tollgate.policy.auth.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.tollgate.testing.TestIssuer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetching keys over real HTTP(S) on 127.0.0.1: from a jwksUri, by OpenID Connect discovery (of the
 * configured issuer, https keys for an https document), within a deadline, and failing clearly.
 */
class HttpJwksSourceTest {

    private static final TestIssuer IDP = TestIssuer.rsa("unused", "k1");

    private HttpServer server;
    private String base;
    private final AtomicInteger jwksStatus = new AtomicInteger(200);
    private volatile String jwksBody;
    /** Counted down when the test ends: a trickling answer stops then. */
    private final CountDownLatch stopTrickling = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws IOException {
        jwksBody = new JWKSet(IDP.publicKeys().getKeys()).toString(true);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/jwks.json", exchange -> answer(exchange, jwksStatus.get(), jwksBody));
        server.createContext("/tenant/.well-known/openid-configuration", exchange -> answer(exchange, 200,
                discovery(base + "/tenant/", base + "/jwks.json")));
        server.createContext("/broken/.well-known/openid-configuration", exchange -> answer(exchange, 200,
                "{\"issuer\":\"" + base + "/broken\"}"));
        server.createContext("/impostor/.well-known/openid-configuration", exchange -> answer(exchange, 200,
                discovery("https://idp.example.com", base + "/jwks.json")));
        server.createContext("/huge.json", exchange -> answer(exchange, 200, "x".repeat(HttpJwksSource.MAX_BYTES + 10)));
        server.createContext("/huge-error.json", exchange -> answer(exchange, 500, "x".repeat(HttpJwksSource.MAX_BYTES + 10)));
        server.createContext("/trickle.json", this::trickle);
        server.start();
    }

    @AfterEach
    void tearDown() {
        stopTrickling.countDown();
        server.stop(0);
    }

    @Test
    void keysAreFetched_fromTheJwksUri_orByDiscovery() throws Exception {
        HttpJwksSource source = new HttpJwksSource();

        JWKSet direct = source.fetch(issuer("urn:idp", base + "/jwks.json"));
        JWKSet discovered = source.fetch(issuer(base + "/tenant/", null));

        assertThat(direct.getKeyByKeyId("k1")).isNotNull();
        assertThat(discovered.getKeyByKeyId("k1")).isNotNull();
    }

    @Test
    void failures_nameWhatWentWrong() {
        HttpJwksSource source = new HttpJwksSource();
        jwksStatus.set(503);

        assertThatThrownBy(() -> source.fetch(issuer("urn:idp", base + "/jwks.json")))
                .isInstanceOf(JwksFetchException.class).hasMessage("the JWKS at " + base + "/jwks.json answered 503");
        assertThatThrownBy(() -> source.fetch(issuer(base + "/broken", null)))
                .hasMessage(base + "/broken/.well-known/openid-configuration names no http(s) jwks_uri");
        assertThatThrownBy(() -> source.fetch(issuer("urn:idp", base + "/huge.json")))
                .hasMessage("the JWKS at " + base + "/huge.json is larger than " + HttpJwksSource.MAX_BYTES + " bytes");
        jwksStatus.set(200);
        jwksBody = "{\"keys\": 7}";
        assertThatThrownBy(() -> source.fetch(issuer("urn:idp", base + "/jwks.json")))
                .hasMessageStartingWith(base + "/jwks.json did not answer a JWK set");
        server.stop(0);
        assertThatThrownBy(() -> source.fetch(issuer("urn:idp", base + "/jwks.json")))
                .hasMessageStartingWith("the JWKS at " + base + "/jwks.json could not be fetched");
    }

    @Test
    void aFailedAnswer_isNamedByItsStatus_howeverLargeItsBody() {
        assertThatThrownBy(() -> new HttpJwksSource().fetch(issuer("urn:idp", base + "/huge-error.json")))
                .isInstanceOf(JwksFetchException.class).hasMessage("the JWKS at " + base + "/huge-error.json answered 500");
    }

    @Test
    void aDiscoveryDocument_ofAnotherIssuer_isRefused() {
        HttpJwksSource source = new HttpJwksSource();

        assertThatThrownBy(() -> source.fetch(issuer(base + "/impostor", null)))
                .isInstanceOf(JwksFetchException.class)
                .hasMessage(base + "/impostor/.well-known/openid-configuration names issuer https://idp.example.com"
                        + " (expected: " + base + "/impostor, the configured issuer)");
    }

    @Test
    void anHttpsDiscoveryDocument_mustNameAnHttpsJwksUri(@TempDir Path dir) throws Exception {
        SSLContext tls = selfSignedFor127001(dir);
        HttpsServer secure = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        secure.setHttpsConfigurator(new HttpsConfigurator(tls));
        String secureBase = "https://127.0.0.1:" + secure.getAddress().getPort();
        secure.createContext("/jwks.json", exchange -> answer(exchange, 200, jwksBody));
        secure.createContext("/tls/.well-known/openid-configuration", exchange -> answer(exchange, 200,
                discovery(secureBase + "/tls", secureBase + "/jwks.json")));
        secure.createContext("/downgrade/.well-known/openid-configuration", exchange -> answer(exchange, 200,
                discovery(secureBase + "/downgrade", base + "/jwks.json")));
        secure.start();
        try {
            HttpJwksSource source = new HttpJwksSource(tls);

            assertThat(source.fetch(issuer(secureBase + "/tls", null)).getKeyByKeyId("k1")).isNotNull();
            assertThatThrownBy(() -> source.fetch(issuer(secureBase + "/downgrade", null)))
                    .isInstanceOf(JwksFetchException.class)
                    .hasMessage(secureBase + "/downgrade/.well-known/openid-configuration names jwks_uri " + base
                            + "/jwks.json (expected: an https URL, as the discovery document's own)");
        } finally {
            secure.stop(0);
        }
    }

    @Test
    void aBodyTrickledSlowerThanTheDeadline_failsTheFetch_atTheDeadline() {
        HttpJwksSource source = new HttpJwksSource();

        // The server sends its headers at once, then a byte every 100 ms for a minute: only a
        // deadline on the whole answer, not on its headers, ends the fetch well before that.
        CompletableFuture<JWKSet> fetch = CompletableFuture.supplyAsync(() -> {
            try {
                return source.fetch(issuer("urn:idp", base + "/trickle.json"));
            } catch (JwksFetchException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(fetch).failsWithin(HttpJwksSource.TIMEOUT.multipliedBy(4))
                .withThrowableOfType(ExecutionException.class)
                .havingCause().havingCause()
                .isInstanceOf(JwksFetchException.class)
                .withMessage("the JWKS at " + base + "/trickle.json was not fetched within 3 s");
    }

    private static JwtIssuerConfig issuer(String iss, String jwksUri) {
        return new JwtIssuerConfig("idp", iss, Optional.ofNullable(jwksUri).map(URI::create), List.of("api"), Set.of("RS256"),
                Duration.ofSeconds(60), Duration.ofMinutes(1), Duration.ofHours(1), "sub", "free", Optional.empty(),
                JwtIssuerConfig.DEFAULT_MAX_TOKEN_LIFETIME);
    }

    private static String discovery(String issuer, String jwksUri) {
        return "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + jwksUri + "\"}";
    }

    /** A key and certificate for 127.0.0.1, made by the JDK's keytool, trusted by the context it returns. */
    private static SSLContext selfSignedFor127001(Path dir) throws Exception {
        Path store = dir.resolve("tls.p12");
        char[] password = "changeit".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "local", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "1", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(keys);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return tls;
    }

    private void trickle(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(200, 600);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 600; i++) {
                out.write(i == 0 ? '{' : ' ');
                out.flush();
                if (stopTrickling.await(100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client went away, as it should once its deadline passed.
        }
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
