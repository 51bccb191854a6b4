package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.backend.BackendAddress;
import dev.tollgate.backend.EcsService;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import dev.tollgate.policy.quota.QuotaConfig;
import dev.tollgate.policy.quota.QuotaPeriod;
import dev.tollgate.policy.ratelimit.RateLimitConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    static final String VALID = """
            stages:
              dev:
                variables:
                  ordersBackend: http://127.0.0.1:9101
              prod:
                variables:
                  ordersBackend: https://orders.internal:8443/base
            plans:
              developer:
                quota: {limit: 10000, period: day}
            apiKeys:
              - id: k1
                value: demo-dev-key
                consumer: alice
                stage: dev
                plan: developer
              - id: k2
                sha256: %s
                consumer: bob
                stage: prod
                plan: developer
            routes:
              - path: /orders
                methods: [GET, post]
                backend: ${stageVariables.ordersBackend}
              - path: /orders/{id}
                methods: [GET]
                backend: http://fixed.internal:8080
                timeout: 250ms
            """.formatted(ApiKeyHash.sha256Hex("bob-secret-key"));

    @Test
    void validFile_isReadIntoTheModel() {
        GatewayConfig config = ConfigLoader.parse(VALID, "t.yaml");

        assertThat(config.stages().keySet()).containsExactly("dev", "prod");
        assertThat(config.stage("prod").orElseThrow().variables())
                .containsEntry("ordersBackend", "https://orders.internal:8443/base");
        assertThat(config.plan("developer").orElseThrow().quotas().get(0).limit()).isEqualTo(10000);
        assertThat(config.plan("developer").orElseThrow().quotas().get(0).period()).isEqualTo(QuotaPeriod.DAY);
        assertThat(config.plan("developer").orElseThrow().failOpen()).isFalse();
        assertThat(config.apiKeys()).hasSize(2);
        assertThat(config.apiKeys().get(0).sha256()).isEqualTo(ApiKeyHash.sha256Hex("demo-dev-key"));
        assertThat(config.apiKeys().get(1).sha256()).isEqualTo(ApiKeyHash.sha256Hex("bob-secret-key"));
        assertThat(config.routes().get(0).methods()).isEqualTo(Set.of("GET", "POST"));
        assertThat(config.routes().get(0).timeout()).isEqualTo(Duration.ofSeconds(29));
        assertThat(config.routes().get(1).timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.routes().get(0).maxBodyBytes()).isEqualTo(6L * 1024 * 1024);
        assertThat(config.routes().get(0).backends().get(0).target().resolve(Map.of("ordersBackend", "http://x:1")))
                .contains(new BackendAddress.Url(URI.create("http://x:1")));
    }

    @Test
    void theShippedExample_isValid() {
        GatewayConfig config = ConfigLoader.load(java.nio.file.Path.of("..", "examples", "tollgate.yaml"));

        assertThat(config.stages()).containsOnlyKeys("dev", "prod");
        assertThat(config.plan("developer").orElseThrow().quotas().get(0).limit()).isEqualTo(10_000);
        assertThat(config.plan("trial").orElseThrow().quotas().get(0).limit()).isEqualTo(100);
        assertThat(config.plan("trial").orElseThrow().quotas().get(0).period()).isEqualTo(QuotaPeriod.HOUR);
        assertThat(config.plan("trial").orElseThrow().rateLimit()).contains(new RateLimitConfig(5, RateLimitConfig.Per.SECOND, 10));
    }

    @Test
    void everyProblem_isNamedWithLinePathValueAndExpectation() {
        String text = VALID
                .replace("ordersBackend: https://orders.internal:8443/base", "ordersBackend: ftp://orders")
                .replace("{limit: 10000, period: day}", "{limit: -5, period: fortnight}")
                .replace("    stage: prod\n", "    stage: staging\n")
                .replace("timeout: 250ms", "timeout: 90s")
                .replace("backend: http://fixed.internal:8080", "backend: orders.internal");

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:10: plans.developer.quota.limit: -5 (expected: a whole number from 1 to 9223372036854775807)",
                        "t.yaml:10: plans.developer.quota.period: fortnight (expected: one of hour, day, week, month)",
                        "t.yaml:20: apiKeys[1].stage: staging (expected: a stage defined in this file: dev, prod)",
                        "t.yaml:7: stages.prod.variables.ordersBackend: ftp://orders (expected: an http(s) base URL or"
                                + " ecs://CLUSTER/SERVICE[:PORT], since routes[0].backend sends requests there)",
                        "t.yaml:28: routes[1].backend: orders.internal (expected: an http(s) base URL such as"
                                + " http://orders.internal:8080, ecs://CLUSTER/SERVICE[:PORT], or ${stageVariables.NAME})",
                        "t.yaml:29: routes[1].timeout: 90s (expected: a duration from 1ms to 30s, such as 500ms or 10s)"));
    }

    @Test
    void maxBodySize_isASizeUpTo10MB() {
        String text = VALID.replace("timeout: 250ms", "timeout: 250ms\n    maxBodySize: 11MB");

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:30: routes[1].maxBodySize: 11MB (expected: a size from 1B to 10MB, such as 256KB or 1MB)"));
        assertThat(ConfigLoader.parse(VALID.replace("timeout: 250ms", "timeout: 250ms\n    maxBodySize: 256KB"), "t.yaml")
                .routes().get(1).maxBodyBytes()).isEqualTo(256 * 1024);
    }

    @Test
    void failOpen_isTrueOrFalse() {
        String text = VALID.replace("quota: {limit: 10000, period: day}", "quota: {limit: 10000, period: day}\n    failOpen: maybe");

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:11: plans.developer.failOpen: maybe (expected: true or false)"));
        assertThat(ConfigLoader.parse(VALID.replace("quota: {limit: 10000, period: day}",
                "quota: {limit: 10000, period: day}\n    failOpen: true"), "t.yaml").plan("developer").orElseThrow().failOpen())
                .isTrue();
    }

    @Test
    void rateLimits_andSeveralQuotas_areReadIntoTheModel_burstDefaultingToRequests() {
        String text = VALID
                .replace("    quota: {limit: 10000, period: day}\n", """
                            quota:
                              - {limit: 10000, period: day}
                              - {limit: 500, period: hour}
                            rateLimit: {requests: 10, per: second, burst: 20}
                          steady:
                            rateLimit: {requests: 30, per: minute}
                        """)
                .replace("timeout: 250ms", "timeout: 250ms\n    rateLimit: {requests: 5, per: second, burst: 5}");

        GatewayConfig config = ConfigLoader.parse(text, "t.yaml");

        PlanConfig developer = config.plan("developer").orElseThrow();
        assertThat(developer.quotas()).containsExactly(
                new QuotaConfig(10000, QuotaPeriod.DAY), new QuotaConfig(500, QuotaPeriod.HOUR));
        assertThat(developer.rateLimit()).contains(new RateLimitConfig(10, RateLimitConfig.Per.SECOND, 20));
        PlanConfig steady = config.plan("steady").orElseThrow();
        assertThat(steady.quotas()).isEmpty();
        assertThat(steady.rateLimit()).contains(new RateLimitConfig(30, RateLimitConfig.Per.MINUTE, 30));
        assertThat(config.routes().get(0).rateLimit()).isEmpty();
        assertThat(config.routes().get(1).rateLimit()).contains(new RateLimitConfig(5, RateLimitConfig.Per.SECOND, 5));
    }

    @Test
    void rateLimitFields_areCheckedEachWithItsRange() {
        String text = VALID
                .replace("    quota: {limit: 10000, period: day}\n", """
                            quota: {limit: 10000, period: day}
                            rateLimit: {requests: 10, per: second, burst: 5}
                          wild:
                            rateLimit: {requests: 0, per: hour, burst: 2000000}
                          notAMap:
                            rateLimit: 10
                        """)
                .replace("timeout: 250ms", "timeout: 250ms\n    rateLimit: {requests: 100001, per: minute, window: 1s}");

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:11: plans.developer.rateLimit.burst: 5 (expected: at least requests, 10)",
                        "t.yaml:13: plans.wild.rateLimit.requests: 0 (expected: a whole number from 1 to 100000)",
                        "t.yaml:13: plans.wild.rateLimit.per: hour (expected: one of second, minute)",
                        "t.yaml:13: plans.wild.rateLimit.burst: 2000000 (expected: a whole number from 1 to 1000000)",
                        "t.yaml:15: plans.notAMap.rateLimit: 10 (expected: a map with requests, per and burst)",
                        "t.yaml:35: routes[1].rateLimit.window: unknown field (expected one of: burst, lease, per, requests)",
                        "t.yaml:35: routes[1].rateLimit.requests: 100001 (expected: a whole number from 1 to 100000)"));
    }

    @Test
    void aPlan_needsAQuotaOrARateLimit_andEachQuotaPeriodOnce() {
        String text = VALID
                .replace("    quota: {limit: 10000, period: day}\n", """
                            quota:
                              - {limit: 10000, period: day}
                              - {limit: 20000, period: day}
                          empty:
                            failOpen: true
                          none:
                            quota: []
                        """);

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:12: plans.developer.quota[1].period: day (expected: each period at most once;"
                                + " plans.developer.quota[0] has it)",
                        "t.yaml:13: plans.empty: neither quota nor rateLimit (expected: quota, rateLimit, or both)",
                        "t.yaml:16: plans.none.quota: an empty list (expected: a map with limit and period, or a list of them)"));
    }

    @Test
    void ecsServices_areBackends_fixedOrInAVariable_mixedWithUrls() {
        GatewayConfig config = ConfigLoader.parse(VALID
                .replace("ordersBackend: http://127.0.0.1:9101", "ordersBackend: ecs://tollgate-dev/orders:8080")
                .replace("backend: http://fixed.internal:8080", "backends: [{url: 'ECS://prod_1/Orders-v2', weight: 1},"
                        + " {url: 'http://fixed.internal:8080', weight: 3}]"), "t.yaml");

        assertThat(config.routes().get(0).backends().get(0).target().resolve(config.stages().get("dev").variables()))
                .contains(new EcsService("tollgate-dev", "orders", OptionalInt.of(8080)));
        assertThat(config.routes().get(0).backends().get(0).target().resolve(config.stages().get("prod").variables()))
                .contains(new BackendAddress.Url(URI.create("https://orders.internal:8443/base")));
        assertThat(config.routes().get(1).backends().get(0).target().resolve(Map.of()))
                .contains(new EcsService("prod_1", "Orders-v2", OptionalInt.empty()));
        assertThat(config.routes().get(1).backends().get(0).target().resolve(Map.of()).orElseThrow())
                .hasToString("ecs://prod_1/Orders-v2");
    }

    @Test
    void badEcsServices_areNamed_withWhatEcsAllows() {
        String text = VALID
                .replace("ordersBackend: https://orders.internal:8443/base", "ordersBackend: ecs://orders.prod/orders")
                .replace("backend: http://fixed.internal:8080", "backends: [{url: 'ecs://prod', weight: 1},"
                        + " {url: 'ecs://prod/orders.v2', weight: 1}, {url: 'ecs://prod/orders:65536', weight: 1},"
                        + " {url: 'ecs://prod/orders:0', weight: 1}, {url: 'ecs://" + "c".repeat(256) + "/orders', weight: 1}]");

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:7: stages.prod.variables.ordersBackend: ecs://orders.prod/orders (expected:"
                                + " ecs://CLUSTER/SERVICE[:PORT] with a cluster name of 1 to 255 letters, digits, - and _,"
                                + " since routes[0].backend sends requests there)",
                        "t.yaml:28: routes[1].backends[0].url: ecs://prod (expected: ecs://CLUSTER/SERVICE[:PORT],"
                                + " such as ecs://prod/orders:8080)",
                        "t.yaml:28: routes[1].backends[1].url: ecs://prod/orders.v2 (expected: ecs://CLUSTER/SERVICE[:PORT]"
                                + " with a service name of 1 to 255 letters, digits, - and _)",
                        "t.yaml:28: routes[1].backends[2].url: ecs://prod/orders:65536 (expected:"
                                + " ecs://CLUSTER/SERVICE[:PORT] with a port from 1 to 65535)",
                        "t.yaml:28: routes[1].backends[3].url: ecs://prod/orders:0 (expected:"
                                + " ecs://CLUSTER/SERVICE[:PORT] with a port from 1 to 65535)",
                        "t.yaml:28: routes[1].backends[4].url: ecs://" + "c".repeat(256) + "/orders (expected:"
                                + " ecs://CLUSTER/SERVICE[:PORT] with a cluster name of 1 to 255 letters, digits, - and _)"));
    }

    @Test
    void aVariableSomeStageLacks_isAProblemOfTheRoute() {
        String text = VALID.replace("      ordersBackend: http://127.0.0.1:9101\n", "      other: http://127.0.0.1:1\n");

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:25: routes[0].backend: ${stageVariables.ordersBackend} (expected: a variable every"
                                + " stage defines; stage dev does not define ordersBackend)"));
    }

    @Test
    void unknownFields_duplicateKeys_andUnknownReferences_areProblems() {
        String text = VALID
                .replace("plans:\n", "plan:\n  x: 1\nplans:\n")
                .replace("    plan: developer\n  - id: k2", "    plan: gold\n  - id: k2")
                .replace("    methods: [GET]\n", "    methods: [GET]\n    methods: [PUT]\n");

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:30: routes[1].methods: duplicate key (expected: each key once)",
                        "t.yaml:8: plan: unknown field (expected one of: apiKeys, cors, ipAccess, jwt, plans, routes, stages)",
                        "t.yaml:18: apiKeys[0].plan: gold (expected: a plan defined in this file: developer)"));
    }

    @Test
    void anEmptyKey_isAProblemOnItsLine() {
        // Found by ConfigFuzzTest: "&plans:" (an anchor, then an empty key) was an unknown field with no line or path.
        String text = VALID.replace("plans:\n", "\"\":\n  x: 1\nplans:\n").replace("    methods: [GET]\n",
                "    methods: [GET]\n    \"\": 1\n");

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:8: an empty key (expected: a field name)",
                        "t.yaml:30: routes[1]: an empty key (expected: a field name)"));
    }

    @Test
    void keys_needExactlyOneOfValueOrSha256_andAreUnique() {
        String text = VALID
                .replace("    value: demo-dev-key\n", "")
                .replace("- id: k2\n", "- id: k1\n");

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:12: apiKeys[0]: neither value nor sha256 (expected: exactly one: the key itself as"
                                + " value, or its SHA-256 as sha256)",
                        "t.yaml:16: apiKeys[1].id: k1 (expected: an id no other key has; apiKeys[0] has it)"));
    }

    @Test
    void routes_withTheSameMethodAndPathShape_conflict() {
        String text = VALID.replace("  - path: /orders/{id}\n    methods: [GET]",
                "  - path: /orders/{orderId}\n    methods: [GET]\n    backend: http://a:1\n  - path: /orders/{id}\n    methods: [GET]");

        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:29: routes[2]: GET /orders/{id} (expected: a method and path no other route has;"
                                + " routes[1] has it)"));
    }

    @Test
    void missingSections_andBadPaths_areNamed() {
        assertThatThrownBy(() -> ConfigLoader.parse("routes:\n  - path: orders\n    methods: []\n    backend: http://a:1\n", "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml: stages: missing (expected: a map of stage names (such as dev, prod) to their variables)",
                        "t.yaml: plans: missing (expected: a map of plan names to their quotas)",
                        "t.yaml:2: routes[0].path: orders (expected: a path such as /orders/{id}: starts with /,"
                                + " segments of letters, digits, - . _ ~ (not . or ..) or a {name})",
                        "t.yaml:3: routes[0].methods: an empty list (expected: a list of methods from DELETE, GET, HEAD,"
                                + " OPTIONS, PATCH, POST, PUT)"));
    }

    @Test
    void brokenYaml_isNamedWithItsLine() {
        assertThatThrownBy(() -> ConfigLoader.parse("stages:\n  dev: [\n", "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(1);
                    assertThat(e.problems().get(0).toString()).startsWith("t.yaml:2: not valid YAML: ");
                });
    }

    @Test
    void anUnquotedVariable_inAFlowList_getsAHint() {
        assertThatThrownBy(() -> ConfigLoader.parse("jwt:\n  issuers:\n    a:\n      audiences: [${stageVariables.aud}]\n", "t.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e)).containsExactly(
                        "t.yaml:4: not valid YAML: while parsing a flow sequence (expected: quotes around ${...} inside"
                                + " [ ] or { }, such as [\"${stageVariables.NAME}\"])"));
    }

    @Test
    void aMissingFile_isAProblemNotACrash() {
        assertThatThrownBy(() -> ConfigLoader.load(java.nio.file.Path.of("no-such-file.yaml")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(messages(e).get(0))
                        .startsWith("no-such-file.yaml: cannot be read: "));
    }

    private static List<String> messages(ConfigException e) {
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }
}
