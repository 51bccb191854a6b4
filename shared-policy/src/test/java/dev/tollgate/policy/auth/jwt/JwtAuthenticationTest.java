package dev.tollgate.policy.auth.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.InMemoryJwksSource;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** JWT authentication and authorization through the whole pipeline, with a fixed clock and keys in memory. */
class JwtAuthenticationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-23T12:10:00Z");
    private static final String ISS = "https://login.example.com/";

    private static final TestIssuer IDP = TestIssuer.rsa(ISS, "key-1");
    private static final TestIssuer ROTATED = TestIssuer.rsa(ISS, "key-2");
    private static final TestIssuer IMPOSTOR = TestIssuer.rsa(ISS, "key-1");
    private static final TestIssuer PARTNER = TestIssuer.ec("https://partner.example.net", "p-1");

    private final TestBackend backend = new TestBackend();
    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryJwksSource jwks = new InMemoryJwksSource().serve("idp", IDP).serve("partner", PARTNER);
    private final InMemoryCounterStore counters = new InMemoryCounterStore();
    private Gateway gateway;

    @BeforeEach
    void setUp() {
        GatewayConfig config = ConfigLoader.parse("""
                stages:
                  dev:
                    variables: {backend: %s, audience: api-dev}
                  prod:
                    variables: {backend: %s, audience: api-prod}
                plans:
                  free: {quota: {limit: 100, period: day}}
                  gold: {quota: {limit: 1000, period: day}}
                apiKeys:
                  - {id: k1, value: dev-secret-key, consumer: alice, stage: dev, plan: free}
                jwt:
                  issuers:
                    idp:
                      issuer: %s
                      jwksUri: https://login.example.com/keys
                      audiences: ["${stageVariables.audience}"]
                      jwksRefreshInterval: 30s
                      jwksMaxAge: 10m
                      plan: free
                      planClaim: tier
                    partner:
                      issuer: https://partner.example.net
                      audiences: [partner-api]
                      algorithms: [ES256]
                      consumerClaim: client_id
                      maxTokenLifetime: 2h
                      plan: gold
                routes:
                  - path: /either
                    methods: [GET]
                    backend: ${stageVariables.backend}
                    auth: {apiKey: true, jwt: [idp, partner]}
                  - path: /reports
                    methods: [GET]
                    backend: ${stageVariables.backend}
                    auth:
                      jwt: [idp]
                      scopes: [reports:read]
                      claims: {tenant: [acme, globex]}
                  - path: /keys-only
                    methods: [GET]
                    backend: ${stageVariables.backend}
                  - path: /health
                    methods: [GET]
                    backend: ${stageVariables.backend}
                    public: true
                """.formatted(backend.url(), backend.url(), ISS), "test.yaml");
        gateway = Gateway.builder().config(config).counters(counters).keys(new ConfigKeyStore(config.apiKeys()))
                .jwks(jwks).clock(clock).build();
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void aValidToken_reachesTheBackend_withTheIdentityHeaders_andNoneTheCallerForged() {
        String token = IDP.sign(IDP.claims("user-7", "api-dev", NOW).claim("scope", "orders:read reports:read").build());

        GatewayResponse response = gateway.handle(get("/either", "dev", Headers.builder()
                .set("authorization", "Bearer " + token)
                .set("x-tollgate-consumer", "forged")
                .set("x-tollgate-admin", "true")));

        assertThat(response.status()).isEqualTo(200);
        TestBackend.Received received = backend.received().get(0);
        assertThat(received.header("x-tollgate-consumer")).isEqualTo("idp:user-7");
        assertThat(received.header("x-tollgate-subject")).isEqualTo("user-7");
        assertThat(received.header("x-tollgate-plan")).isEqualTo("free");
        assertThat(received.header("x-tollgate-scopes")).isEqualTo("orders:read reports:read");
        assertThat(received.header("x-tollgate-admin")).isNull();
        assertThat(received.header("authorization")).isEqualTo("Bearer " + token);
        assertThat(response.headers().first("ratelimit-limit")).contains("100");
    }

    @Test
    void anApiKey_stillWorks_onARouteThatTakesEither_andGetsItsOwnIdentityHeaders() {
        GatewayResponse response = gateway.handle(get("/either", "dev", Headers.builder().set("x-api-key", "dev-secret-key")));

        assertThat(response.status()).isEqualTo(200);
        assertThat(backend.received().get(0).header("x-tollgate-consumer")).isEqualTo("alice");
        assertThat(backend.received().get(0).header("x-tollgate-subject")).isNull();
    }

    @Test
    void noCredentials_is401_withOneChallengePerAcceptedKind() throws Exception {
        GatewayResponse either = gateway.handle(get("/either", "dev", Headers.builder()));
        GatewayResponse tokenOnly = gateway.handle(get("/reports", "dev", Headers.builder().set("x-api-key", "dev-secret-key")));

        assertProblem(either, 401, "This route needs an API key in the x-api-key header or a bearer token in the"
                + " Authorization header.");
        assertThat(either.headers().all("www-authenticate"))
                .containsExactly("Bearer realm=\"tollgate\"", "ApiKey realm=\"tollgate\", header=\"x-api-key\"");
        assertProblem(tokenOnly, 401, "This route needs a bearer token; send it as Authorization: Bearer TOKEN.");
        assertThat(tokenOnly.headers().all("www-authenticate")).containsExactly("Bearer realm=\"tollgate\"");
    }

    @Test
    void aToken_isRejected_forEachReason_with401AndTheReasonInTheChallenge() throws Exception {
        JWTClaimsSet good = IDP.claims("user-7", "api-dev", NOW).build();
        Map<String, String> rejected = new java.util.LinkedHashMap<>();
        rejected.put(IDP.sign(IDP.claims("user-7", "api-dev", NOW.minus(Duration.ofHours(3))).build()),
                "The token expired at 2026-11-23T10:10:00Z.");
        rejected.put(IDP.sign(new JWTClaimsSet.Builder(good).notBeforeTime(Date.from(NOW.plus(Duration.ofMinutes(5)))).build()),
                "The token is not valid before 2026-11-23T12:15:00Z.");
        rejected.put(IDP.sign(IDP.claims("user-7", "api-prod", NOW).build()),
                "The token is not meant for this stage (its aud: api-prod; expected: api-dev).");
        rejected.put(IDP.sign(new JWTClaimsSet.Builder(good).issuer("https://evil.example.com/").build()),
                "Tokens of issuer https://evil.example.com/ are not accepted on this route.");
        rejected.put(IMPOSTOR.sign(good), "The token's signature is not valid.");
        rejected.put(IDP.sign(good, header -> new JWSHeader.Builder(JWSAlgorithm.RS384).keyID("key-1")),
                "Tokens signed with RS384 are not accepted from issuer idp (accepted: RS256).");
        rejected.put(hmacSigned(good), "Tokens signed with HS256 are not accepted from issuer idp (accepted: RS256).");
        rejected.put(new PlainJWT(new PlainHeader(), good).serialize(), "Unsigned tokens (alg none) are never accepted.");
        rejected.put("not.a-jwt", "The bearer token is not a JWT.");
        // Found by JwtFuzzTest: the JWT library's decoder skipped a ; in the signature, and the token passed.
        String valid = IDP.sign(good);
        for (String slipped : List.of(";", "+", "=", "%")) {
            rejected.put(valid.substring(0, valid.length() - 20) + slipped + valid.substring(valid.length() - 20),
                    "The bearer token is not a JWS in compact form: each of its three parts is base64url without padding,"
                            + " in its one spelling (RFC 7515).");
        }
        rejected.put(IDP.sign(new JWTClaimsSet.Builder(good).expirationTime(null).build()),
                "The token has no exp claim; tokens must expire.");
        rejected.put(IDP.sign(new JWTClaimsSet.Builder(good).subject(null).build()),
                "The token has no sub claim, which names the consumer.");
        rejected.put(IDP.sign(good, header -> header.keyID("no-such-key")),
                "No key of issuer idp matches the token (kid no-such-key).");
        rejected.put(IDP.sign(good, header -> header.keyID("k".repeat(4096))),
                "No key of issuer idp matches the token (kid " + "k".repeat(64) + "... (4096 characters)).");

        for (Map.Entry<String, String> token : rejected.entrySet()) {
            GatewayResponse response = gateway.handle(get("/either", "dev",
                    Headers.builder().set("authorization", "Bearer " + token.getKey())));
            assertProblem(response, 401, token.getValue());
            assertThat(response.headers().all("www-authenticate")).containsExactly(
                    "Bearer realm=\"tollgate\", error=\"invalid_token\", error_description=\"" + token.getValue() + "\"",
                    "ApiKey realm=\"tollgate\", header=\"x-api-key\"");
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aToken_inAnySpellingButTheOneItsIssuerWrote_isRefused_with401() throws Exception {
        String token = IDP.sign(IDP.claims("user-7", "api-dev", NOW).build());
        String[] parts = token.split("\\.");
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = parts[2].charAt(parts[2].length() - 1);
        // A 256-byte signature's last character carries 2 bits: flipping an unused one leaves the same bytes.
        String sameBytes = parts[2].substring(0, parts[2].length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
        String detail = "The bearer token is not a JWS in compact form: each of its three parts is base64url without"
                + " padding, in its one spelling (RFC 7515).";

        assertThat(gateway.handle(bearer("/either", "dev", token)).status()).isEqualTo(200);
        for (String variant : List.of(token + "=", token + "==", parts[0] + "." + parts[1] + "." + sameBytes,
                parts[0] + "=." + parts[1] + "." + parts[2], parts[0] + "." + parts[1] + "." + parts[2].replace('-', '+').replace('_', '/'),
                parts[0] + "." + parts[1] + " ." + parts[2])) {
            assertProblem(gateway.handle(bearer("/either", "dev", variant)), 401, detail);
        }
        assertThat(backend.received()).hasSize(1);
    }

    @Test
    void twoKeyFields_orTwoAuthorizationFields_areOneValue_soNoCredential_whicheverComesFirst() throws Exception {
        String token = IDP.sign(IDP.claims("user-7", "api-dev", NOW).build());
        List<Headers.Builder> twice = List.of(
                Headers.builder().add("x-api-key", "dev-secret-key").add("x-api-key", "dev-secret-key"),
                Headers.builder().add("x-api-key", "dev-secret-key").add("x-api-key", "other"),
                Headers.builder().add("x-api-key", "other").add("x-api-key", "dev-secret-key"),
                Headers.builder().add("authorization", "Bearer " + token).add("authorization", "Bearer " + token),
                Headers.builder().add("authorization", "Bearer " + token).add("authorization", "Basic b3RoZXI="));

        for (Headers.Builder headers : twice) {
            assertThat(gateway.handle(get("/either", "dev", headers)).status()).isEqualTo(401);
        }
        assertThat(backend.received()).isEmpty();
    }

    /**
     * ECDSA is malleable: with (r, s), (r, n - s) verifies too. JCA signers, and so issuers, write either
     * half, so refusing one would refuse the issuer's own tokens; what must hold is that the other spelling
     * carries the same claims and so names the same consumer, nothing more.
     */
    @Test
    void anEs256SignatureWithTheOtherS_namesTheSameConsumer_andNoOther() {
        String partner = PARTNER.sign(new JWTClaimsSet.Builder(PARTNER.claims("svc", "partner-api", NOW).build())
                .claim("client_id", "acme-sync").build());
        String[] parts = partner.split("\\.");
        byte[] signature = new com.nimbusds.jose.util.Base64URL(parts[2]).decode();
        java.math.BigInteger order = new java.math.BigInteger(
                "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
        byte[] otherS = order.subtract(new java.math.BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64))).toByteArray();
        byte[] other = java.util.Arrays.copyOf(signature, 64);
        java.util.Arrays.fill(other, 32, 64, (byte) 0);
        int length = Math.min(32, otherS.length);
        System.arraycopy(otherS, otherS.length - length, other, 64 - length, length);
        String flipped = parts[0] + "." + parts[1] + "." + com.nimbusds.jose.util.Base64URL.encode(other);

        assertThat(gateway.handle(bearer("/either", "dev", partner)).status()).isEqualTo(200);
        assertThat(gateway.handle(bearer("/either", "dev", flipped)).status()).isEqualTo(200);
        assertThat(backend.received()).extracting(received -> received.header("x-tollgate-consumer"))
                .containsExactly("partner:acme-sync", "partner:acme-sync");
    }

    @Test
    void expiry_andNotBefore_allowTheIssuersClockSkew() {
        String justExpired = IDP.sign(new JWTClaimsSet.Builder(IDP.claims("u", "api-dev", NOW).build())
                .expirationTime(Date.from(NOW.minusSeconds(59))).build());
        String soonValid = IDP.sign(new JWTClaimsSet.Builder(IDP.claims("u", "api-dev", NOW).build())
                .notBeforeTime(Date.from(NOW.plusSeconds(59))).build());

        assertThat(gateway.handle(bearer("/either", "dev", justExpired)).status()).isEqualTo(200);
        assertThat(gateway.handle(bearer("/either", "dev", soonValid)).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(2));
        assertThat(gateway.handle(bearer("/either", "dev", justExpired)).status()).isEqualTo(401);
    }

    @Test
    void aToken_issuedInTheFuture_orValidForLongerThanItsIssuerAllows_isRefused_with401() throws Exception {
        JWTClaimsSet good = IDP.claims("user-7", "api-dev", NOW).build();
        Map<String, String> rejected = new java.util.LinkedHashMap<>();
        rejected.put(IDP.sign(new JWTClaimsSet.Builder(good).issueTime(Date.from(NOW.plusSeconds(61))).build()),
                "The token is issued in the future (iat 2026-11-23T12:11:01Z).");
        rejected.put(IDP.sign(new JWTClaimsSet.Builder(good).expirationTime(Date.from(Instant.parse("+33658-09-27T01:46:40Z")))
                        .build()),
                "The token is valid for longer than the 24h issuer idp allows (iat 2026-11-23T12:10:00Z,"
                        + " exp +33658-09-27T01:46:40Z).");
        rejected.put(IDP.sign(new JWTClaimsSet.Builder(good).issueTime(Date.from(NOW.minus(Duration.ofDays(400)))).build()),
                "The token is valid for longer than the 24h issuer idp allows (iat 2025-10-19T12:10:00Z,"
                        + " exp 2026-11-23T13:10:00Z).");
        rejected.put(IDP.sign(new JWTClaimsSet.Builder(good).issueTime(null)
                        .expirationTime(Date.from(NOW.plus(Duration.ofHours(24)).plusSeconds(61))).build()),
                "The token is valid for longer than the 24h issuer idp allows (no iat, exp 2026-11-24T12:11:01Z).");
        rejected.put(IDP.sign(new JWTClaimsSet.Builder(good).notBeforeTime(Date.from(Instant.parse("+33658-09-27T01:46:40Z")))
                        .build()),
                "The token is not valid before +33658-09-27T01:46:40Z.");

        for (Map.Entry<String, String> token : rejected.entrySet()) {
            GatewayResponse response = gateway.handle(bearer("/either", "dev", token.getKey()));
            assertProblem(response, 401, token.getValue());
            assertThat(response.headers().all("www-authenticate")).startsWith(
                    "Bearer realm=\"tollgate\", error=\"invalid_token\", error_description=\"" + token.getValue() + "\"");
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void theIssuedAt_allowsTheClockSkew_andALifetimeOfExactlyTheMaximum_passes_perIssuer() throws Exception {
        String slightlyAhead = IDP.sign(new JWTClaimsSet.Builder(IDP.claims("u", "api-dev", NOW).build())
                .issueTime(Date.from(NOW.plusSeconds(60))).build());
        String aDay = IDP.sign(new JWTClaimsSet.Builder(IDP.claims("u", "api-dev", NOW).build())
                .expirationTime(Date.from(NOW.plus(Duration.ofHours(24)))).build());
        String aDayWithoutIat = IDP.sign(new JWTClaimsSet.Builder(IDP.claims("u", "api-dev", NOW).build())
                .issueTime(null).expirationTime(Date.from(NOW.plus(Duration.ofHours(24)).plusSeconds(60))).build());
        JWTClaimsSet partner = new JWTClaimsSet.Builder(PARTNER.claims("svc", "partner-api", NOW).build())
                .claim("client_id", "acme-sync").build();
        String twoHours = PARTNER.sign(new JWTClaimsSet.Builder(partner)
                .expirationTime(Date.from(NOW.plus(Duration.ofHours(2)))).build());
        String threeHours = PARTNER.sign(new JWTClaimsSet.Builder(partner)
                .expirationTime(Date.from(NOW.plus(Duration.ofHours(3)))).build());

        assertThat(gateway.handle(bearer("/either", "dev", slightlyAhead)).status()).isEqualTo(200);
        assertThat(gateway.handle(bearer("/either", "dev", aDay)).status()).isEqualTo(200);
        assertThat(gateway.handle(bearer("/either", "dev", aDayWithoutIat)).status()).isEqualTo(200);
        assertThat(gateway.handle(bearer("/either", "dev", twoHours)).status()).isEqualTo(200);
        assertProblem(gateway.handle(bearer("/either", "dev", threeHours)), 401,
                "The token is valid for longer than the 2h issuer partner allows (iat 2026-11-23T12:10:00Z,"
                        + " exp 2026-11-23T15:10:00Z).");
    }

    @Test
    void theAudience_followsTheStage() {
        String prod = IDP.sign(IDP.claims("user-7", "api-prod", NOW).build());

        assertThat(gateway.handle(bearer("/either", "prod", prod)).status()).isEqualTo(200);
    }

    @Test
    void anEcIssuer_withItsOwnConsumerClaim_namesTheConsumerAndItsPlan() {
        String partner = PARTNER.sign(new JWTClaimsSet.Builder(PARTNER.claims("svc", "partner-api", NOW).build())
                .claim("client_id", "acme-sync").build());

        assertThat(gateway.handle(bearer("/either", "dev", partner)).status()).isEqualTo(200);
        assertThat(backend.received().get(0).header("x-tollgate-consumer")).isEqualTo("partner:acme-sync");
        assertThat(backend.received().get(0).header("x-tollgate-plan")).isEqualTo("gold");
    }

    @Test
    void aPlanClaim_picksThePlan_andAnUnknownPlan_is403() throws Exception {
        String gold = IDP.sign(IDP.claims("user-7", "api-dev", NOW).claim("tier", "gold").build());
        String platinum = IDP.sign(IDP.claims("user-8", "api-dev", NOW).claim("tier", "platinum").build());

        GatewayResponse response = gateway.handle(bearer("/either", "dev", gold));
        assertThat(response.headers().first("ratelimit-limit")).contains("1000");
        assertProblem(gateway.handle(bearer("/either", "dev", platinum)), 403,
                "The token's tier claim names plan platinum, which this gateway does not have.");
    }

    @Test
    void aClaimTheBackendGetsAsAHeader_isTakenUpToItsBound_andRefusedPastIt() throws Exception {
        String longest = "u".repeat(JwtAuthenticator.MAX_NAME_CHARS);
        StringBuilder distinct = new StringBuilder();
        for (int i = 0; i < JwtAuthenticator.MAX_SCOPES_CHARS / 100; i++) {
            distinct.append("s%098d ".formatted(i));
        }
        String scopes = distinct + "t".repeat(95);

        assertThat(gateway.handle(bearer("/either", "dev", IDP.sign(IDP.claims(longest, "api-dev", NOW)
                .claim("scope", scopes).build()))).status()).isEqualTo(200);
        assertThat(backend.received().get(0).header("x-tollgate-subject")).isEqualTo(longest);
        assertProblem(gateway.handle(bearer("/either", "dev", IDP.sign(IDP.claims(longest + "u", "api-dev", NOW).build()))),
                401, "The token's sub claim is 257 characters long; the gateway takes at most 256.");
        assertProblem(gateway.handle(bearer("/either", "dev", IDP.sign(IDP.claims("user-7", "api-dev", NOW)
                .claim("scope", scopes + "ss").build()))), 401,
                "The token's scope claim is 4097 characters long; the gateway takes at most 4096.");
        assertThat(backend.received()).hasSize(1);
    }

    @Test
    void aRouteWithoutAuth_takesOnlyApiKeys() throws Exception {
        String token = IDP.sign(IDP.claims("user-7", "api-dev", NOW).build());

        assertProblem(gateway.handle(bearer("/keys-only", "dev", token)), 401,
                "This route needs an API key; send it in the x-api-key header.");
    }

    @Test
    void aPublicRoute_takesAnyone_uncounted() {
        GatewayResponse open = gateway.handle(get("/health", "dev", Headers.builder()));
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.headers().contains("ratelimit-limit")).isFalse();
        assertThat(backend.received().get(0).header("x-tollgate-consumer")).isNull();
    }

    @Test
    void aVerifiedToken_isCached_soItsSignatureIsNotCheckedAgain_butItsExpiryIs() {
        String token = IDP.sign(new JWTClaimsSet.Builder(IDP.claims("user-7", "api-dev", NOW).build())
                .expirationTime(Date.from(NOW.plus(Duration.ofMinutes(30)))).build());
        assertThat(gateway.handle(bearer("/either", "dev", token)).status()).isEqualTo(200);

        // The issuer drops key-1; after jwksMaxAge the gateway holds only key-2.
        jwks.serve("idp", ROTATED);
        clock.advance(Duration.ofMinutes(11));
        String fresh = IDP.sign(IDP.claims("user-8", "api-dev", clock.instant()).build());

        assertThat(gateway.handle(bearer("/either", "dev", fresh)).status()).isEqualTo(401);
        assertThat(gateway.handle(bearer("/either", "dev", token)).status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(21));
        assertThat(gateway.handle(bearer("/either", "dev", token)).status()).isEqualTo(401);
    }

    @Test
    void aTokenCachedOnARouteThatAcceptsItsIssuer_isStillRefused_onARouteThatDoesNot() throws Exception {
        String partner = PARTNER.sign(new JWTClaimsSet.Builder(PARTNER.claims("svc", "partner-api", NOW).build())
                .claim("client_id", "acme-sync").claim("scope", "reports:read").claim("tenant", "acme").build());
        assertThat(gateway.handle(bearer("/either", "dev", partner)).status()).isEqualTo(200);

        assertProblem(gateway.handle(bearer("/reports", "dev", partner)), 401,
                "Tokens of issuer https://partner.example.net are not accepted on this route.");
    }

    @Test
    void anUnknownKid_refetchesTheKeys_atMostOncePerRefreshInterval() {
        assertThat(gateway.handle(bearer("/either", "dev", IDP.sign(IDP.claims("u", "api-dev", NOW).build()))).status())
                .isEqualTo(200);
        jwks.serve("idp", IDP, ROTATED);
        String rotated = ROTATED.sign(ROTATED.claims("u", "api-dev", NOW).build());

        // Within the refresh interval of the first fetch, the new key is not looked for.
        assertThat(gateway.handle(bearer("/either", "dev", rotated)).status()).isEqualTo(401);
        clock.advance(Duration.ofSeconds(30));
        assertThat(gateway.handle(bearer("/either", "dev", rotated)).status()).isEqualTo(200);
        int fetches = jwks.fetches();
        for (int i = 0; i < 50; i++) {
            String kid = "forged-" + i;
            assertThat(gateway.handle(bearer("/either", "dev", IDP.sign(IDP.claims("u", "api-dev", NOW).build(),
                    h -> h.keyID(kid)))).status()).isEqualTo(401);
        }
        assertThat(jwks.fetches()).isEqualTo(fetches);
    }

    @Test
    void whenTheJwksEndpointFails_theKeysHeldKeepWorking_theFailureIsCounted_andWithNoKeysItIs503() throws Exception {
        String token = IDP.sign(IDP.claims("u", "api-dev", NOW).claim("n", 1).build());
        assertThat(gateway.handle(bearer("/either", "dev", token)).status()).isEqualTo(200);
        jwks.failing(true);
        clock.advance(Duration.ofMinutes(11));

        String another = IDP.sign(IDP.claims("u", "api-dev", clock.instant()).claim("n", 2).build());
        assertThat(gateway.handle(bearer("/either", "dev", another)).status()).isEqualTo(200);
        assertThat(gateway.jwksFailures()).isEqualTo(1);

        String partner = PARTNER.sign(new JWTClaimsSet.Builder(PARTNER.claims("svc", "partner-api", clock.instant()).build())
                .claim("client_id", "acme-sync").build());
        GatewayResponse unavailable = gateway.handle(bearer("/either", "dev", partner));
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(JSON.readTree(unavailable.body()).path("type").asText()).isEqualTo("urn:tollgate:problem:jwks-unavailable");
        assertThat(gateway.jwksFailures()).isEqualTo(2);
    }

    private static String hmacSigned(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("key-1").build(), claims);
            jwt.sign(new MACSigner("a-shared-secret-that-is-long-enough-for-hs256"));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static GatewayRequest bearer(String path, String stage, String token) {
        return get(path, stage, Headers.builder().set("authorization", "Bearer " + token));
    }

    private static GatewayRequest get(String path, String stage, Headers.Builder headers) {
        return new GatewayRequest("GET", path, "", headers.build(), null, "192.0.2.10", "https", stage, Map.of());
    }

    private static void assertProblem(GatewayResponse response, int status, String detail) throws Exception {
        assertThat(response.status()).isEqualTo(status);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("detail").asText()).isEqualTo(detail);
        assertThat(response.headers().first("content-type")).contains("application/problem+json");
    }
}
