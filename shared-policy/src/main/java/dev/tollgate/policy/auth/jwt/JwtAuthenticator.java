package dev.tollgate.policy.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.config.Durations;
import dev.tollgate.config.StageConfig;
import dev.tollgate.policy.auth.CredentialRejectedException;
import dev.tollgate.policy.auth.Identity;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import dev.tollgate.problem.AccessDeniedException;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Authenticates a bearer token: a JWS signed by a trusted issuer's key (RSA or EC, with an allowed
 * algorithm; never {@code none}, never HMAC), from an issuer the route accepts, for this stage's
 * audience, within its {@code nbf}/{@code exp} give or take the issuer's clock skew, issued no later
 * than now (its {@code iat}, give or take the skew) and valid for no longer than the issuer's
 * {@code maxTokenLifetime}. Verified
 * signatures are cached per token until it expires, so a warm function verifies a token once.
 */
public final class JwtAuthenticator {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    /** The longest consumer and {@code sub} claims taken: an API key's consumer has at most 128 characters. */
    static final int MAX_NAME_CHARS = 256;
    /** The longest scopes taken, space separated. */
    static final int MAX_SCOPES_CHARS = 4096;
    /**
     * A compact JWT: base64url parts between dots, nothing else. The JWT library's decoder skips what is not
     * base64url, so a valid token with a character slipped into its signature would pass as another token.
     */
    private static final Pattern COMPACT = Pattern.compile("[A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]*)*");

    private final JwtConfig jwt;
    private final Set<String> plans;
    private final Map<String, JwksCache> keys = new HashMap<>();
    private final VerifiedTokenCache verified;
    private final AtomicLong jwksFailures = new AtomicLong();

    /**
     * @param jwt    the trusted issuers
     * @param plans  the names of the plans a token's plan claim may name
     * @param source where issuers' keys come from
     */
    public JwtAuthenticator(JwtConfig jwt, Set<String> plans, JwksSource source) {
        this.jwt = jwt;
        this.plans = Set.copyOf(plans);
        for (JwtIssuerConfig issuer : jwt.issuers().values()) {
            keys.put(issuer.name(), new JwksCache(issuer, source, jwksFailures));
        }
        this.verified = new VerifiedTokenCache(jwt.tokenCacheSize());
    }

    /** Fetches of an issuer's keys that failed in this instance. */
    public long jwksFailures() {
        return jwksFailures.get();
    }

    /**
     * @param token          the bearer token as sent
     * @param issuers        the names of the issuers the route accepts
     * @param stageVariables the request's stage variables, which audiences may name
     * @param now            when the request arrived
     */
    public Identity authenticate(String token, List<String> issuers, Map<String, String> stageVariables, Instant now)
            throws CredentialRejectedException {
        String hash = ApiKeyHash.sha256Hex(token);
        Optional<VerifiedTokenCache.Entry> cached = verified.get(hash, now);
        JwtIssuerConfig issuer;
        JWTClaimsSet claims;
        if (cached.isPresent()) {
            issuer = jwt.issuer(cached.get().issuerName()).orElseThrow();
            claims = cached.get().claims();
            if (!issuers.contains(issuer.name())) {
                throw notAccepted(issuer.issuer());
            }
        } else {
            SignedJWT jwt = parse(token);
            claims = claimsOf(jwt);
            issuer = issuerOf(claims, issuers);
            verifySignature(jwt, issuer, now);
            Date expiry = claims.getExpirationTime();
            if (expiry != null) {
                verified.put(hash, new VerifiedTokenCache.Entry(issuer.name(), claims,
                        expiry.toInstant().plus(issuer.clockSkew())));
            }
        }
        checkClaims(claims, issuer, stageVariables, now);
        return identity(claims, issuer);
    }

    private static SignedJWT parse(String token) throws CredentialRejectedException {
        String[] parts = token.split("\\.", -1);
        if (!COMPACT.matcher(token).matches()
                || parts.length == 3 && !Arrays.stream(parts).allMatch(JwtAuthenticator::canonicalBase64Url)) {
            throw CredentialRejectedException.badToken("The bearer token is not a JWS in compact form: each of its three"
                    + " parts is base64url without padding, in its one spelling (RFC 7515).");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw CredentialRejectedException.badToken("The bearer token is not a JWT.");
        }
        if (jwt instanceof PlainJWT) {
            throw CredentialRejectedException.badToken("Unsigned tokens (alg none) are never accepted.");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw CredentialRejectedException.badToken("Encrypted tokens are not accepted; send a signed JWT.");
        }
        return signed;
    }

    /**
     * Whether a part is base64url (RFC 7515 2) as its bytes encode: the parser skips padding and any other
     * character, and ignores a last character's unused bits, so a token could otherwise be sent in many
     * spellings, each a token the issuer never wrote, each a miss of the verified-token cache.
     */
    private static boolean canonicalBase64Url(String part) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return Base64URL.encode(new Base64URL(part).decode()).toString().equals(part);
    }

    private static JWTClaimsSet claimsOf(SignedJWT jwt) throws CredentialRejectedException {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw CredentialRejectedException.badToken("The token's claims are not a valid JWT claims set.");
        }
    }

    /** The issuer the token claims, if the route accepts it; its key must then have signed the token. */
    private JwtIssuerConfig issuerOf(JWTClaimsSet claims, List<String> accepted) throws CredentialRejectedException {
        String iss = claims.getIssuer();
        if (iss == null) {
            throw CredentialRejectedException.badToken("The token has no iss claim.");
        }
        for (String name : accepted) {
            JwtIssuerConfig issuer = jwt.issuer(name).orElseThrow();
            if (issuer.issuer().equals(iss)) {
                return issuer;
            }
        }
        throw notAccepted(iss);
    }

    private static CredentialRejectedException notAccepted(String iss) {
        return CredentialRejectedException.badToken("Tokens of issuer " + iss + " are not accepted on this route.");
    }

    private void verifySignature(SignedJWT jwt, JwtIssuerConfig issuer, Instant now) throws CredentialRejectedException {
        JWSHeader header = jwt.getHeader();
        JWSAlgorithm algorithm = header.getAlgorithm();
        if (!issuer.algorithms().contains(algorithm.getName())) {
            throw CredentialRejectedException.badToken("Tokens signed with " + algorithm + " are not accepted from issuer "
                    + issuer.name() + " (accepted: " + String.join(", ", new TreeSet<>(issuer.algorithms())) + ").");
        }
        JwksCache cache = keys.get(issuer.name());
        List<JWK> candidates = select(cache.current(now), header);
        if (candidates.isEmpty() && header.getKeyID() != null) {
            candidates = select(cache.afterUnknownKey(now), header);
        }
        if (candidates.isEmpty()) {
            throw CredentialRejectedException.badToken("No key of issuer " + issuer.name() + " matches the token"
                    + (header.getKeyID() == null ? " (it names no kid)." : " (kid " + shown(header.getKeyID()) + ")."));
        }
        for (JWK key : candidates) {
            try {
                if (jwt.verify(Verifiers.FACTORY.createJWSVerifier(header, cache.publicKey(key)))) {
                    return;
                }
            } catch (JOSEException | ClassCastException e) {
                // A key that cannot verify this algorithm is no match; the next one may be.
            }
        }
        throw CredentialRejectedException.badToken("The token's signature is not valid.");
    }

    /** Loaded with the first token, so that a function serving only API keys does not pay for it at cold start. */
    private static final class Verifiers {
        static final DefaultJWSVerifierFactory FACTORY = new DefaultJWSVerifierFactory();
    }

    /** Keys of the header's type, kid, algorithm and curve, meant for signatures. */
    private static List<JWK> select(JWKSet keys, JWSHeader header) {
        return new JWKSelector(JWKMatcher.forJWSHeader(header)).select(keys);
    }

    private static void checkClaims(JWTClaimsSet claims, JwtIssuerConfig issuer, Map<String, String> stageVariables,
                                    Instant now) throws CredentialRejectedException {
        Date expiry = claims.getExpirationTime();
        if (expiry == null) {
            throw CredentialRejectedException.badToken("The token has no exp claim; tokens must expire.");
        }
        if (now.isAfter(expiry.toInstant().plus(issuer.clockSkew()))) {
            throw CredentialRejectedException.badToken("The token expired at " + expiry.toInstant() + ".");
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && now.isBefore(notBefore.toInstant().minus(issuer.clockSkew()))) {
            throw CredentialRejectedException.badToken("The token is not valid before " + notBefore.toInstant() + ".");
        }
        checkLifetime(claims.getIssueTime(), expiry.toInstant(), issuer, now);
        Set<String> expected = audiences(issuer, stageVariables);
        List<String> audience = claims.getAudience();
        if (audience.stream().noneMatch(expected::contains)) {
            throw CredentialRejectedException.badToken("The token is not meant for this stage (its aud: "
                    + (audience.isEmpty() ? "none" : String.join(", ", audience)) + "; expected: "
                    + String.join(", ", expected) + ").");
        }
    }

    /**
     * A token issued in the future was not issued by a clock in step with ours; one valid for longer
     * than the issuer's {@code maxTokenLifetime} (until the year 33658, say) would outlive any key
     * rotation or revocation. Without an {@code iat}, its lifetime is counted from now.
     */
    private static void checkLifetime(Date issuedAt, Instant expiry, JwtIssuerConfig issuer, Instant now)
            throws CredentialRejectedException {
        if (issuedAt != null && issuedAt.toInstant().isAfter(now.plus(issuer.clockSkew()))) {
            throw CredentialRejectedException.badToken("The token is issued in the future (iat " + issuedAt.toInstant() + ").");
        }
        Instant from = issuedAt != null ? issuedAt.toInstant() : now.plus(issuer.clockSkew());
        if (expiry.isAfter(from.plus(issuer.maxTokenLifetime()))) {
            throw CredentialRejectedException.badToken("The token is valid for longer than the "
                    + Durations.show(issuer.maxTokenLifetime()) + " issuer " + issuer.name() + " allows ("
                    + (issuedAt != null ? "iat " + issuedAt.toInstant() : "no iat") + ", exp " + expiry + ").");
        }
    }

    /** The issuer's audiences on this stage: literal ones, and the values of the stage variables named. */
    static Set<String> audiences(JwtIssuerConfig issuer, Map<String, String> stageVariables) {
        Set<String> resolved = new LinkedHashSet<>();
        for (String audience : issuer.audiences()) {
            Optional<String> variable = StageConfig.variableReference(audience);
            if (variable.isEmpty()) {
                resolved.add(audience);
            } else if (stageVariables.containsKey(variable.get())) {
                resolved.add(stageVariables.get(variable.get()));
            }
        }
        return resolved;
    }

    private Identity identity(JWTClaimsSet claims, JwtIssuerConfig issuer) throws CredentialRejectedException {
        String consumer = text(claims, issuer.consumerClaim()).orElseThrow(() -> CredentialRejectedException.badToken(
                "The token has no " + issuer.consumerClaim() + " claim, which names the consumer."));
        String plan = issuer.plan();
        if (issuer.planClaim().isPresent()) {
            Optional<String> named = text(claims, issuer.planClaim().get());
            if (named.isPresent()) {
                if (!plans.contains(named.get())) {
                    throw new AccessDeniedException("The token's " + issuer.planClaim().get() + " claim names plan "
                            + named.get() + ", which this gateway does not have.");
                }
                plan = named.get();
            }
        }
        bounded(issuer.consumerClaim(), consumer, MAX_NAME_CHARS);
        Optional<String> subject = text(claims, "sub");
        if (subject.isPresent()) {
            bounded("sub", subject.get(), MAX_NAME_CHARS);
        }
        Set<String> scopes = scopes(claims);
        bounded("scope", String.join(" ", scopes), MAX_SCOPES_CHARS);
        Map<String, Object> kept = new HashMap<>();
        claims.getClaims().forEach((name, value) -> {
            if (value != null) {
                kept.put(name, value);
            }
        });
        return new Identity("jwt:" + issuer.name(), issuer.name() + ":" + consumer, plan, subject, scopes, kept);
    }

    /**
     * A claim the backend gets as a header ({@code x-tollgate-consumer}, {@code -subject}, {@code -scopes}) is
     * refused past its bound, rather than handed on as a header most servers refuse (nginx takes 8 KB a line).
     */
    private static void bounded(String claim, String value, int max) throws CredentialRejectedException {
        if (value.length() > max) {
            throw CredentialRejectedException.badToken("The token's " + claim + " claim is " + value.length()
                    + " characters long; the gateway takes at most " + max + ".");
        }
    }

    /** A caller's text in a problem's detail: its first 64 characters, so a 4 KB {@code kid} is not echoed whole. */
    private static String shown(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "... (" + text.length() + " characters)";
    }

    private static Optional<String> text(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        return value instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    /** OAuth's {@code scope} (space separated, RFC 8693) and the {@code scp} some providers send (a list or a string). */
    static Set<String> scopes(JWTClaimsSet claims) {
        Set<String> scopes = new LinkedHashSet<>();
        for (String name : List.of("scope", "scp")) {
            Object value = claims.getClaim(name);
            if (value instanceof String s) {
                for (String scope : WHITESPACE.split(s.strip())) {
                    if (!scope.isEmpty()) {
                        scopes.add(scope);
                    }
                }
            } else if (value instanceof List<?> list) {
                for (Object scope : new ArrayList<>(list)) {
                    if (scope instanceof String s && !s.isEmpty()) {
                        scopes.add(s);
                    }
                }
            }
        }
        return scopes;
    }
}
