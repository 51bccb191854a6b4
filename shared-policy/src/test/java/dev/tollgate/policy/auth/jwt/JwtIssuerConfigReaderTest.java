package dev.tollgate.policy.auth.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.StageConfig;
import dev.tollgate.testing.ConfigReading;
import dev.tollgate.testing.ConfigReading.Read;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JwtIssuerConfigReaderTest {

    private static final Map<String, StageConfig> STAGES = Map.of("dev", new StageConfig("dev", Map.of("aud", "api-dev")));

    private static Read<JwtConfig> read(String yaml) {
        return ConfigReading.read(yaml, (in, root) -> JwtConfigReader.read(in, root.path("jwt"), STAGES, Set.of("free")));
    }

    @Test
    void anIssuer_isRead_withDefaultsForWhatIsNotGiven() {
        JwtIssuerConfig idp = read("jwt:\n  issuers:\n    idp: {issuer: \"https://login.example.com/\", audiences: [api],"
                + " plan: free, clockSkew: 30s}\n").value().issuer("idp").orElseThrow();

        assertThat(idp.issuer()).isEqualTo("https://login.example.com/");
        assertThat(idp.jwksUri()).isEmpty();
        assertThat(idp.audiences()).containsExactly("api");
        assertThat(idp.algorithms()).isEqualTo(JwtIssuerConfig.DEFAULT_ALGORITHMS);
        assertThat(idp.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(idp.jwksMaxAge()).isEqualTo(JwtIssuerConfig.DEFAULT_JWKS_MAX_AGE);
        assertThat(idp.consumerClaim()).isEqualTo("sub");
        assertThat(idp.plan()).isEqualTo("free");
    }

    @Test
    void badSettings_areNamed_eachWithItsRange() {
        assertThat(read("""
                jwt:
                  tokenCacheSize: 1000001
                  issuers:
                    idp:
                      issuer: login-service
                      jwksUri: ftp://keys.example.com
                      audiences: ["${stageVariables.missing}", "${stageVariable.aud}"]
                      jwksMaxAge: 30s
                      consumerClaim: "a b"
                      plan: gold
                """).problems()).containsExactly(
                "t.yaml:2: jwt.tokenCacheSize: 1000001 (expected: a whole number from 0 to 1000000)",
                "t.yaml:6: jwt.issuers.idp.jwksUri: ftp://keys.example.com (expected: the http(s) URL of the issuer's JWK set)",
                "t.yaml:7: jwt.issuers.idp.audiences[1]: ${stageVariable.aud} (expected: an audience, or"
                        + " ${stageVariables.NAME})",
                "t.yaml:7: jwt.issuers.idp.audiences[0]: ${stageVariables.missing} (expected: a variable every stage"
                        + " defines; stage dev does not define missing)",
                "t.yaml:8: jwt.issuers.idp.jwksMaxAge: 30s (expected: a duration from 1m to 24h, such as 1h)",
                "t.yaml:9: jwt.issuers.idp.consumerClaim: a b (expected: a claim name such as sub or client_id)",
                "t.yaml:10: jwt.issuers.idp.plan: gold (expected: a plan defined in this file: free)");
    }

    @Test
    void twoIssuersWithOneIss_areRefused() {
        assertThat(read("""
                jwt:
                  issuers:
                    a: {issuer: "https://login.example.com/", audiences: [api], plan: free}
                    b: {issuer: "https://login.example.com/", audiences: [web], plan: free}
                """).problems()).containsExactly(
                "t.yaml:4: jwt.issuers.b.issuer: https://login.example.com/ (expected: an iss no other issuer has;"
                        + " jwt.issuers.a has it: give one entry a planClaim instead of two entries)");
    }

    @Test
    void theRecord_refusesFromCodeWhatTheReaderRefuses() {
        assertThatThrownBy(() -> new JwtIssuerConfig("idp", "urn:idp", Optional.of(URI.create("https://idp.example/keys")),
                List.of("api"), Set.of("RS256"), Duration.ofMinutes(6), Duration.ofMinutes(1), Duration.ofHours(1), "sub",
                "free", Optional.empty(), JwtIssuerConfig.DEFAULT_MAX_TOKEN_LIFETIME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clockSkew: 6m (expected: a duration from 0s to 5m)");
        assertThatThrownBy(() -> new JwtIssuerConfig("idp", "urn:idp", Optional.empty(), List.of("api"), Set.of("HS256"),
                Duration.ZERO, Duration.ofMinutes(1), Duration.ofHours(1), "sub", "free", Optional.empty(),
                JwtIssuerConfig.DEFAULT_MAX_TOKEN_LIFETIME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("algorithms: [HS256] (expected: one or more of ES256, ES384, ES512, PS256, PS384, PS512, RS256,"
                        + " RS384, RS512)");
        assertThatThrownBy(() -> new JwtConfig(-1, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokenCacheSize: -1 (expected: a whole number from 0 to 1000000)");
    }
}
