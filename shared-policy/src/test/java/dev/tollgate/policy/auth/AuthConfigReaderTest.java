package dev.tollgate.policy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.ConfigReading;
import dev.tollgate.testing.ConfigReading.Read;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthConfigReaderTest {

    private static Read<AuthConfig> read(String yaml) {
        return ConfigReading.read(yaml, (in, root) -> AuthConfigReader.read(in, root.path("route"), "route", Set.of("idp")));
    }

    @Test
    void byDefault_aRouteTakesAnApiKey_andPublicTakesNone() {
        assertThat(read("route: {path: /a}\n").value()).isEqualTo(AuthConfig.API_KEY);
        assertThat(read("route: {public: true}\n").value()).isEqualTo(AuthConfig.PUBLIC);
    }

    @Test
    void jwtIssuers_scopesAndClaims_areRead() {
        assertThat(read("route:\n  auth: {jwt: [idp], scopes: [\"orders:read\"], claims: {tier: [gold, silver]}}\n").value())
                .isEqualTo(new AuthConfig(false, false, List.of("idp"), Set.of("orders:read"),
                        Map.of("tier", List.of("gold", "silver"))));
    }

    @Test
    void credentialsThatCannotWork_areNamed() {
        assertThat(read("route:\n  public: true\n  auth: {jwt: [idp]}\n").problems()).containsExactly(
                "t.yaml:2: route.public: true together with auth (expected: either public: true, or auth naming the"
                        + " credentials the route accepts)");
        assertThat(read("route:\n  auth: {apiKey: false}\n").problems()).containsExactly(
                "t.yaml:2: route.auth: no credentials (expected: apiKey: true, jwt issuers, or public: true on the route)");
        assertThat(read("route:\n  auth: {apiKey: true, scopes: [a]}\n").problems()).containsExactly(
                "t.yaml:2: route.auth: scopes or claims with apiKey: true (expected: jwt issuers and apiKey: false, since"
                        + " API keys carry no scopes or claims)");
        assertThat(read("route:\n  auth: {jwt: [other], claims: {\"a b\": 1, tier: {}}}\n").problems()).containsExactly(
                "t.yaml:2: route.auth.jwt[0]: other (expected: an issuer defined under jwt.issuers: idp)",
                "t.yaml:2: route.auth.claims.a b: not a claim name (expected: visible characters, no spaces)",
                "t.yaml:2: route.auth.claims.tier: a map (expected: a value, or a list of the values allowed)");
    }
}
