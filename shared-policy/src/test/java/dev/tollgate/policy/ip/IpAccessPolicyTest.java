package dev.tollgate.policy.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ConfigProblem;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.Headers;
import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TestGateways;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IpAccessPolicyTest {

    private static final String CONFIG = TestGateways.keyedDev("b", "%s") + """
            ipAccess:
              allow: [10.0.0.0/8]
              deny: [10.9.0.0/16]
            routes:
              - {path: /internal, methods: [GET], backend: "${stageVariables.b}"}
              - path: /partners
                methods: [GET]
                backend: ${stageVariables.b}
                ipAccess: {allow: [203.0.113.0/24]}
            """;

    private final TestBackend backend = new TestBackend();

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void theFilesRules_applyToRoutesWithoutTheirOwn_denyWinning() {
        Gateway gateway = gateway();

        assertThat(gateway.handle(request("/internal", "10.1.2.3")).status()).isEqualTo(200);
        assertThat(gateway.handle(request("/internal", "10.9.0.1")).status()).isEqualTo(403);
        assertThat(gateway.handle(request("/internal", "198.51.100.1")).bodyAsString())
                .contains("\"status\":403").contains("Requests from 198.51.100.1 are not allowed here.");
    }

    @Test
    void aRoutesOwnRules_replaceTheFiles() {
        Gateway gateway = gateway();

        assertThat(gateway.handle(request("/partners", "203.0.113.5")).status()).isEqualTo(200);
        assertThat(gateway.handle(request("/partners", "10.1.2.3")).status()).isEqualTo(403);
        assertThat(backend.received()).hasSize(1);
    }

    @Test
    void forwardedForHeaders_cannotTalkTheirWayIn() {
        GatewayRequest spoofed = new GatewayRequest("GET", "/internal", "",
                Headers.builder().set("x-api-key", "dev-secret-key").set("x-forwarded-for", "10.1.2.3").build(),
                null, "198.51.100.1", "https", "dev", Map.of());

        assertThat(gateway().handle(spoofed).status()).isEqualTo(403);
    }

    @Test
    void badNetworks_areNamed() {
        String text = CONFIG.formatted(backend.url()).replace("deny: [10.9.0.0/16]", "deny: [10.9.0.0/40, intranet]");

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().stream().map(ConfigProblem::toString))
                        .containsExactly(
                                "t.yaml:9: ipAccess.deny[0]: 10.9.0.0/40 (expected: an IPv4 or IPv6 address or network"
                                        + " in CIDR notation, such as 10.0.0.0/8)",
                                "t.yaml:9: ipAccess.deny[1]: intranet (expected: an IPv4 or IPv6 address or network"
                                        + " in CIDR notation, such as 10.0.0.0/8)"));
    }

    private Gateway gateway() {
        return TestGateways.from(CONFIG.formatted(backend.url()));
    }

    private static GatewayRequest request(String path, String sourceIp) {
        return new GatewayRequest("GET", path, "", Headers.builder().set("x-api-key", "dev-secret-key").build(),
                null, sourceIp, "https", "dev", Map.of());
    }
}
