package dev.tollgate.battery.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.tollgate.conformance.Answer;
import dev.tollgate.conformance.Call;
import dev.tollgate.conformance.Conformance;
import dev.tollgate.testing.TestIssuer;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The attack corpus, as data: every case a request of the conformance configuration's
 * ({@code src/test/resources/conformance/tollgate.yaml}) and what must hold. Most are refused: a 4xx
 * problem with the request id, the backend never reached. Header spoofing passes with a valid key, and
 * the backend sees only the gateway's values; path traversal is refused or stays within the route.
 */
final class AttackCorpus {

    static final String JWT = "jwt";
    static final String API_KEYS = "api keys";
    static final String SPOOFING = "header spoofing";
    static final String TRAVERSAL = "path traversal";

    private static final String KEY = "x-api-key";
    private static final String GOOD_KEY = "conformance-ok";
    private static final String ISSUER = "urn:tollgate:conformance";
    private static final String KID = "conformance-key";
    private static final Call ECHO = Call.get("/dev/echo");
    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final String NO_URI = "the Functions library hands the function a java.net.URI, which cannot hold this"
            + " target: such a request never reaches an Azure function";

    private AttackCorpus() {
    }

    static List<Attack> all(Conformance on) {
        List<Attack> all = new ArrayList<>();
        all.addAll(jwt(on));
        all.addAll(apiKeys());
        all.addAll(spoofing());
        all.addAll(traversal());
        return all.stream().map(AttackCorpus::withPlatformSkips).toList();
    }

    // JWT.

    private static List<Attack> jwt(Conformance on) {
        TestIssuer issuer = on.issuer;
        Instant now = on.now;
        JWTClaimsSet claims = issuer.claims("alice", Conformance.AUDIENCE, now).build();
        String valid = issuer.sign(claims);
        String[] parts = valid.split("\\.");
        String payload = claimsJson(now, "");
        TestIssuer attacker = TestIssuer.rsa(ISSUER, KID);
        RSAKey publicKey = (RSAKey) issuer.publicKey();
        List<Attack> attacks = new ArrayList<>();

        // Algorithm confusion: HMAC keyed with the RSA public key, however spelled.
        Map<String, byte[]> spellings = new java.util.LinkedHashMap<>();
        try {
            byte[] der = publicKey.toPublicKey().getEncoded();
            String pem = "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(der) + "\n-----END PUBLIC KEY-----";
            spellings.put("PEM", pem.getBytes(StandardCharsets.US_ASCII));
            spellings.put("PEM with a final newline", (pem + "\n").getBytes(StandardCharsets.US_ASCII));
            spellings.put("DER", der);
            spellings.put("JWK JSON", publicKey.toJSONString().getBytes(StandardCharsets.UTF_8));
            spellings.put("JWKS JSON", issuer.publicKeys().toString().getBytes(StandardCharsets.UTF_8));
            spellings.put("modulus", publicKey.getModulus().decode());
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
        for (String alg : List.of("HS256", "HS384", "HS512")) {
            spellings.forEach((spelling, secret) -> attacks.add(refused(JWT, "alg confusion: " + alg + " keyed with the RSA public key ("
                    + spelling + ")", bearer(hmac(alg, "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"" + KID + "\"}", payload, secret)))));
        }
        attacks.add(refused(JWT, "alg confusion: ES256 in the header over an RSA signature",
                bearer(b64("{\"alg\":\"ES256\",\"kid\":\"" + KID + "\"}") + "." + parts[1] + "." + parts[2])));
        attacks.add(refused(JWT, "alg confusion: PS256 in the header over an RS256 signature",
                bearer(b64("{\"alg\":\"PS256\",\"kid\":\"" + KID + "\"}") + "." + parts[1] + "." + parts[2])));

        // Unsigned tokens, however alg none is spelled.
        for (String none : List.of("none", "None", "NONE", "nOnE")) {
            String header = b64("{\"alg\":\"" + none + "\",\"typ\":\"JWT\"}");
            attacks.add(refused(JWT, "alg " + none + ": no signature", bearer(header + "." + parts[1] + ".")));
            attacks.add(refused(JWT, "alg " + none + ": a valid token's signature kept", bearer(header + "." + parts[1] + "." + parts[2])));
        }
        attacks.add(refused(JWT, "alg missing", bearer(b64("{\"typ\":\"JWT\"}") + "." + parts[1] + "." + parts[2])));
        attacks.add(refused(JWT, "alg empty", bearer(b64("{\"alg\":\"\"}") + "." + parts[1] + "." + parts[2])));

        // Keys named or embedded by the token: never fetched, never used.
        URI elsewhere = URI.create("http://127.0.0.1:1/jwks.json");
        List<Base64> chain = List.of(Base64.encode(publicKeyDer(attacker)));
        Map<String, UnaryOperator<com.nimbusds.jose.JWSHeader.Builder>> embedded = new java.util.LinkedHashMap<>();
        embedded.put("jku", header -> header.jwkURL(elsewhere));
        embedded.put("x5u", header -> header.x509CertURL(elsewhere));
        embedded.put("jwk", header -> header.jwk(attacker.publicKey()));
        embedded.put("jwk without kid", header -> header.keyID(null).jwk(attacker.publicKey()));
        embedded.put("x5c", header -> header.x509CertChain(chain));
        embedded.put("jku, x5u, jwk and x5c at once", header -> header.jwkURL(elsewhere).x509CertURL(elsewhere)
                .jwk(attacker.publicKey()).x509CertChain(chain));
        embedded.forEach((what, header) -> attacks.add(refused(JWT, what + ": signed by the key it names, not the issuer's",
                bearer(attacker.sign(claims, header)))));

        // kid injection, with the issuer's own signature.
        Map<String, String> kids = new java.util.LinkedHashMap<>();
        kids.put("path traversal", "../../../../../../etc/passwd");
        kids.put("SQL-ish", KID + "' OR '1'='1");
        kids.put("very long", "k".repeat(4096));
        kids.put("unknown", "no-such-key");
        kids.put("control bytes", KID + "\u0000\r\n");
        kids.forEach((what, kid) -> attacks.add(refused(JWT, "kid " + what, bearer(issuer.sign(claims, header -> header.keyID(kid))))));

        // Malleable signatures: only the signature the issuer wrote, in its one spelling.
        byte[] signature = new Base64URL(parts[2]).decode();
        byte[] longer = java.util.Arrays.copyOf(signature, signature.length + 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        String last = parts[2].substring(parts[2].length() - 1);
        String otherLast = String.valueOf(alphabet.charAt(alphabet.indexOf(last) ^ 1));
        attacks.add(refused(JWT, "signature padded with '='", bearer(valid + "=")));
        attacks.add(refused(JWT, "signature padded with '=='", bearer(valid + "==")));
        attacks.add(refused(JWT, "signature with a trailing byte", bearer(parts[0] + "." + parts[1] + "." + Base64URL.encode(longer))));
        attacks.add(refused(JWT, "signature's last character with other unused bits (same bytes)",
                bearer(parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 1) + otherLast)));
        attacks.add(refused(JWT, "signature in base64 (+/) rather than base64url",
                bearer(parts[0] + "." + parts[1] + "." + java.util.Base64.getEncoder().encodeToString(signature))));
        attacks.add(refused(JWT, "signature stripped, dot kept", bearer(parts[0] + "." + parts[1] + ".")));
        attacks.add(refused(JWT, "signature stripped, dot too", bearer(parts[0] + "." + parts[1])));
        attacks.add(refused(JWT, "another token's signature",
                bearer(parts[0] + "." + parts[1] + "." + issuer.sign(issuer.claims("bob", Conformance.AUDIENCE, now).build()).split("\\.")[2])));
        attacks.add(refused(JWT, "payload padded with '='", bearer(parts[0] + "." + parts[1] + "=." + parts[2])));

        // Lifetimes.
        attacks.add(refused(JWT, "expired", bearer(issuer.sign(issuer.claims("alice", Conformance.AUDIENCE, now)
                .issueTime(Date.from(now.minus(Duration.ofHours(2)))).expirationTime(Date.from(now.minus(Duration.ofHours(1)))).build()))));
        attacks.add(refused(JWT, "nbf in the future", bearer(issuer.sign(issuer.claims("alice", Conformance.AUDIENCE, now)
                .notBeforeTime(Date.from(now.plus(Duration.ofMinutes(10)))).build()))));
        attacks.add(refused(JWT, "iat in the future", bearer(issuer.sign(issuer.claims("alice", Conformance.AUDIENCE, now)
                .issueTime(Date.from(now.plus(Duration.ofMinutes(10)))).build()))));
        attacks.add(refused(JWT, "exp missing", bearer(issuer.sign(issuer.claims("alice", Conformance.AUDIENCE, now)
                .expirationTime(null).build()))));
        attacks.add(refused(JWT, "exp a thousand years ahead", bearer(issuer.sign(issuer.claims("alice", Conformance.AUDIENCE, now)
                .expirationTime(Date.from(now.plus(Duration.ofDays(365_000)))).build()))));

        // Duplicate members, signed by the issuer: never read the permissive one.
        String header = "{\"alg\":\"RS256\",\"kid\":\"" + KID + "\"}";
        long in = now.getEpochSecond();
        attacks.add(refused(JWT, "two sub claims", bearer(issuer.signRaw(header, claimsJson(now, ",\"sub\":\"mallory\"")))));
        attacks.add(refused(JWT, "two exp claims, the later last", bearer(issuer.signRaw(header,
                "{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"aud\":\"conformance-api\",\"iat\":" + (in - 7200) + ",\"exp\":"
                        + (in - 3600) + ",\"exp\":" + (in + 3600) + "}"))));
        attacks.add(refused(JWT, "two exp claims, the later first", bearer(issuer.signRaw(header,
                "{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"aud\":\"conformance-api\",\"iat\":" + (in - 7200) + ",\"exp\":"
                        + (in + 3600) + ",\"exp\":" + (in - 3600) + "}"))));
        attacks.add(refused(JWT, "two iss claims, the accepted one last", bearer(issuer.signRaw(header,
                "{\"iss\":\"urn:tollgate:elsewhere\",\"sub\":\"alice\",\"aud\":\"conformance-api\",\"iat\":" + in + ",\"exp\":"
                        + (in + 3600) + ",\"iss\":\"" + ISSUER + "\"}"))));
        attacks.add(refused(JWT, "two alg members in the header, none first",
                bearer(issuer.signRaw("{\"alg\":\"none\",\"alg\":\"RS256\",\"kid\":\"" + KID + "\"}", payload))));

        // Issuer and audience.
        attacks.add(refused(JWT, "another iss, the issuer's own key", bearer(issuer.sign(issuer.claims("alice", Conformance.AUDIENCE, now)
                .issuer("urn:tollgate:elsewhere").build()))));
        attacks.add(refused(JWT, "iss differing in case", bearer(issuer.sign(issuer.claims("alice", Conformance.AUDIENCE, now)
                .issuer(ISSUER.toUpperCase(Locale.ROOT)).build()))));
        attacks.add(refused(JWT, "another aud", bearer(issuer.sign(issuer.claims("alice", "another-api", now).build()))));
        attacks.add(refused(JWT, "aud an array of others", bearer(issuer.sign(issuer.claims("alice", Conformance.AUDIENCE, now)
                .audience(List.of("another-api", "a-third-api")).build()))));
        attacks.add(refused(JWT, "aud an empty array", bearer(issuer.sign(issuer.claims("alice", Conformance.AUDIENCE, now)
                .audience(List.<String>of()).build()))));
        attacks.add(refused(JWT, "aud missing", bearer(issuer.sign(issuer.claims("alice", Conformance.AUDIENCE, now)
                .audience((String) null).build()))));
        // RFC 7519 4.1.3: a token may name several audiences; it is ours when one of them is ours.
        attacks.add(new Attack(JWT, "aud an array with ours among others: accepted (RFC 7519 4.1.3), as alice",
                bearer(issuer.sign(issuer.claims("alice", Conformance.AUDIENCE, now)
                        .audience(List.of("another-api", Conformance.AUDIENCE)).build())), (answer, backend) -> {
                    assertThat(answer.status()).as("status of %s", answer).isEqualTo(200);
                    assertThat(received(answer, "x-tollgate-subject")).as("subject in %s", answer).containsExactly("alice");
                }));
        return attacks;
    }

    private static String claimsJson(Instant now, String more) {
        long in = now.getEpochSecond();
        return "{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"aud\":\"conformance-api\",\"iat\":" + in + ",\"exp\":" + (in + 3600)
                + more + "}";
    }

    private static byte[] publicKeyDer(TestIssuer issuer) {
        try {
            return ((RSAKey) issuer.publicKey()).toPublicKey().getEncoded();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hmac(String alg, String header, String payload, byte[] secret) {
        String input = b64(header) + "." + b64(payload);
        try {
            String jca = "Hmac" + alg.replace("HS", "SHA");
            Mac mac = Mac.getInstance(jca);
            mac.init(new SecretKeySpec(secret, jca));
            return input + "." + Base64URL.encode(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Call bearer(String token) {
        return ECHO.header("authorization", "Bearer " + token);
    }

    // API keys.

    private static List<Attack> apiKeys() {
        List<Attack> attacks = new ArrayList<>();
        Map<String, String> lookAlikes = new java.util.LinkedHashMap<>();
        lookAlikes.put("upper case", GOOD_KEY.toUpperCase(Locale.ROOT));
        lookAlikes.put("one letter's case", "Conformance-ok");
        lookAlikes.put("a Greek omicron for o", "c\u03bfnformance-ok");
        lookAlikes.put("a Cyrillic a for o", "conf\u043ermance-ok");
        lookAlikes.put("a fullwidth hyphen", "conformance\uff0dok");
        lookAlikes.put("a zero-width space inside", "conformance\u200b-ok");
        lookAlikes.put("a zero-width joiner at the end", GOOD_KEY + "\u200d");
        lookAlikes.put("a byte-order mark first", "\ufeff" + GOOD_KEY);
        lookAlikes.put("a NUL at the end", GOOD_KEY + "\u0000");
        lookAlikes.put("a NUL inside", "conformance\u0000-ok");
        lookAlikes.put("a control byte (0x01) at the end", GOOD_KEY + "\u0001");
        lookAlikes.put("DEL at the end", GOOD_KEY + "\u007f");
        lookAlikes.put("the key twice, comma-separated", GOOD_KEY + ", " + GOOD_KEY);
        lookAlikes.put("the key twice, no space", GOOD_KEY + "," + GOOD_KEY);
        lookAlikes.put("the key and another", GOOD_KEY + ", no-such-key");
        lookAlikes.put("another and the key", "no-such-key, " + GOOD_KEY);
        lookAlikes.put("the key with a prefix", "ApiKey " + GOOD_KEY);
        lookAlikes.put("a prefix of the key", "conformance-o");
        lookAlikes.put("the key's SHA-256", dev.tollgate.policy.auth.apikey.ApiKeyHash.sha256Hex(GOOD_KEY));
        lookAlikes.forEach((what, value) -> attacks.add(refused(API_KEYS, "look-alike: " + what, ECHO.header(KEY, value))));
        // RFC 9110 5.5: whitespace around a field value is not part of it; HTTP servers strip it before anyone reads it.
        for (String[] padded : new String[][] {{"a trailing space", GOOD_KEY + " "}, {"a trailing tab", GOOD_KEY + "\t"},
                {"a leading space", " " + GOOD_KEY}}) {
            attacks.add(new Attack(API_KEYS, "the key with " + padded[0] + ": the key itself (RFC 9110 5.5) or refused",
                    ECHO.header(KEY, padded[1]), AttackCorpus::theKeyItselfOrRefused));
        }
        attacks.add(refused(API_KEYS, "two x-api-key fields, both the key", ECHO.header(KEY, GOOD_KEY).header(KEY, GOOD_KEY)));
        attacks.add(refused(API_KEYS, "two x-api-key fields, the key first", ECHO.header(KEY, GOOD_KEY).header(KEY, "no-such-key")));
        attacks.add(refused(API_KEYS, "two x-api-key fields, the key last", ECHO.header(KEY, "no-such-key").header(KEY, GOOD_KEY)));
        attacks.add(refused(API_KEYS, "two x-api-key fields, spelled differently", ECHO.header("X-API-KEY", "no-such-key")
                .header(KEY, GOOD_KEY)));
        attacks.add(refused(API_KEYS, "in the query as api_key", ECHO.query("api_key=" + GOOD_KEY)));
        attacks.add(refused(API_KEYS, "in the query as x-api-key", ECHO.query("x-api-key=" + GOOD_KEY)));
        attacks.add(refused(API_KEYS, "in the query as key", ECHO.query("key=" + GOOD_KEY)));
        attacks.add(refused(API_KEYS, "in a cookie named x-api-key", ECHO.header("cookie", "x-api-key=" + GOOD_KEY)));
        attacks.add(refused(API_KEYS, "in a cookie named api_key", ECHO.header("cookie", "api_key=" + GOOD_KEY)));
        attacks.add(refused(API_KEYS, "in x_api_key (underscore)", ECHO.header("x_api_key", GOOD_KEY)));
        attacks.add(refused(API_KEYS, "in api-key", ECHO.header("api-key", GOOD_KEY)));
        attacks.add(refused(API_KEYS, "as a bearer token", ECHO.header("authorization", "Bearer " + GOOD_KEY)));
        attacks.add(refused(API_KEYS, "as Basic credentials", ECHO.header("authorization", "Basic "
                + java.util.Base64.getEncoder().encodeToString((GOOD_KEY + ":").getBytes(StandardCharsets.US_ASCII)))));
        attacks.add(refused(API_KEYS, "another stage's key (prod's on dev)", ECHO.header(KEY, "conformance-prod")));
        return attacks;
    }

    /** Whitespace around a key: accepted as that very key, or refused; never another consumer. */
    static void theKeyItselfOrRefused(Answer answer, List<String> backend) {
        if (answer.status() == 200) {
            assertThat(received(answer, "x-tollgate-consumer")).as("consumer in %s", answer).containsExactly(GOOD_KEY);
            assertThat(backend).as("backend requests").hasSize(1);
        } else {
            refusedAnswer(answer, backend);
        }
    }

    // Header spoofing.

    /** The managed headers and a caller's value for each that the gateway must not pass on as its own. */
    private static final Map<String, String> MANAGED = managed();

    private static Map<String, String> managed() {
        Map<String, String> managed = new java.util.LinkedHashMap<>();
        managed.put("x-tollgate-consumer", "admin");
        managed.put("x-tollgate-plan", "unlimited");
        managed.put("x-tollgate-subject", "root");
        managed.put("x-tollgate-scopes", "admin:all");
        managed.put("x-tollgate-tenant", "globex");
        managed.put("x-forwarded-for", "6.6.6.6");
        managed.put("x-forwarded-proto", "gopher");
        managed.put("x-forwarded-host", "evil.example");
        managed.put("x-forwarded-port", "8443");
        managed.put("x-forwarded-prefix", "/evil");
        managed.put("forwarded", "for=6.6.6.6;host=evil.example;proto=gopher");
        managed.put("x-real-ip", "6.6.6.6");
        managed.put("true-client-ip", "6.6.6.6");
        managed.put("x-client-ip", "6.6.6.6");
        managed.put("client-ip", "6.6.6.6");
        managed.put("x-cluster-client-ip", "6.6.6.6");
        managed.put("cf-connecting-ip", "6.6.6.6");
        managed.put("x-request-id", "../spoofed<id>");
        managed.put("traceparent", "00-00000000000000000000000000000000-0000000000000000-01");
        managed.put("x-amzn-trace-id", "Root=spoofed");
        return managed;
    }

    private static List<Attack> spoofing() {
        List<Attack> attacks = new ArrayList<>();
        Call keyed = ECHO.header(KEY, GOOD_KEY);
        MANAGED.forEach((name, value) -> {
            Map<String, String> spellings = new java.util.LinkedHashMap<>();
            spellings.put("as is", name);
            spellings.put("upper case", name.toUpperCase(Locale.ROOT));
            spellings.put("mixed case", mixedCase(name));
            if (name.contains("-")) {
                spellings.put("_ for -", name.replace('-', '_'));
                spellings.put("_ for -, upper case", name.replace('-', '_').toUpperCase(Locale.ROOT));
            }
            spellings.forEach((spelling, spelled) -> attacks.add(new Attack(SPOOFING, name + " " + spelling,
                    keyed.header(spelled, value), AttackCorpus::onlyTheGatewaysValues)));
            attacks.add(new Attack(SPOOFING, name + " twice", keyed.header(name, value).header(mixedCase(name), value),
                    AttackCorpus::onlyTheGatewaysValues));
            attacks.add(new Attack(SPOOFING, name + " with a space before the colon", keyed.header(name + " ", value),
                    AttackCorpus::onlyTheGatewaysValuesOrRefused));
            attacks.add(new Attack(SPOOFING, name + " with a space before its name", keyed.header(" " + name, value),
                    AttackCorpus::onlyTheGatewaysValuesOrRefused));
        });
        return attacks;
    }

    private static String mixedCase(String name) {
        StringBuilder mixed = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            mixed.append(i % 2 == 0 ? Character.toUpperCase(name.charAt(i)) : name.charAt(i));
        }
        return mixed.toString();
    }

    /** The backend saw the call with the key's identity and the gateway's values of every managed header, none of the caller's. */
    static void onlyTheGatewaysValues(Answer answer, List<String> backend) {
        assertThat(answer.status()).as("status of %s", answer).isEqualTo(200);
        JsonNode headers = answer.json().path("headers");
        List<String> names = new ArrayList<>();
        headers.fieldNames().forEachRemaining(names::add);
        assertThat(names).as("the backend's header names in %s", answer).noneMatch(name -> name.contains("_"))
                .noneMatch(name -> name.isBlank() || !name.equals(name.strip()))
                .doesNotContain("forwarded", "x-tollgate-subject", "x-tollgate-scopes", "x-tollgate-tenant", "x-forwarded-port",
                        "x-forwarded-prefix", "true-client-ip", "x-client-ip", "client-ip", "x-cluster-client-ip",
                        "cf-connecting-ip");
        assertThat(received(answer, "x-real-ip")).as("x-real-ip in %s", answer).hasSize(1).doesNotContain("6.6.6.6");
        assertThat(received(answer, "x-tollgate-consumer")).as("consumer in %s", answer).containsExactly(GOOD_KEY);
        assertThat(received(answer, "x-tollgate-plan")).as("plan in %s", answer).containsExactly("open");
        assertThat(received(answer, "x-request-id")).as("request id in %s", answer).containsExactly(answer.header("x-request-id"));
        assertThat(received(answer, "traceparent")).as("traceparent in %s", answer).hasSize(1)
                .allMatch(value -> TRACEPARENT.matcher(value).matches() && !value.contains("00000000000000000000000000000000"));
        assertThat(received(answer, "x-forwarded-proto")).as("x-forwarded-proto in %s", answer).hasSize(1).doesNotContain("gopher");
        assertThat(received(answer, "x-forwarded-host")).as("x-forwarded-host in %s", answer).hasSizeLessThanOrEqualTo(1)
                .doesNotContain("evil.example");
        List<String> forwardedFor = received(answer, "x-forwarded-for");
        assertThat(forwardedFor).as("x-forwarded-for in %s", answer).hasSize(1);
        String[] hops = forwardedFor.get(0).split(",");
        assertThat(hops[hops.length - 1].strip()).as("the last hop of x-forwarded-for in %s (the caller's own address)", answer)
                .isNotEqualTo("6.6.6.6");
        // The caller's sane X-Amzn-Trace-Id is kept, as its valid traceparent is (TraceContext): correlation, not identity.
        assertThat(received(answer, "x-amzn-trace-id")).as("x-amzn-trace-id in %s", answer).hasSizeLessThanOrEqualTo(1);
        assertThat(backend).as("backend requests").hasSize(1);
    }

    /** A name with spaces around it: HTTP refuses it (RFC 9112 5.1) where the transport carries it; otherwise as above. */
    static void onlyTheGatewaysValuesOrRefused(Answer answer, List<String> backend) {
        if (answer.status() == 400) {
            assertThat(backend).as("backend requests").isEmpty();
        } else {
            onlyTheGatewaysValues(answer, backend);
        }
    }

    private static List<String> received(Answer answer, String name) {
        List<String> values = new ArrayList<>();
        answer.json().path("headers").path(name).forEach(value -> values.add(value.asText()));
        return values;
    }

    // Path traversal.

    private static List<Attack> traversal() {
        List<Attack> attacks = new ArrayList<>();
        Map<String, String> items = new java.util.LinkedHashMap<>();
        items.put("../", "../../echo");
        items.put("%2e%2e/", "%2e%2e/%2e%2e/echo");
        items.put("%2E%2E/ (upper-case escapes)", "%2E%2E/%2E%2E/echo");
        items.put(".%2e/ (mixed)", ".%2e/.%2E/echo");
        items.put("%2e./", "%2e./%2e./echo");
        items.put("..%2f", "..%2f..%2fecho");
        items.put("..%2F", "..%2F..%2Fecho");
        items.put("%2e%2e%2f", "%2e%2e%2f%2e%2e%2fecho");
        items.put("%252e%252e%252f (double-encoded)", "%252e%252e%252f%252e%252e%252fecho");
        items.put("%25%32%65 (double-encoded digits)", "%25%32%65%25%32%65%25%32%66echo");
        items.put("a%2f (an encoded slash)", "a%2fb");
        items.put("..\\ (backslash)", "..\\..\\echo");
        items.put("..%5c", "..%5c..%5cecho");
        items.put("%2e%2e%5c", "%2e%2e%5c%2e%2e%5cecho");
        items.put("%c0%ae%c0%ae/ (overlong UTF-8)", "%c0%ae%c0%ae/%c0%ae%c0%ae/echo");
        items.put("%c0%af (overlong slash)", "..%c0%af..%c0%afecho");
        items.put("%e0%80%ae (3-byte overlong dot)", "%e0%80%ae%e0%80%ae/echo");
        items.put("..;/ (path parameter)", "..;/..;/echo");
        items.put("a;x=../../ (path parameter)", "a;x=/../../echo");
        items.put("%2e%2e%3b/", "%2e%2e%3b/%2e%2e%3b/echo");
        items.put("./ then ../", "./../../echo");
        items.put("%00 then ../", "a%00/../../echo");
        items.put("// then ../", "a//../../../echo");
        items.forEach((what, tail) -> attacks.add(new Attack(TRAVERSAL, "/api/items/" + what, Call.get("/dev/api/items/" + tail),
                confinedTo("/items/"))));
        Map<String, String> open = new java.util.LinkedHashMap<>();
        open.put("../ from a public route to a keyed one", "/dev/public/../echo");
        open.put("%2e%2e/ from a public route", "/dev/public/%2e%2e/echo");
        open.put("..%2f from a public route", "/dev/public/..%2fecho");
        open.put("..;/ from a public route", "/dev/public/..;/echo");
        open.put("\\..\\ from a public route", "/dev/public\\..\\echo");
        open.put("../ out of the stage into another", "/dev/../prod/public");
        open.put("%2e%2e/ out of the stage", "/dev/%2e%2e/prod/public");
        open.put("../ past the root", "/dev/../../../../public");
        open.forEach((what, path) -> attacks.add(new Attack(TRAVERSAL, what, Call.get(path), confinedTo("/public"))));
        return attacks;
    }

    /**
     * Refused (a 4xx problem, no backend request), or answered by the backend at a path inside {@code prefix}
     * that, decoded once, holds no dot segment, no backslash and no escape of either.
     */
    private static Attack.Check confinedTo(String prefix) {
        return (answer, backend) -> {
            if (answer.status() >= 400 && answer.status() < 500) {
                refusedAnswer(answer, backend);
                return;
            }
            assertThat(answer.status()).as("status of %s", answer).isEqualTo(200);
            assertThat(backend).as("backend requests for %s", answer).isNotEmpty();
            for (String request : backend) {
                String path = request.substring(request.indexOf(' ') + 1).split("\\?", 2)[0];
                String once = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
                assertThat(path).as("the backend's path").startsWith(prefix);
                assertThat(once).as("the backend's path, decoded once (%s)", path).startsWith(prefix).doesNotContain("\\")
                        .doesNotContain("/../").doesNotContain("/./").doesNotEndWith("/..");
                assertThat(once.substring(prefix.length())).as("below %s (%s)", prefix, path).doesNotContain("/")
                        .isNotEqualTo("..").isNotEqualTo(".");
            }
        };
    }

    // Refusals.

    private static Attack refused(String family, String name, Call call) {
        return new Attack(family, name, call, AttackCorpus::refusedAnswer);
    }

    /** A 4xx problem whose request id is the answer's {@code X-Request-Id}, and no request reached a backend. */
    static void refusedAnswer(Answer answer, List<String> backend) {
        assertThat(answer.status()).as("status of %s", answer).isBetween(400, 499);
        assertThat(answer.header("content-type")).as("content-type of %s", answer).startsWith("application/problem+json");
        assertThat(answer.json().path("status").asInt()).as("problem status of %s", answer).isEqualTo(answer.status());
        assertThat(answer.json().path("requestId").asText()).as("problem's requestId of %s", answer)
                .isNotEmpty().isEqualTo(answer.header("x-request-id"));
        assertThat(backend).as("backend requests while %s was answered", answer).isEmpty();
    }

    /** Targets the Functions library's {@link URI} cannot hold never reach an Azure function. */
    private static Attack withPlatformSkips(Attack attack) {
        Call call = attack.call();
        int stage = call.path().indexOf('/', 1);
        try {
            URI.create("https://x" + (stage < 0 ? "/" : call.path().substring(stage)) + (call.query().isEmpty() ? "" : "?" + call.query()));
            return attack;
        } catch (IllegalArgumentException e) {
            return attack.skipOn("azure-function", NO_URI);
        }
    }
}
