package dev.tollgate.policy.authz;

import static dev.tollgate.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tollgate.Gateway;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.testing.InMemoryJwksSource;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.Requests;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import dev.tollgate.testing.TestIssuer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scopes and claims a route asks of a token, through the pipeline with a fixed clock and keys in memory. */
class AuthorizationPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:10:00Z");
    private static final String ISS = "https://login.example.com/";
    private static final TestIssuer IDP = TestIssuer.rsa(ISS, "key-1");
    private static final String CONFIG = """
            stages:
              dev:
                variables: {backend: "%s"}
            plans:
              free: {quota: {limit: 100, period: day}}
            jwt:
              issuers:
                idp:
                  issuer: %s
                  jwksUri: https://login.example.com/keys
                  audiences: [api-dev]
                  plan: free
            routes:
              - path: /reports
                methods: [GET]
                backend: ${stageVariables.backend}
                auth:
                  jwt: [idp]
                  scopes: [reports:read]
                  claims: {tenant: [acme, globex]}
              - path: /archive
                methods: [GET]
                backend: ${stageVariables.backend}
                auth: {jwt: [idp], scopes: [reports:write, reports:read]}
              - path: /profile
                methods: [GET]
                backend: ${stageVariables.backend}
                auth: {jwt: [idp]}
            """;

    private final TestBackend backend = new TestBackend();
    private final Gateway gateway = TestGateways.builder(CONFIG.formatted(backend.url(), ISS))
            .jwks(new InMemoryJwksSource().serve("idp", IDP)).clock(new MutableClock(NOW)).build();

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void aTokenLackingTheRoutesScope_is403_withTheInsufficientScopeChallenge() throws Exception {
        String noScope = IDP.sign(IDP.claims("user-7", "api-dev", NOW).claim("scope", "orders:read").claim("tenant", "acme").build());

        GatewayResponse missingScope = gateway.handle(bearer("/reports", noScope));

        assertProblem(missingScope, 403, "urn:tollgate:problem:forbidden", "The token lacks the scope reports:read that this route needs.");
        assertThat(missingScope.headers().first("www-authenticate"))
                .contains("Bearer realm=\"tollgate\", error=\"insufficient_scope\", scope=\"reports:read\"");
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aTokenLackingSeveralScopes_namesEach_andTheChallengeAsksForAll() throws Exception {
        String noScope = IDP.sign(IDP.claims("user-7", "api-dev", NOW).claim("scope", "orders:read").build());

        GatewayResponse missing = gateway.handle(bearer("/archive", noScope));

        assertProblem(missing, 403, "urn:tollgate:problem:forbidden",
                "The token lacks the scopes reports:read, reports:write that this route needs.");
        assertThat(missing.headers().first("www-authenticate"))
                .contains("Bearer realm=\"tollgate\", error=\"insufficient_scope\", scope=\"reports:read reports:write\"");
    }

    @Test
    void aClaimWithNoneOfTheRoutesValues_is403_namingTheClaimAndTheValuesExpected() throws Exception {
        String otherTenant = IDP.sign(IDP.claims("user-7", "api-dev", NOW).claim("scope", "orders:read")
                .claim("scp", List.of("reports:read")).claim("tenant", "initech").build());

        assertProblem(gateway.handle(bearer("/reports", otherTenant)), 403, "urn:tollgate:problem:forbidden",
                "The token's tenant claim does not allow this route (expected: acme or globex).");
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aTokenWithTheScopeAndAnAllowedClaim_reachesTheBackend() {
        String fine = IDP.sign(IDP.claims("user-7", "api-dev", NOW).claim("scope", "orders:read")
                .claim("scp", List.of("reports:read")).claim("tenant", "globex").build());

        assertThat(gateway.handle(bearer("/reports", fine)).status()).isEqualTo(200);
        assertThat(backend.received()).hasSize(1);
    }

    @Test
    void aListClaimHoldingOneAllowedValue_isAllowed() {
        JWTClaimsSet claims = IDP.claims("user-7", "api-dev", NOW).claim("scope", "reports:read")
                .claim("tenant", List.of("initech", "acme")).build();

        assertThat(gateway.handle(bearer("/reports", IDP.sign(claims))).status()).isEqualTo(200);
    }

    @Test
    void aRouteAskingNoScopesOrClaims_takesAnyValidToken() {
        String plain = IDP.sign(IDP.claims("user-7", "api-dev", NOW).build());

        assertThat(gateway.handle(bearer("/profile", plain)).status()).isEqualTo(200);
    }

    private static GatewayRequest bearer(String path, String token) {
        return Requests.get(path).bearer(token).build();
    }
}
