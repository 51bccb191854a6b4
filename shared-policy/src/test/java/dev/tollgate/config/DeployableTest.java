package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a configuration to deploy must not hold, and every spelling of a loopback host that needs no DNS. */
class DeployableTest {

    @Test
    void everySpellingOfThisMachine_thatNeedsNoDns_isLoopback() {
        assertThat(List.of("127.0.0.1", "127.255.255.254", "127.1", "127.0.1", "127.0.0.1.", "2130706433", "0x7f000001",
                "0x7f.1", "0X7F.0.0.1", "0177.0.0.1", "017700000001", "127.000.000.001", "0.0.0.0", "0", "0.1.2.3",
                "localhost", "LOCALHOST", "localhost.", "api.localhost", "a.b.localhost.", "localhost.localdomain",
                "localhost4", "localhost6.localdomain6", "ip6-localhost", "ip6-loopback",
                "[::1]", "::1", "[0:0:0:0:0:0:0:1]", "[0000::0001]", "[::]", "[::1%25lo]", "[::1%lo0]",
                "[::ffff:127.0.0.1]", "[::FFFF:7f00:1]", "[::ffff:0.0.0.0]", "[::127.0.0.1]"))
                .allSatisfy(host -> assertThat(Deployable.loopbackHost(host)).as(host).isTrue());
    }

    @Test
    void otherHosts_andNamesThatOnlyLookLocal_areNot() {
        assertThat(List.of("10.0.0.1", "128.0.0.1", "126.255.255.255", "1.127.0.0", "127.0.0.1.5", "4294967296",
                "0x100000000", "0x80000000", "example.com", "127.example.com", "localhost.example.com", "mylocalhost",
                "localhost-1", "[::2]", "[fe80::1]", "[2001:db8::127.0.0.1]", "[::ffff:10.0.0.1]", "auth.example.com"))
                .allSatisfy(host -> assertThat(Deployable.loopbackHost(host)).as(host).isFalse());
    }

    @Test
    void aUrlsHost_isFoundEvenWhereJavasUriFindsNone() {
        assertThat(Deployable.loopback("http://127.1:8080/jwks.json")).isTrue();
        assertThat(Deployable.loopback("http://user@127.0.0.1.:8080/")).isTrue();
        assertThat(Deployable.loopback("https://[::1]:8443/")).isTrue();
        assertThat(Deployable.loopback("https://auth.example.com/")).isFalse();
        // Not URLs: an audience or an issuer such as these names no host at all.
        assertThat(Deployable.loopback("tollgate-prod")).isFalse();
        assertThat(Deployable.loopback("urn:tollgate:local-demo")).isFalse();
        assertThat(Deployable.loopback("localhost")).isFalse();
    }

    @Test
    void theExample_isNoConfigurationToDeploy_andTheDeploymentOne_is() throws Exception {
        Path example = Path.of("..", "examples", "tollgate.yaml");
        assertThat(problems(example)).containsExactly(
                "tollgate.yaml:" + lineOf(example, "value: demo-dev-key") + ": apiKeys[0].value: a key in plain text (expected: in a configuration to deploy, the key's"
                        + " SHA-256 as sha256, or the key in the stage's keys table only: ./tollgate keys create --aws)",
                "tollgate.yaml:" + lineOf(example, "value: demo-prod-key") + ": apiKeys[1].value: a key in plain text (expected: in a configuration to deploy, the key's"
                        + " SHA-256 as sha256, or the key in the stage's keys table only: ./tollgate keys create --aws)",
                "tollgate.yaml:" + lineOf(example, "jwksUri: http") + ": jwt.issuers.local-demo.jwksUri: http://127.0.0.1:8080/_local/demo-issuer/jwks.json"
                        + " (expected: your identity provider's JWK set, such as https://auth.example.com/.well-known/jwks.json;"
                        + " a loopback address serves only ./tollgate local)",
                "tollgate.yaml:" + lineOf(example, "ordersBackend: http://127.0.0.1") + ": stages.prod.variables.ordersBackend:"
                        + " http://127.0.0.1:9102 (expected: a backend the function reaches from its VPC, such as an internal"
                        + " NLB's URL or ecs://CLUSTER/SERVICE[:PORT]; a loopback address serves only ./tollgate local)");
        assertThat(problems(Path.of("..", "deploy", "tollgate.yaml"))).isEmpty();
    }

    @Test
    void theExamplesKeys_arePublished_andTheirHashesRefused() throws Exception {
        Map<String, String> published = Deployable.publishedKeys(Path.of("..", "examples", "tollgate.yaml"),
                "examples/tollgate.yaml");
        assertThat(published).containsExactly(
                Map.entry(ApiKeyHash.sha256Hex("demo-dev-key"), "demo-dev's key in examples/tollgate.yaml"),
                Map.entry(ApiKeyHash.sha256Hex("demo-prod-key"), "demo-prod's key in examples/tollgate.yaml"));
        assertThat(Deployable.publishedKeys(Path.of("no-such-file.yaml"), "no-such-file.yaml")).isEmpty();

        String text = """
                stages: {dev: {variables: {}}}
                plans: {p: {quota: {limit: 1, period: day}}}
                apiKeys:
                  - {id: mine, sha256: %s, consumer: me, stage: dev, plan: p}
                  - {id: copied, sha256: %s, consumer: demo, stage: dev, plan: p}
                routes:
                  - {path: /a, methods: [GET], backend: "https://orders.internal"}
                """.formatted(ApiKeyHash.sha256Hex("a key of my own"), ApiKeyHash.sha256Hex("demo-dev-key"));
        assertThat(Deployable.problems(YamlDocument.parse(text, "t.yaml"), "t.yaml", ConfigLoader.parse(text, "t.yaml"),
                published).stream().map(ConfigProblem::toString)).containsExactly("t.yaml:5: apiKeys[1].sha256: the SHA-256"
                + " of demo-dev's key in examples/tollgate.yaml (expected: a key of your own: a published key is anyone's)");
    }

    @Test
    void aStageVariableAnAudienceReads_isNamedAtTheVariable_withTheIssuerThatReadsIt() {
        String text = """
                stages:
                  dev:
                    variables: {backend: "http://orders.internal", audience: "http://localhost:3000"}
                  prod:
                    variables: {backend: "http://orders.internal", audience: "orders-prod"}
                plans:
                  p: {quota: {limit: 1, period: day}}
                jwt:
                  issuers:
                    idp:
                      issuer: https://auth.example.com/
                      audiences: ["${stageVariables.audience}", "http://0x7f000001/api"]
                      plan: p
                routes:
                  - {path: /a, methods: [GET], backend: "${stageVariables.backend}", auth: {jwt: [idp]}}
                """;
        assertThat(Deployable.problems(YamlDocument.parse(text, "t.yaml"), "t.yaml", ConfigLoader.parse(text, "t.yaml"),
                Map.of())
                .stream().map(ConfigProblem::toString)).containsExactly(
                "t.yaml:3: stages.dev.variables.audience: http://localhost:3000 (expected: an audience of the tokens meant for"
                        + " the deployed API, since jwt.issuers.idp.audiences[0] reads it; a loopback address serves only"
                        + " ./tollgate local)",
                "t.yaml:12: jwt.issuers.idp.audiences[1]: http://0x7f000001/api (expected: an audience of the tokens meant"
                        + " for the deployed API; a loopback address serves only ./tollgate local)");
    }

    private static int lineOf(Path file, String text) throws Exception {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " is not in " + file);
    }

    private static List<String> problems(Path file) throws Exception {
        String text = Files.readString(file);
        String source = file.getFileName().toString();
        return Deployable.problems(YamlDocument.parse(text, source), source, ConfigLoader.parse(text, source),
                Deployable.publishedKeys(Path.of("..", "examples", "tollgate.yaml"), "examples/tollgate.yaml")).stream()
                .map(ConfigProblem::toString).toList();
    }
}
