package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code schema/tollgate.schema.json}, which editors use to complete and check the file, says
 * what {@link ConfigLoader} says: documents both accept, and documents both reject at the same
 * place, one for each rule the schema can express. Rules only the loader checks are listed in
 * the schema's {@code $comment}; {@link #loaderOnlyRules_areAcceptedByTheSchema_andRejectedByTheLoader}
 * keeps that list honest.
 */
class ConfigSchemaTest {

    private static final Path SCHEMA_FILE = Path.of("..", "schema", "tollgate.schema.json");
    private static final Path EXAMPLE = Path.of("..", "examples", "tollgate.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final JsonSchema SCHEMA = SCHEMAS.getSchema(readJson(SCHEMA_FILE));

    private static final String BOB_HASH = ApiKeyHash.sha256Hex("bob-secret-key");

    /** Valid for both; each case below changes one thing. routes[1] comes last, so a case can add fields to it. */
    static final String BASE = """
            stages:
              dev:
                variables:
                  ordersBackend: http://127.0.0.1:9101
                  jwtAudience: orders-dev
              prod:
                variables:
                  ordersBackend: https://orders.internal:8443/base
                  jwtAudience: orders-prod
            plans:
              developer:
                quota: {limit: 10000, period: day}
              trial:
                quota: {limit: 100, period: hour}
                failOpen: true
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
                plan: trial
            routes:
              - path: /orders
                methods: [GET, POST]
                backend: ${stageVariables.ordersBackend}
              - path: /orders/{id}
                methods: [GET]
                backend: http://fixed.internal:8080
                timeout: 250ms
            """.formatted(BOB_HASH);

    /** The fewest fields a file needs, with the optional sections written empty. */
    static final String MINIMAL = """
            stages:
              dev:
            plans:
              p: {quota: {limit: 1, period: hour}}
            apiKeys:
            routes:
              - {path: /, methods: [GET], backend: http://a:1}
            cors:
            ipAccess:
            jwt:
            """;

    /** Every field the loader knows today, each used once. */
    static final String EVERY_FIELD = """
            stages:
              dev:
                variables: {ordersBackend: http://127.0.0.1:9101, port: 8080, beta: true, region: eu-west-1}
              prod:
                variables: {ordersBackend: "https://orders.prod.internal/v1", port: 443, beta: false, region: "eu-west-1"}
            jwt:
              tokenCacheSize: 0
              issuers:
                idp.v2:
                  issuer: "HTTPS://[2001:db8::7]:8443"
                  jwksUri: http://keys.internal/jwks.json?v=2
                  audiences: ["${stageVariables.region}", "urn:orders"]
                  algorithms: [RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512]
                  clockSkew: 300000ms
                  jwksRefreshInterval: 3600s
                  jwksMaxAge: 1440m
                  maxTokenLifetime: 2592000s
                  consumerClaim: client_id
                  plan: developer
                  planClaim: "https://example.com/plan"
            plans:
              developer:
                quota:
                  - {limit: 9223372036854775807, period: month}
                  - {limit: 1, period: hour}
                rateLimit: {requests: 100000, per: minute, burst: 1000000}
                failOpen: false
            apiKeys:
              - {id: dev.key-1, value: "12345678", consumer: team_a, stage: dev, plan: developer}
            routes:
              - path: /api/orders/{id}
                methods: [get, Put, DELETE]
                backends:
                  - {url: "${stageVariables.ordersBackend}", weight: 1000}
                  - {url: "HTTPS://[2001:db8::1]:8443/canary%20path", weight: 0}
                timeout: 30s
                maxBodySize: 10240KB
                ipAccess: {allow: [10.0.0.0/8, "2001:db8::/32", "::1", 192.168.1.1], deny: [10.9.0.0/16]}
                stripPrefix: /api
                requestHeaders:
                  remove: [cookie]
                  set: {x-tenant: acme, x-version: 2}
                  add: {Via: tollgate}
                responseHeaders:
                  set: {cache-control: no-store}
                retry: {retries: 5, statuses: [408, 429, 500, 599], backoff: 10000ms, maxBackoff: 10s}
                circuitBreaker: {failureThreshold: 1000, openFor: 10m, halfOpenProbes: 100}
                connectTimeout: 30000ms
                auth:
                  apiKey: false
                  jwt: [idp.v2]
                  scopes: ["orders:read"]
                  claims: {"https://example.com/tenant": [acme, 7, true]}
              - path: /v1/items/{item}
                methods: [HEAD, OPTIONS, PATCH]
                backend: http://items.internal
                targetPath: /items/{item}
                timeout: 1ms
                maxBodySize: 1B
                ipAccess:
                retry: {retries: 0}
                circuitBreaker: {}
                public: true
                rateLimit: {requests: 1, per: second}
            cors:
              allowOrigins: [https://app.example.com, "http://localhost:3000"]
              allowHeaders: [authorization, X-Custom]
              exposeHeaders: []
              allowCredentials: true
              maxAge: 86400
            ipAccess:
              deny: [203.0.113.0/24]
            """;

    /** A jwt section for BASE: one issuer with every field, one with only those it needs. */
    static final String JWT = """
            jwt:
              tokenCacheSize: 10000
              issuers:
                local-demo:
                  issuer: urn:tollgate:local-demo
                  jwksUri: http://127.0.0.1:8080/_local/demo-issuer/jwks.json
                  audiences: ['${stageVariables.jwtAudience}', orders-api]
                  algorithms: [RS256, ES256]
                  clockSkew: 60s
                  jwksRefreshInterval: 1m
                  jwksMaxAge: 1h
                  maxTokenLifetime: 24h
                  consumerClaim: sub
                  plan: developer
                  planClaim: tollgate_plan
                corporate:
                  issuer: https://login.example.com/
                  audiences: [orders]
                  plan: trial
            """;

    @Test
    void theSchema_isValidAgainstTheDraft2020_12Metaschema() {
        JsonSchema metaschema = SCHEMAS.getSchema(SchemaLocation.of(SchemaId.V202012));

        assertThat(metaschema.validate(readJson(SCHEMA_FILE))).isEmpty();
        // The check itself can fail: a misspelt type is caught.
        assertThat(metaschema.validate(readJson("{\"type\": \"strnig\"}"))).isNotEmpty();
    }

    @Test
    void theSchema_isDraft2020_12_withItsPublishedId() {
        JsonNode schema = readJson(SCHEMA_FILE);

        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("$id").asText()).isEqualTo("https://tollgate.dev/schema/tollgate.schema.json");
    }

    @Test
    void everyField_hasADescription() {
        JsonNode schema = readJson(SCHEMA_FILE);
        List<String> undescribed = new ArrayList<>();
        collectUndescribed(schema, schema, "", undescribed);

        assertThat(undescribed).isEmpty();
    }

    @Test
    void theShippedExample_andTheDeploymentFile_pointEditorsAtTheSchema_andAreValidAgainstIt() throws IOException {
        for (Path file : List.of(EXAMPLE, Path.of("..", "deploy", "tollgate.yaml"))) {
            String text = Files.readString(file);
            String firstLine = text.lines().findFirst().orElseThrow();

            assertThat(firstLine).as(file.toString()).isEqualTo("# yaml-language-server: $schema=../schema/tollgate.schema.json");
            assertThat(file.resolveSibling(firstLine.substring(firstLine.indexOf('=') + 1)).normalize())
                    .isEqualTo(SCHEMA_FILE.normalize());
            assertThat(schemaErrors(text)).as(file.toString()).isEmpty();
            assertThat(loaderProblems(text)).as(file.toString()).isEmpty();
        }
    }

    static Stream<Arguments> acceptedByBoth() {
        return Stream.of(
                accepted("the base document", BASE),
                accepted("the fewest fields, optional sections empty", MINIMAL),
                accepted("every field the loader knows", EVERY_FIELD),
                accepted("literal segments with dots, but not . or ..", replace("path: /orders/{id}", "path: /orders/.../v1.2/.x/{id}")),
                accepted("timeout 30000ms", timeout("30000ms")),
                accepted("timeout with leading zeros", timeout("0030s")),
                accepted("maxBodySize with leading zeros", routeField("maxBodySize: 0010MB")),
                accepted("maxBodySize 10485760B", routeField("maxBodySize: 10485760B")),
                accepted("openFor 1s and backoff 1ms", routeField("circuitBreaker: {openFor: 1s}\nretry: {retries: 1, backoff: 1ms}")),
                accepted("openFor 600000ms", routeField("circuitBreaker: {openFor: 600000ms}")),
                accepted("retry and circuitBreaker written empty", routeField("retry:\ncircuitBreaker:")),
                accepted("header rules written empty", routeField("requestHeaders:\nresponseHeaders: {}")),
                accepted("cors * without credentials, maxAge 0", BASE + "cors: {allowOrigins: ['*'], allowCredentials: false, maxAge: 0}\n"),
                // ECS services as backends
                accepted("an ecs:// backend with a container port", replace("backend: http://fixed.internal:8080",
                        "backend: ecs://prod/orders:8080")),
                accepted("an ecs:// backend without a port, the scheme in capitals, names with _ and -",
                        replace("backend: http://fixed.internal:8080", "backend: ECS://Prod_1/orders-v2")),
                accepted("ecs:// ports 1 and 65535, names of 255 characters", replace("backend: http://fixed.internal:8080",
                        "backend: ecs://" + "c".repeat(255) + "/" + "s".repeat(255) + ":1")
                        + "  - path: /b\n    methods: [GET]\n    backend: ecs://c/s:65535\n"),
                accepted("an ecs:// service in a backend variable on one stage, a URL on the other",
                        replace("ordersBackend: http://127.0.0.1:9101", "ordersBackend: ecs://tollgate-dev/orders:8080")),
                accepted("weighted backends mixing an ecs:// service and a URL",
                        withBackends("[{url: 'ecs://prod/orders-canary:8080', weight: 1}, {url: 'http://a:1', weight: 9}]")),
                // JWT issuers
                accepted("a jwt section with every field", BASE + JWT),
                accepted("jwt bounds: cache 1000000, skew 0s..5m, refresh 1s..1h, max age 1m..24h, lifetime 1m..720h", BASE + JWT
                        .replace("tokenCacheSize: 10000", "tokenCacheSize: 1000000").replace("clockSkew: 60s", "clockSkew: 5m")
                        .replace("jwksRefreshInterval: 1m", "jwksRefreshInterval: 1h").replace("jwksMaxAge: 1h", "jwksMaxAge: 24h")
                        .replace("maxTokenLifetime: 24h", "maxTokenLifetime: 720h")
                        .replace("      plan: trial\n", "      plan: trial\n      clockSkew: 0h\n      jwksRefreshInterval: 1000ms\n"
                                + "      jwksMaxAge: 60s\n      maxTokenLifetime: 60000ms\n")),
                accepted("a maxTokenLifetime of 43200m and of 999999999ms", BASE + JWT
                        .replace("maxTokenLifetime: 24h", "maxTokenLifetime: 43200m")
                        .replace("      plan: trial\n", "      plan: trial\n      maxTokenLifetime: 999999999ms\n")),
                accepted("a discovered issuer with a port and no path", jwt("https://login.example.com/", "http://idp.internal:8443")),
                accepted("an issuer's jwksUri on an IPv6 address", jwt("http://127.0.0.1:8080", "http://[::1]:8080")),
                accepted("an algorithm, an issuer and a scope twice", jwt("[RS256, ES256]", "[ES256, ES256]")
                        .replace("backend: http://fixed.internal:8080\n", "backend: http://fixed.internal:8080\n"
                                + "    auth: {jwt: [corporate, corporate], scopes: [a, a]}\n")),
                // Route credentials and connectTimeout
                accepted("a route with jwt auth, scopes and claims", routeField("""
                        auth:
                          apiKey: false
                          jwt: [local-demo, corporate]
                          scopes: ['orders:read', orders.write]
                          claims: {tenant: acme, tier: [gold, silver], admin: true, level: 3}""") + JWT),
                accepted("scopes beside jwt, apiKey left out (false, since jwt is given)",
                        routeField("auth: {jwt: [corporate], scopes: [a]}") + JWT),
                accepted("a route with API key or jwt", routeField("auth: {apiKey: true, jwt: [corporate]}") + JWT),
                accepted("auth as an empty map: an API key", routeField("auth: {}")),
                accepted("a public route", routeField("public: true")),
                accepted("a public route with auth written empty", routeField("public: true\nauth:")),
                accepted("public false beside auth", routeField("public: false\nauth: {apiKey: true}")),
                accepted("connectTimeout 1ms, and 30s with a timeout of 30s", routeField("connectTimeout: 1ms")
                        + "  - path: /b\n    methods: [GET]\n    backend: http://b:1\n    timeout: 30s\n    connectTimeout: 30s\n"),
                accepted("connectTimeout equal to timeout, in another unit", routeField("connectTimeout: 0250ms")
                        + "  - path: /b\n    methods: [GET]\n    backend: http://b:1\n    timeout: 2s\n    connectTimeout: 2000ms\n"),
                accepted("header rules naming x-tollgate- lookalikes", routeField("requestHeaders: {set: {x-tollgate: a, x-tollgatex-b: c}}")),
                // Rate limits and quota lists
                accepted("a public route with a rate limit", routeField("public: true\nrateLimit: {requests: 5, per: second, burst: 10}")),
                accepted("a route rate limit at its bounds: 1 request, and 100000 in bursts of 1000000",
                        routeField("rateLimit: {requests: 1, per: second}") + "  - path: /b\n    methods: [GET]\n    backend: http://b:1\n"
                                + "    rateLimit: {requests: 100000, per: minute, burst: 1000000}\n"),
                accepted("a burst equal to requests", routeField("rateLimit: {requests: 100000, per: second, burst: 100000}")),
                accepted("a rate limit taking each token in the store, not leased",
                        routeField("rateLimit: {requests: 5, per: second, lease: false}")),
                accepted("a plan with only a rate limit", replace("    quota: {limit: 100, period: hour}\n",
                        "    rateLimit: {requests: 100000, per: minute, burst: 1000000}\n")),
                accepted("a plan with a rate limit of 1, burst 1", replace("    failOpen: true\n",
                        "    rateLimit: {requests: 1, per: second, burst: 1}\n")),
                accepted("a plan with a rate limit and several quotas", replace("    quota: {limit: 100, period: hour}\n", """
                            rateLimit: {requests: 10, per: second}
                            quota:
                              - {limit: 100, period: hour}
                              - {limit: 1000, period: day}
                              - {limit: 5000, period: week}
                              - {limit: 10000, period: month}
                        """)),
                accepted("a quota list of one", replace("quota: {limit: 100, period: hour}", "quota: [{limit: 1, period: month}]")),
                accepted("a quota counted each request, not leased", replace("period: hour}", "period: hour, lease: false}")),
                // Stages
                accepted("a stage with no variables", BASE
                        .replace("backend: ${stageVariables.ordersBackend}", "backend: https://orders.internal")
                        .replace("stages:\n", "stages:\n  qa:\n  test: {variables: }\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedByBoth")
    void validDocuments_areAcceptedByBoth(String name, String yaml) {
        assertThat(loaderProblems(yaml)).as("%s: the loader's problems", name).isEmpty();
        assertThat(schemaErrors(yaml)).as("%s: the schema's errors", name).isEmpty();
    }

    static Stream<Arguments> rejectedByBoth() {
        return Stream.of(
                // The document and its sections
                rejected("a list, not a map", "- stages\n", ""),
                rejected("an unknown top-level field", BASE + "plan: {x: 1}\n", "plan"),
                rejected("stages missing", MINIMAL.replace("stages:\n  dev:\n", ""), "stages"),
                rejected("stages empty", MINIMAL.replace("stages:\n  dev:\n", "stages: {}\n"), "stages"),
                rejected("plans missing", MINIMAL.replace("plans:\n  p: {quota: {limit: 1, period: hour}}\n", ""), "plans"),
                rejected("routes missing", MINIMAL.replace("routes:\n  - {path: /, methods: [GET], backend: http://a:1}\n", ""), "routes"),
                rejected("routes empty", MINIMAL.replace("routes:\n  - {path: /, methods: [GET], backend: http://a:1}\n", "routes: []\n"),
                        "routes"),
                rejected("routes a map", MINIMAL.replace("routes:\n  - {path: /, methods: [GET], backend: http://a:1}\n", "routes: {a: 1}\n"),
                        "routes"),
                // Stages
                rejected("a stage name with a space", replace("stages:\n", "stages:\n  qa stage: {variables: {ordersBackend: http://q:1}}\n"),
                        "stages.qa stage"),
                rejected("an unknown stage field", replace("  dev:\n", "  dev:\n    vars: {}\n"), "stages.dev.vars"),
                rejected("a variable name with -", replace("      ordersBackend: http://127.0.0.1:9101\n",
                        "      ordersBackend: http://127.0.0.1:9101\n      my-var: x\n"), "stages.dev.variables.my-var"),
                rejected("a variable value with a space", replace("      ordersBackend: http://127.0.0.1:9101\n",
                        "      ordersBackend: http://127.0.0.1:9101\n      note: a b\n"), "stages.dev.variables.note"),
                rejected("a variable value that is a list", replace("      ordersBackend: http://127.0.0.1:9101\n",
                        "      ordersBackend: http://127.0.0.1:9101\n      note: [a]\n"), "stages.dev.variables.note"),
                // Plans and quotas
                rejected("a plan name with a space", replace("plans:\n", "plans:\n  gold plan: {quota: {limit: 1, period: day}}\n"),
                        "plans.gold plan"),
                rejected("a plan with neither quota nor rateLimit, only failOpen", replace("    quota: {limit: 100, period: hour}\n", ""),
                        "plans.trial"),
                rejected("an unknown plan field", replace("    failOpen: true\n", "    failOpen: true\n    limit: 5\n"), "plans.trial.limit"),
                rejected("failOpen not a boolean", replace("failOpen: true", "failOpen: maybe"), "plans.trial.failOpen"),
                rejected("quota limit 0", replace("limit: 100,", "limit: 0,"), "plans.trial.quota.limit"),
                rejected("quota limit a text", replace("limit: 100,", "limit: ten,"), "plans.trial.quota.limit"),
                rejected("quota limit past a long", replace("limit: 100,", "limit: 9223372036854775808,"), "plans.trial.quota.limit"),
                rejected("quota period unknown", replace("period: hour", "period: fortnight"), "plans.trial.quota.period"),
                rejected("quota period missing", replace("{limit: 100, period: hour}", "{limit: 100}"), "plans.trial.quota.period",
                        "plans.trial.quota"),
                rejected("an unknown quota field", replace("period: hour}", "period: hour, burst: 3}"), "plans.trial.quota.burst"),
                rejected("quota lease not a boolean", replace("period: hour}", "period: hour, lease: sometimes}"),
                        "plans.trial.quota.lease"),
                rejected("a plan written empty", replace("    quota: {limit: 100, period: hour}\n    failOpen: true\n", ""),
                        "plans.trial"),
                rejected("a plan that is an empty map", replace("  trial:\n    quota: {limit: 100, period: hour}\n    failOpen: true\n",
                        "  trial: {}\n"), "plans.trial"),
                rejected("a plan with rateLimit written empty and no quota", replace("    quota: {limit: 100, period: hour}\n",
                        "    rateLimit:\n"), "plans.trial.rateLimit"),
                rejected("quota written empty beside a rate limit", replace("    quota: {limit: 100, period: hour}\n",
                        "    quota:\n    rateLimit: {requests: 1, per: second}\n"), "plans.trial.quota"),
                rejected("quota a text", replace("quota: {limit: 100, period: hour}", "quota: daily"), "plans.trial.quota"),
                // Quota lists
                rejected("quotas empty", replace("quota: {limit: 100, period: hour}", "quota: []"), "plans.trial.quota"),
                rejected("two quotas per day", replace("quota: {limit: 100, period: hour}",
                        "quota: [{limit: 100, period: day}, {limit: 200, period: day}]"), "plans.trial.quota[1].period", "plans.trial.quota"),
                rejected("a period twice among three quotas", replace("quota: {limit: 100, period: hour}",
                        "quota: [{limit: 1, period: hour}, {limit: 2, period: week}, {limit: 3, period: hour}]"),
                        "plans.trial.quota[2].period", "plans.trial.quota"),
                rejected("a quota in the list without limit", replace("quota: {limit: 100, period: hour}",
                        "quota: [{limit: 100, period: day}, {period: hour}]"), "plans.trial.quota[1].limit"),
                rejected("a quota in the list with limit 0", replace("quota: {limit: 100, period: hour}",
                        "quota: [{limit: 100, period: day}, {limit: 0, period: hour}]"), "plans.trial.quota[1].limit"),
                rejected("a quota in the list with an unknown period", replace("quota: {limit: 100, period: hour}",
                        "quota: [{limit: 100, period: Day}]"), "plans.trial.quota[0].period"),
                rejected("a quota in the list with an unknown field", replace("quota: {limit: 100, period: hour}",
                        "quota: [{limit: 100, period: day, burst: 3}]"), "plans.trial.quota[0].burst"),
                rejected("a quota in the list that is a text", replace("quota: {limit: 100, period: hour}",
                        "quota: [{limit: 100, period: day}, hour]"), "plans.trial.quota[1]"),
                rejected("a quota in the list written empty", replace("quota: {limit: 100, period: hour}",
                        "quota: [{limit: 100, period: day}, ~]"), "plans.trial.quota[1]"),
                rejected("a quota list in a list", replace("quota: {limit: 100, period: hour}",
                        "quota: [[{limit: 100, period: day}]]"), "plans.trial.quota[0]"),
                // Rate limits
                rejected("a rate limit per hour", routeField("rateLimit: {requests: 5, per: hour}"), "routes[1].rateLimit.per"),
                rejected("a plan rate limit per day", replace("    failOpen: true\n", "    rateLimit: {requests: 1, per: day}\n"),
                        "plans.trial.rateLimit.per"),
                rejected("a rate limit per Second, capitalised", routeField("rateLimit: {requests: 5, per: Second}"),
                        "routes[1].rateLimit.per"),
                rejected("a rate limit per seconds", routeField("rateLimit: {requests: 5, per: seconds}"), "routes[1].rateLimit.per"),
                rejected("a rate limit per 1s", routeField("rateLimit: {requests: 5, per: 1s}"), "routes[1].rateLimit.per"),
                rejected("a rate limit per a number", routeField("rateLimit: {requests: 5, per: 1}"), "routes[1].rateLimit.per"),
                rejected("a rate limit without per", routeField("rateLimit: {requests: 5}"), "routes[1].rateLimit.per"),
                rejected("rate limit lease not a boolean", routeField("rateLimit: {requests: 5, per: second, lease: sometimes}"),
                        "routes[1].rateLimit.lease"),
                rejected("a rate limit of 0 requests", routeField("rateLimit: {requests: 0, per: second}"), "routes[1].rateLimit.requests"),
                rejected("a rate limit of -1 requests", routeField("rateLimit: {requests: -1, per: second}"),
                        "routes[1].rateLimit.requests"),
                rejected("a rate limit of 100001 requests", routeField("rateLimit: {requests: 100001, per: second}"),
                        "routes[1].rateLimit.requests"),
                rejected("a rate limit of requests past a long", routeField("rateLimit: {requests: 9223372036854775808, per: second}"),
                        "routes[1].rateLimit.requests"),
                rejected("a rate limit of 1.5 requests", routeField("rateLimit: {requests: 1.5, per: second}"),
                        "routes[1].rateLimit.requests"),
                rejected("a rate limit of requests written as text", routeField("rateLimit: {requests: '5', per: second}"),
                        "routes[1].rateLimit.requests"),
                rejected("a rate limit without requests", replace("    failOpen: true\n", "    rateLimit: {per: second, burst: 5}\n"),
                        "plans.trial.rateLimit.requests"),
                rejected("a rate limit written as an empty map", routeField("rateLimit: {}"), "routes[1].rateLimit"),
                rejected("a burst of 1000001", routeField("rateLimit: {requests: 5, per: second, burst: 1000001}"),
                        "routes[1].rateLimit.burst"),
                rejected("a burst of 0", routeField("rateLimit: {requests: 5, per: second, burst: 0}"), "routes[1].rateLimit.burst"),
                rejected("a burst of 0 beside 0 requests", routeField("rateLimit: {requests: 0, per: second, burst: 0}"),
                        "routes[1].rateLimit"),
                rejected("a burst written as text", routeField("rateLimit: {requests: 5, per: second, burst: ten}"),
                        "routes[1].rateLimit.burst"),
                rejected("a burst written empty", routeField("rateLimit: {requests: 5, per: second, burst: }"), "routes[1].rateLimit.burst"),
                rejected("an unknown rateLimit field", routeField("rateLimit: {requests: 5, per: second, window: 1s}"),
                        "routes[1].rateLimit.window"),
                rejected("a route rate limit written empty", routeField("rateLimit:"), "routes[1].rateLimit"),
                rejected("a route rate limit that is a number", routeField("rateLimit: 10"), "routes[1].rateLimit"),
                rejected("a plan rate limit that is a list", replace("    failOpen: true\n", "    rateLimit: [{requests: 1, per: second}]\n"),
                        "plans.trial.rateLimit"),
                // API keys
                rejected("apiKeys a map", MINIMAL.replace("apiKeys:\n", "apiKeys: {k1: x}\n"), "apiKeys"),
                rejected("both value and sha256", replace("    value: demo-dev-key\n", "    value: demo-dev-key\n    sha256: "
                        + "a".repeat(64) + "\n"), "apiKeys[0]"),
                rejected("neither value nor sha256", replace("    value: demo-dev-key\n", ""), "apiKeys[0]"),
                rejected("a value of 7 characters", replace("value: demo-dev-key", "value: 1234567"), "apiKeys[0].value"),
                rejected("a value that is a number", replace("value: demo-dev-key", "value: 123456789"), "apiKeys[0].value"),
                rejected("a sha256 of 63 digits", replace(BOB_HASH, BOB_HASH.substring(1)), "apiKeys[1].sha256"),
                rejected("a sha256 not hexadecimal", replace(BOB_HASH, "g" + BOB_HASH.substring(1)), "apiKeys[1].sha256"),
                rejected("an id with a space", replace("id: k1", "id: k 1"), "apiKeys[0].id"),
                rejected("consumer missing", replace("    consumer: alice\n", ""), "apiKeys[0].consumer", "apiKeys[0]"),
                rejected("an unknown key field", replace("    consumer: alice\n", "    consumer: alice\n    owner: x\n"),
                        "apiKeys[0].owner"),
                rejected("a key that is a text", replace("apiKeys:\n", "apiKeys:\n  - k0\n"), "apiKeys[0]"),
                // Routes: path, methods, backends
                rejected("a route that is a text", replace("routes:\n", "routes:\n  - /x\n"), "routes[0]"),
                rejected("an unknown route field", routeField("timeOut: 1s"), "routes[1].timeOut"),
                rejected("a path without /", replace("path: /orders/{id}", "path: orders/{id}"), "routes[1].path"),
                rejected("a path with a trailing /", replace("path: /orders/{id}", "path: /orders/"), "routes[1].path"),
                rejected("a path with a bad parameter", replace("path: /orders/{id}", "path: /orders/{1d}"), "routes[1].path"),
                rejected("a path under /_tollgate", replace("path: /orders/{id}", "path: /_tollgate/x"), "routes[1].path"),
                rejected("a path with a .. segment", replace("path: /orders/{id}", "path: /orders/../{id}"), "routes[1].path"),
                rejected("a path ending in a . segment", replace("path: /orders/{id}", "path: /orders/{id}/."), "routes[1].path"),
                rejected("methods empty", replace("methods: [GET]", "methods: []"), "routes[1].methods"),
                rejected("methods a text", replace("methods: [GET]", "methods: GET"), "routes[1].methods"),
                rejected("method FETCH", replace("methods: [GET]", "methods: [FETCH]"), "routes[1].methods"),
                rejected("a method twice", replace("methods: [GET]", "methods: [GET, GET]"), "routes[1].methods"),
                rejected("path missing", replace("  - path: /orders/{id}\n    methods", "  - methods"), "routes[1].path", "routes[1]"),
                rejected("backend and backends", routeField("backends: [{url: http://b:1, weight: 1}]"), "routes[1]"),
                rejected("neither backend nor backends", replace("    backend: http://fixed.internal:8080\n", ""),
                        "routes[1].backend", "routes[1]"),
                rejected("a backend not http", replace("backend: http://fixed.internal:8080", "backend: ftp://fixed.internal"),
                        "routes[1].backend"),
                rejected("a backend without scheme", replace("backend: http://fixed.internal:8080", "backend: fixed.internal"),
                        "routes[1].backend"),
                rejected("a backend with a query", replace("backend: http://fixed.internal:8080", "backend: http://fixed.internal/?a=1"),
                        "routes[1].backend"),
                rejected("a backend host with _", replace("backend: http://fixed.internal:8080", "backend: http://fixed_internal:8080"),
                        "routes[1].backend"),
                rejected("a backend with user info", replace("backend: http://fixed.internal:8080", "backend: http://u@fixed.internal"),
                        "routes[1].backend"),
                rejected("a misspelt stage variable", replace("backend: ${stageVariables.ordersBackend}",
                        "backend: ${stageVariable.ordersBackend}"), "routes[0].backend"),
                rejected("an ecs:// cluster name with a dot", ecsBackend("ecs://prod.eu/orders"), "routes[1].backend"),
                rejected("an ecs:// cluster name of 256 characters", ecsBackend("ecs://" + "c".repeat(256) + "/orders"),
                        "routes[1].backend"),
                rejected("an ecs:// URL without a service", ecsBackend("ecs://prod"), "routes[1].backend"),
                rejected("an ecs:// service name written empty", ecsBackend("ecs://prod/"), "routes[1].backend"),
                rejected("an ecs:// service name with a dot", ecsBackend("ecs://prod/orders.v2"), "routes[1].backend"),
                rejected("an ecs:// URL with a path after the service", ecsBackend("ecs://prod/orders/v1"), "routes[1].backend"),
                rejected("an ecs:// port 0", ecsBackend("ecs://prod/orders:0"), "routes[1].backend"),
                rejected("an ecs:// port 65536", ecsBackend("ecs://prod/orders:65536"), "routes[1].backend"),
                rejected("an ecs:// port with a leading zero", ecsBackend("ecs://prod/orders:080"), "routes[1].backend"),
                rejected("an ecs:// port written empty", ecsBackend("'ecs://prod/orders:'"), "routes[1].backend"),
                rejected("an ecs:// URL with a cluster ARN", ecsBackend("'ecs://arn:aws:ecs:us-east-1:1:cluster/prod/orders'"),
                        "routes[1].backend"),
                rejected("a weighted ecs:// backend with a bad port", withBackends("[{url: 'ecs://prod/orders:70000', weight: 1}]"),
                        "routes[1].backends[0].url"),
                rejected("backends empty", withBackends("[]"), "routes[1].backends"),
                rejected("a backend weight of 1001", withBackends("[{url: http://a:1, weight: 1001}]"), "routes[1].backends[0].weight"),
                rejected("a backend weight missing", withBackends("[{url: http://a:1}]"), "routes[1].backends[0].weight",
                        "routes[1].backends"),
                rejected("backend weights all 0", withBackends("[{url: http://a:1, weight: 0}, {url: http://b:1, weight: 0}]"),
                        "routes[1].backends"),
                rejected("an unknown backends field", withBackends("[{url: http://a:1, weight: 1, zone: a}]"),
                        "routes[1].backends[0].zone"),
                rejected("a backends url not http", withBackends("[{url: a:1, weight: 1}]"), "routes[1].backends[0].url"),
                // Durations and sizes
                rejected("timeout 0ms", timeout("0ms"), "routes[1].timeout"),
                rejected("timeout a number", timeout("10"), "routes[1].timeout"),
                rejected("timeout with a space", timeout("'10 s'"), "routes[1].timeout"),
                rejected("timeout with a fraction", timeout("1.5s"), "routes[1].timeout"),
                rejected("timeout of 10 digits", timeout("0000000001s"), "routes[1].timeout"),
                rejected("maxBodySize 0B", routeField("maxBodySize: 0B"), "routes[1].maxBodySize"),
                rejected("maxBodySize in GB", routeField("maxBodySize: 1GB"), "routes[1].maxBodySize"),
                rejected("maxBodySize a number", routeField("maxBodySize: 1024"), "routes[1].maxBodySize"),
                // IP access
                rejected("a host name to allow", BASE + "ipAccess: {allow: [example.com]}\n", "ipAccess.allow[0]"),
                rejected("an IPv4 prefix of 33", BASE + "ipAccess: {deny: [10.0.0.0/33]}\n", "ipAccess.deny[0]"),
                rejected("an IPv6 prefix of 129", BASE + "ipAccess: {deny: ['2001:db8::/129']}\n", "ipAccess.deny[0]"),
                rejected("an IPv4 octet of 256", BASE + "ipAccess: {deny: [10.0.0.256]}\n", "ipAccess.deny[0]"),
                rejected("a word of hex digits, which is no host name either", BASE + "ipAccess: {deny: [cafe]}\n", "ipAccess.deny[0]"),
                rejected("an IPv4 address of three parts", BASE + "ipAccess: {deny: [1.2.3]}\n", "ipAccess.deny[0]"),
                rejected("an IPv4 part with a leading zero", BASE + "ipAccess: {deny: [10.0.0.010]}\n", "ipAccess.deny[0]"),
                rejected("allow not a list", BASE + "ipAccess: {allow: 10.0.0.0/8}\n", "ipAccess.allow"),
                rejected("an unknown ipAccess field", BASE + "ipAccess: {block: []}\n", "ipAccess.block"),
                rejected("a route's ipAccess a list", routeField("ipAccess: [10.0.0.0/8]"), "routes[1].ipAccess"),
                // Header rules
                rejected("setting x-request-id", routeField("requestHeaders: {set: {x-request-id: a}}"),
                        "routes[1].requestHeaders.set.x-request-id", "routes[1].requestHeaders.set"),
                rejected("setting Host in any case", routeField("requestHeaders: {set: {Host: a}}"),
                        "routes[1].requestHeaders.set.Host", "routes[1].requestHeaders.set"),
                rejected("adding RateLimit-Limit", routeField("responseHeaders: {add: {RateLimit-Limit: '1'}}"),
                        "routes[1].responseHeaders.add.RateLimit-Limit", "routes[1].responseHeaders.add"),
                rejected("a header name with a space", routeField("requestHeaders: {set: {'x tenant': a}}"),
                        "routes[1].requestHeaders.set.x tenant", "routes[1].requestHeaders.set"),
                rejected("a header value with a tab", routeField("requestHeaders: {set: {x-tenant: \"a\\tb\"}}"),
                        "routes[1].requestHeaders.set.x-tenant"),
                rejected("a header value that is a map", routeField("responseHeaders: {set: {x-tenant: {a: 1}}}"),
                        "routes[1].responseHeaders.set.x-tenant"),
                rejected("removing x-api-key", routeField("requestHeaders: {remove: [X-Api-Key]}"), "routes[1].requestHeaders.remove[0]"),
                rejected("setting traceparent", routeField("requestHeaders: {set: {traceparent: a}}"),
                        "routes[1].requestHeaders.set.traceparent", "routes[1].requestHeaders.set"),
                rejected("removing X-Amzn-Trace-Id", routeField("requestHeaders: {remove: [X-Amzn-Trace-Id]}"),
                        "routes[1].requestHeaders.remove[0]"),
                rejected("remove not a list", routeField("requestHeaders: {remove: cookie}"), "routes[1].requestHeaders.remove"),
                rejected("set not a map", routeField("requestHeaders: {set: [a]}"), "routes[1].requestHeaders.set"),
                rejected("an unknown header rule", routeField("requestHeaders: {rename: {a: b}}"), "routes[1].requestHeaders.rename"),
                rejected("a header rule naming x-tollgate-consumer", routeField("requestHeaders: {set: {X-Tollgate-Consumer: a}}"),
                        "routes[1].requestHeaders.set.X-Tollgate-Consumer", "routes[1].requestHeaders.set"),
                rejected("removing x-tollgate-plan", routeField("requestHeaders: {remove: [x-tollgate-plan]}"),
                        "routes[1].requestHeaders.remove[0]"),
                rejected("adding X-TOLLGATE-SUBJECT to answers", routeField("responseHeaders: {add: {X-TOLLGATE-SUBJECT: a}}"),
                        "routes[1].responseHeaders.add.X-TOLLGATE-SUBJECT", "routes[1].responseHeaders.add"),
                // Path rewriting
                rejected("stripPrefix and targetPath", routeField("stripPrefix: /orders\ntargetPath: /v2/orders/{id}"), "routes[1]"),
                rejected("stripPrefix ending in /", routeField("stripPrefix: /orders/"), "routes[1].stripPrefix"),
                rejected("stripPrefix with a parameter", routeField("stripPrefix: /orders/{id}"), "routes[1].stripPrefix"),
                rejected("targetPath without /", routeField("targetPath: v2/orders/{id}"), "routes[1].targetPath"),
                rejected("targetPath a number", routeField("targetPath: 2"), "routes[1].targetPath"),
                rejected("targetPath with a .. segment", routeField("targetPath: /v2/../{id}"), "routes[1].targetPath"),
                // Retries and circuit breakers
                rejected("retries 6", routeField("retry: {retries: 6}"), "routes[1].retry.retries"),
                rejected("retries -1", routeField("retry: {retries: -1}"), "routes[1].retry.retries"),
                rejected("retries missing", routeField("retry: {backoff: 50ms}"), "routes[1].retry.retries", "routes[1].retry"),
                rejected("retry status 404", routeField("retry: {retries: 1, statuses: [404]}"), "routes[1].retry.statuses[0]"),
                rejected("retry status 600", routeField("retry: {retries: 1, statuses: [600]}"), "routes[1].retry.statuses[0]"),
                rejected("retry statuses a number", routeField("retry: {retries: 1, statuses: 503}"), "routes[1].retry.statuses"),
                rejected("backoff 11s", routeField("retry: {retries: 1, backoff: 11s}"), "routes[1].retry.backoff"),
                rejected("maxBackoff 10001ms", routeField("retry: {retries: 1, maxBackoff: 10001ms}"), "routes[1].retry.maxBackoff"),
                rejected("an unknown retry field", routeField("retry: {retries: 1, jitter: true}"), "routes[1].retry.jitter"),
                rejected("retry a number", routeField("retry: 3"), "routes[1].retry"),
                rejected("failureThreshold 0", routeField("circuitBreaker: {failureThreshold: 0}"), "routes[1].circuitBreaker.failureThreshold"),
                rejected("failureThreshold 1001", routeField("circuitBreaker: {failureThreshold: 1001}"),
                        "routes[1].circuitBreaker.failureThreshold"),
                rejected("halfOpenProbes 101", routeField("circuitBreaker: {halfOpenProbes: 101}"), "routes[1].circuitBreaker.halfOpenProbes"),
                rejected("openFor 999ms", routeField("circuitBreaker: {openFor: 999ms}"), "routes[1].circuitBreaker.openFor"),
                rejected("openFor 11m", routeField("circuitBreaker: {openFor: 11m}"), "routes[1].circuitBreaker.openFor"),
                rejected("an unknown circuitBreaker field", routeField("circuitBreaker: {resetAfter: 1s}"),
                        "routes[1].circuitBreaker.resetAfter"),
                // JWT issuers
                rejected("jwt a list", BASE + "jwt: [corporate]\n", "jwt"),
                rejected("an unknown jwt field", BASE + JWT + "  cacheSize: 1\n", "jwt.cacheSize"),
                rejected("jwt without issuers", BASE + "jwt: {tokenCacheSize: 1}\n", "jwt.issuers"),
                rejected("jwt issuers empty", BASE + "jwt: {issuers: {}}\n", "jwt.issuers"),
                rejected("jwt issuers a list", BASE + "jwt: {issuers: [corporate]}\n", "jwt.issuers"),
                rejected("tokenCacheSize 1000001", jwt("tokenCacheSize: 10000", "tokenCacheSize: 1000001"), "jwt.tokenCacheSize"),
                rejected("tokenCacheSize -1", jwt("tokenCacheSize: 10000", "tokenCacheSize: -1"), "jwt.tokenCacheSize"),
                rejected("tokenCacheSize a text", jwt("tokenCacheSize: 10000", "tokenCacheSize: many"), "jwt.tokenCacheSize"),
                rejected("an issuer name with a space", jwt("  corporate:", "  corp orate:"), "jwt.issuers.corp orate", "jwt.issuers"),
                rejected("an issuer that is a text", jwt("    corporate:\n", "    other: x\n    corporate:\n"), "jwt.issuers.other"),
                rejected("an unknown issuer field", jwt("      plan: trial\n", "      plan: trial\n      tenant: x\n"),
                        "jwt.issuers.corporate.tenant"),
                rejected("an issuer without issuer", jwt("      issuer: https://login.example.com/\n", ""),
                        "jwt.issuers.corporate.issuer"),
                rejected("an issuer without plan", jwt("      plan: trial\n", ""), "jwt.issuers.corporate.plan"),
                rejected("an issuer that is blank", jwt("issuer: urn:tollgate:local-demo", "issuer: ' '"),
                        "jwt.issuers.local-demo.issuer"),
                rejected("an issuer that is a number", jwt("issuer: urn:tollgate:local-demo", "issuer: 7"),
                        "jwt.issuers.local-demo.issuer"),
                rejected("an issuer of 2049 characters", jwt("issuer: urn:tollgate:local-demo", "issuer: urn:" + "a".repeat(2045)),
                        "jwt.issuers.local-demo.issuer"),
                rejected("a non-URL issuer without jwksUri", jwt("https://login.example.com/", "login.example.com"),
                        "jwt.issuers.corporate.issuer"),
                rejected("a discovered issuer without a host", jwt("https://login.example.com/", "https:///x"),
                        "jwt.issuers.corporate.issuer"),
                rejected("a discovered issuer with user info", jwt("https://login.example.com/", "https://me@login.example.com/"),
                        "jwt.issuers.corporate.issuer"),
                rejected("a jwksUri not http", jwt("jwksUri: http://127.0.0.1", "jwksUri: file://127.0.0.1"),
                        "jwt.issuers.local-demo.jwksUri"),
                rejected("a jwksUri with user info", jwt("jwksUri: http://127.0.0.1", "jwksUri: http://me@127.0.0.1"),
                        "jwt.issuers.local-demo.jwksUri"),
                rejected("audiences empty", jwt("audiences: [orders]", "audiences: []"), "jwt.issuers.corporate.audiences"),
                // Taken literally, a mistyped reference would match no token, so every call would be 401.
                rejected("an audience with a broken variable reference", jwt("audiences: [orders]",
                        "audiences: ['${stageVariables.jwt-audience}']"), "jwt.issuers.corporate.audiences[0]"),
                rejected("an audience with a misspelt variable reference", jwt("audiences: [orders]",
                        "audiences: ['${stageVariable.jwtAudience}']"), "jwt.issuers.corporate.audiences[0]"),
                rejected("audiences missing", jwt("      audiences: [orders]\n", ""), "jwt.issuers.corporate.audiences"),
                rejected("audiences a text", jwt("audiences: [orders]", "audiences: orders"), "jwt.issuers.corporate.audiences"),
                rejected("an audience that is blank", jwt("audiences: [orders]", "audiences: [orders, ' ']"),
                        "jwt.issuers.corporate.audiences[1]"),
                rejected("an audience of 2049 characters", jwt("audiences: [orders]", "audiences: [" + "a".repeat(2049) + "]"),
                        "jwt.issuers.corporate.audiences[0]"),
                rejected("an audience that is a number", jwt("audiences: [orders]", "audiences: [7]"),
                        "jwt.issuers.corporate.audiences[0]"),
                rejected("algorithms empty", jwt("[RS256, ES256]", "[]"), "jwt.issuers.local-demo.algorithms"),
                rejected("algorithm HS256", jwt("[RS256, ES256]", "[HS256]"), "jwt.issuers.local-demo.algorithms[0]"),
                rejected("algorithm none", jwt("[RS256, ES256]", "[RS256, none]"), "jwt.issuers.local-demo.algorithms[1]"),
                rejected("algorithm rs256 in lower case", jwt("[RS256, ES256]", "[rs256]"), "jwt.issuers.local-demo.algorithms[0]"),
                rejected("clockSkew 6m", jwt("clockSkew: 60s", "clockSkew: 6m"), "jwt.issuers.local-demo.clockSkew"),
                rejected("clockSkew 300001ms", jwt("clockSkew: 60s", "clockSkew: 300001ms"), "jwt.issuers.local-demo.clockSkew"),
                rejected("clockSkew 1h", jwt("clockSkew: 60s", "clockSkew: 1h"), "jwt.issuers.local-demo.clockSkew"),
                rejected("clockSkew in days", jwt("clockSkew: 60s", "clockSkew: 1d"), "jwt.issuers.local-demo.clockSkew"),
                rejected("clockSkew a number", jwt("clockSkew: 60s", "clockSkew: 60"), "jwt.issuers.local-demo.clockSkew"),
                rejected("jwksRefreshInterval 0s", jwt("jwksRefreshInterval: 1m", "jwksRefreshInterval: 0s"),
                        "jwt.issuers.local-demo.jwksRefreshInterval"),
                rejected("jwksRefreshInterval 999ms", jwt("jwksRefreshInterval: 1m", "jwksRefreshInterval: 999ms"),
                        "jwt.issuers.local-demo.jwksRefreshInterval"),
                rejected("jwksRefreshInterval 61m", jwt("jwksRefreshInterval: 1m", "jwksRefreshInterval: 61m"),
                        "jwt.issuers.local-demo.jwksRefreshInterval"),
                rejected("jwksMaxAge 59s", jwt("jwksMaxAge: 1h", "jwksMaxAge: 59s"), "jwt.issuers.local-demo.jwksMaxAge"),
                rejected("jwksMaxAge 1441m", jwt("jwksMaxAge: 1h", "jwksMaxAge: 1441m"), "jwt.issuers.local-demo.jwksMaxAge"),
                rejected("jwksMaxAge 25h", jwt("jwksMaxAge: 1h", "jwksMaxAge: 25h"), "jwt.issuers.local-demo.jwksMaxAge"),
                rejected("maxTokenLifetime 721h", jwt("maxTokenLifetime: 24h", "maxTokenLifetime: 721h"),
                        "jwt.issuers.local-demo.maxTokenLifetime"),
                rejected("maxTokenLifetime 43201m", jwt("maxTokenLifetime: 24h", "maxTokenLifetime: 43201m"),
                        "jwt.issuers.local-demo.maxTokenLifetime"),
                rejected("maxTokenLifetime 2592001s", jwt("maxTokenLifetime: 24h", "maxTokenLifetime: 2592001s"),
                        "jwt.issuers.local-demo.maxTokenLifetime"),
                rejected("maxTokenLifetime 59999ms", jwt("maxTokenLifetime: 24h", "maxTokenLifetime: 59999ms"),
                        "jwt.issuers.local-demo.maxTokenLifetime"),
                rejected("maxTokenLifetime 0m", jwt("maxTokenLifetime: 24h", "maxTokenLifetime: 0m"),
                        "jwt.issuers.local-demo.maxTokenLifetime"),
                rejected("maxTokenLifetime in days", jwt("maxTokenLifetime: 24h", "maxTokenLifetime: 30d"),
                        "jwt.issuers.local-demo.maxTokenLifetime"),
                rejected("a consumerClaim with a space", jwt("consumerClaim: sub", "consumerClaim: 'user id'"),
                        "jwt.issuers.local-demo.consumerClaim"),
                rejected("a consumerClaim written empty", jwt("consumerClaim: sub", "consumerClaim:"),
                        "jwt.issuers.local-demo.consumerClaim"),
                rejected("a planClaim of 257 characters", jwt("planClaim: tollgate_plan", "planClaim: " + "p".repeat(257)),
                        "jwt.issuers.local-demo.planClaim"),
                rejected("a plan name with a space", jwt("      plan: trial\n", "      plan: 'tri al'\n"), "jwt.issuers.corporate.plan"),
                // Route credentials and connectTimeout
                rejected("public with auth", routeField("public: true\nauth: {jwt: [corporate]}") + JWT, "routes[1].public"),
                rejected("public with auth as an empty map", routeField("public: true\nauth: {}"), "routes[1].public"),
                rejected("public not a boolean", routeField("public: yes please"), "routes[1].public"),
                rejected("public written empty", routeField("public:"), "routes[1].public"),
                rejected("auth a list", routeField("auth: [jwt]"), "routes[1].auth"),
                rejected("an unknown auth field", routeField("auth: {apiKey: true, basic: true}"), "routes[1].auth.basic"),
                rejected("apiKey not a boolean", routeField("auth: {apiKey: 'no'}"), "routes[1].auth.apiKey"),
                rejected("auth with apiKey false and no jwt", routeField("auth: {apiKey: false}"), "routes[1].auth"),
                rejected("claims with apiKey false and no jwt", routeField("auth: {apiKey: false, claims: {a: b}}"), "routes[1].auth"),
                rejected("scopes with apiKey true", routeField("auth: {apiKey: true, jwt: [corporate], scopes: [a]}") + JWT,
                        "routes[1].auth"),
                rejected("claims with apiKey true", routeField("auth: {apiKey: true, jwt: [corporate], claims: {a: b}}") + JWT,
                        "routes[1].auth"),
                rejected("scopes without jwt (apiKey then true), though the file has a jwt section", routeField("auth: {scopes: [a]}")
                        + JWT, "routes[1].auth"),
                rejected("auth jwt empty", routeField("auth: {apiKey: true, jwt: []}") + JWT, "routes[1].auth.jwt"),
                rejected("auth jwt a text", routeField("auth: {jwt: corporate}") + JWT, "routes[1].auth.jwt"),
                rejected("an auth issuer name with a space", routeField("auth: {jwt: ['corp orate']}") + JWT, "routes[1].auth.jwt[0]"),
                rejected("scopes empty", routeField("auth: {jwt: [corporate], scopes: []}") + JWT, "routes[1].auth.scopes"),
                rejected("a scope with a space", routeField("auth: {apiKey: false, jwt: [corporate], scopes: ['a b']}") + JWT,
                        "routes[1].auth.scopes[0]"),
                rejected("a scope with a quote", routeField("auth: {jwt: [corporate], scopes: ['a\"b']}") + JWT,
                        "routes[1].auth.scopes[0]"),
                rejected("a scope of 257 characters", routeField("auth: {jwt: [corporate], scopes: [" + "s".repeat(257) + "]}") + JWT,
                        "routes[1].auth.scopes[0]"),
                rejected("claims empty", routeField("auth: {jwt: [corporate], claims: {}}") + JWT, "routes[1].auth.claims"),
                rejected("claims a list", routeField("auth: {jwt: [corporate], claims: [tenant]}") + JWT, "routes[1].auth.claims"),
                rejected("a claim name with a space", routeField("auth: {jwt: [corporate], claims: {'a b': c}}") + JWT,
                        "routes[1].auth.claims.a b", "routes[1].auth.claims"),
                rejected("a claim value that is a map", routeField("auth: {apiKey: false, jwt: [corporate], claims: {a: {b: c}}}") + JWT,
                        "routes[1].auth.claims.a"),
                rejected("a claim value written empty", routeField("auth: {jwt: [corporate], claims: {a: }}") + JWT,
                        "routes[1].auth.claims.a"),
                rejected("a claim's values empty", routeField("auth: {jwt: [corporate], claims: {a: []}}") + JWT,
                        "routes[1].auth.claims.a"),
                rejected("a claim's values with a list", routeField("auth: {jwt: [corporate], claims: {a: [b, [c]]}}") + JWT,
                        "routes[1].auth.claims.a"),
                rejected("connectTimeout 0ms", routeField("connectTimeout: 0ms"), "routes[1].connectTimeout"),
                rejected("connectTimeout a number", routeField("connectTimeout: 5"), "routes[1].connectTimeout"),
                // CORS
                rejected("cors a list", BASE + "cors: [a]\n", "cors"),
                rejected("cors without allowOrigins", BASE + "cors: {maxAge: 1}\n", "cors.allowOrigins", "cors"),
                rejected("cors allowOrigins empty", BASE + "cors: {allowOrigins: []}\n", "cors.allowOrigins"),
                rejected("an origin with a path", BASE + "cors: {allowOrigins: ['https://a.example/x']}\n", "cors.allowOrigins[0]"),
                rejected("an origin without scheme", BASE + "cors: {allowOrigins: [a.example]}\n", "cors.allowOrigins[0]"),
                rejected("credentials with *", BASE + "cors: {allowOrigins: ['*'], allowCredentials: true}\n", "cors.allowCredentials",
                        "cors.allowOrigins"),
                rejected("allowCredentials not a boolean", BASE + "cors: {allowOrigins: ['*'], allowCredentials: 'true'}\n",
                        "cors.allowCredentials"),
                rejected("maxAge 86401", BASE + "cors: {allowOrigins: ['*'], maxAge: 86401}\n", "cors.maxAge"),
                rejected("maxAge -1", BASE + "cors: {allowOrigins: ['*'], maxAge: -1}\n", "cors.maxAge"),
                // Numbers past an int or a long, which would wrap into the bounds
                rejected("maxAge 2^64 + 86400", BASE + "cors: {allowOrigins: ['*'], maxAge: 18446744073709638400}\n", "cors.maxAge"),
                rejected("failureThreshold 2^32 + 1", routeField("circuitBreaker: {failureThreshold: 4294967297}"),
                        "routes[1].circuitBreaker.failureThreshold"),
                rejected("halfOpenProbes 2^64 + 1", routeField("circuitBreaker: {halfOpenProbes: 18446744073709551617}"),
                        "routes[1].circuitBreaker.halfOpenProbes"),
                rejected("retries 2^32 + 1", routeField("retry: {retries: 4294967297}"), "routes[1].retry.retries"),
                rejected("a status 2^32 + 503", routeField("retry: {retries: 1, statuses: [4294967799]}"),
                        "routes[1].retry.statuses[0]"),
                rejected("a weight 2^32 + 1", withBackends("[{url: http://a:1, weight: 4294967297}]"), "routes[1].backends[0].weight"),
                rejected("tokenCacheSize 2^64 + 10", BASE + JWT.replace("tokenCacheSize: 10000", "tokenCacheSize: 18446744073709551626"),
                        "jwt.tokenCacheSize"),
                rejected("rate limit requests 2^64 + 5", routeField("rateLimit: {requests: 18446744073709551621, per: second}"),
                        "routes[1].rateLimit.requests"),
                rejected("a burst 2^32 + 5", routeField("rateLimit: {requests: 5, per: second, burst: 4294967301}"),
                        "routes[1].rateLimit.burst"),
                rejected("quota limit 2^64 + 100", replace("limit: 100,", "limit: 18446744073709551716,"), "plans.trial.quota.limit"),
                rejected("an allowHeaders name with a space", BASE + "cors: {allowOrigins: ['*'], allowHeaders: ['a b']}\n",
                        "cors.allowHeaders[0]"),
                rejected("an unknown cors field", BASE + "cors: {allowOrigins: ['*'], allowMethods: [GET]}\n", "cors.allowMethods"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedByBoth")
    void invalidDocuments_areRejectedByBoth_atTheSamePlace(String name, String yaml, String loaderAt, String schemaAt) {
        List<String> loaderPlaces = loaderProblems(yaml).stream().map(ConfigProblem::path).toList();
        List<String> schemaPlaces = schemaErrors(yaml).stream().map(ConfigSchemaTest::place).toList();

        assertThat(loaderPlaces).as("%s: the loader's problems", name).isNotEmpty().allMatch(place -> within(place, loaderAt));
        // None outside it either: an editor marks every error, and each must be one the loader would name there.
        assertThat(schemaPlaces).as("%s: the schema's errors", name).isNotEmpty().allMatch(place -> within(place, schemaAt));
    }

    /**
     * Every header the gateway manages, in upper case and with {@code _} for {@code -} (as CGI-style backends
     * read it), and the identity headers so spelled, for {@link #everyManagedHeader_isRefusedByBoth}.
     */
    static Stream<String> managedHeaders() {
        return Stream.concat(dev.tollgate.backend.HeaderRules.MANAGED.stream().sorted(),
                        Stream.of("x-tollgate-consumer", "x-tollgate-anything"))
                .flatMap(name -> Stream.of(name.toUpperCase(java.util.Locale.ROOT), name.replace('-', '_'),
                        name.replaceFirst("-", "_").toUpperCase(java.util.Locale.ROOT)))
                .distinct();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("managedHeaders")
    void everyManagedHeader_isRefusedByBoth(String header) {
        String yaml = routeField("requestHeaders: {remove: ['" + header + "']}");

        assertThat(loaderProblems(yaml)).extracting(ConfigProblem::path).containsExactly("routes[1].requestHeaders.remove[0]");
        assertThat(schemaErrors(yaml)).extracting(ConfigSchemaTest::place).isNotEmpty()
                .allMatch(place -> place.equals("routes[1].requestHeaders.remove[0]"));
    }

    /**
     * What the schema cannot say, so only the loader checks (the schema's {@code $comment} lists
     * these): each document here is one the schema accepts and the loader refuses.
     */
    static Stream<Arguments> loaderOnly() {
        return Stream.of(
                loaderOnly("(1) a key's plan that is not defined", replace("plan: trial\n", "plan: gold\n"), "apiKeys[1].plan"),
                loaderOnly("(1) a key's stage that is not defined", replace("stage: prod\n", "stage: qa\n"), "apiKeys[1].stage"),
                loaderOnly("(1) an issuer's plan that is not defined", jwt("      plan: trial\n", "      plan: gold\n"), "jwt.issuers.corporate.plan"),
                loaderOnly("(1) a route's issuer that is not defined", routeField("auth: {jwt: [okta]}") + JWT, "routes[1].auth.jwt[0]"),
                loaderOnly("(1) a route's issuer without a jwt section", routeField("auth: {jwt: [corporate]}"), "routes[1].auth.jwt[0]"),
                loaderOnly("(2) an audience variable some stage lacks", jwt("      jwtAudience: orders-prod\n", ""),
                        "jwt.issuers.local-demo.audiences[0]"),
                loaderOnly("(2) a variable some stage lacks", replace("      ordersBackend: http://127.0.0.1:9101\n",
                        "      other: http://127.0.0.1:1\n"), "routes[0].backend"),
                loaderOnly("(2) a backend variable that is no URL", replace("ordersBackend: http://127.0.0.1:9101",
                        "ordersBackend: orders"), "stages.dev.variables.ordersBackend"),
                loaderOnly("(2) a backend variable holding an ecs:// cluster name ECS refuses",
                        replace("ordersBackend: http://127.0.0.1:9101", "ordersBackend: ecs://tollgate.dev/orders"),
                        "stages.dev.variables.ordersBackend"),
                loaderOnly("(2) a backend variable holding an ecs:// port above 65535",
                        replace("ordersBackend: http://127.0.0.1:9101", "ordersBackend: ecs://dev/orders:65536"),
                        "stages.dev.variables.ordersBackend"),
                loaderOnly("(3) two routes with one method and path shape", replace("  - path: /orders/{id}\n",
                        "  - path: /orders/{orderId}\n    methods: [GET]\n    backend: http://a:1\n  - path: /orders/{id}\n"), "routes[2]"),
                loaderOnly("(3) a method twice in two cases", replace("methods: [GET]", "methods: [GET, get]"), "routes[1].methods[1]"),
                loaderOnly("(4) two keys with one id", replace("id: k2", "id: k1"), "apiKeys[1].id"),
                loaderOnly("(4) one key twice", replace("sha256: " + ApiKeyHash.sha256Hex("bob-secret-key"),
                        "sha256: " + ApiKeyHash.sha256Hex("demo-dev-key")), "apiKeys[1]"),
                loaderOnly("(5) stripPrefix not leading the path", routeField("stripPrefix: /items"), "routes[1].stripPrefix"),
                loaderOnly("(5) targetPath with an unknown parameter", routeField("targetPath: /v2/{orderId}"), "routes[1].targetPath"),
                loaderOnly("(6) maxBackoff below backoff", routeField("retry: {retries: 1, backoff: 2s, maxBackoff: 1s}"),
                        "routes[1].retry.maxBackoff"),
                loaderOnly("(6) connectTimeout above timeout", routeField("connectTimeout: 251ms"), "routes[1].connectTimeout"),
                loaderOnly("(6) connectTimeout above the default timeout, 29s", replace("    backend: ${stageVariables.ordersBackend}\n",
                        "    backend: ${stageVariables.ordersBackend}\n    connectTimeout: 30s\n"), "routes[0].connectTimeout"),
                loaderOnly("(6) a route's burst below its requests", routeField("rateLimit: {requests: 10, per: second, burst: 9}"),
                        "routes[1].rateLimit.burst"),
                loaderOnly("(6) a plan's burst below its requests, at the bounds", replace("    failOpen: true\n",
                        "    rateLimit: {requests: 100000, per: minute, burst: 99999}\n"), "plans.trial.rateLimit.burst"),
                loaderOnly("(7) a host name java.net.URI does not take", replace("backend: http://fixed.internal:8080",
                        "backend: http://fixed..internal:8080"), "routes[1].backend"),
                loaderOnly("(7) an IPv6 address with too many colons", BASE + "ipAccess: {deny: ['2001:db8:::1']}\n", "ipAccess.deny[0]"),
                loaderOnly("(7) a jwksUri host java.net.URI does not take", jwt("jwksUri: http://127.0.0.1:8080",
                        "jwksUri: http://-keys:8080"), "jwt.issuers.local-demo.jwksUri"),
                loaderOnly("(7) a discovered issuer java.net.URI does not take", jwt("https://login.example.com/",
                        "'https://login.example.com/a b'"), "jwt.issuers.corporate.issuer"),
                loaderOnly("(8) a duplicate key", replace("    methods: [GET]\n", "    methods: [GET]\n    methods: [PUT]\n"),
                        "routes[1].methods"),
                loaderOnly("(8) a whole number written with a fraction", jwt("tokenCacheSize: 10000", "tokenCacheSize: 10000.0"),
                        "jwt.tokenCacheSize"),
                loaderOnly("(8) rate limit requests written with a fraction", routeField("rateLimit: {requests: 10.0, per: second}"),
                        "routes[1].rateLimit.requests"),
                loaderOnly("(8) a burst written with a fraction", routeField("rateLimit: {requests: 10, per: second, burst: 20.0}"),
                        "routes[1].rateLimit.burst"),
                loaderOnly("(8) a listed quota's limit written with a fraction", replace("quota: {limit: 100, period: hour}",
                        "quota: [{limit: 100.0, period: hour}]"), "plans.trial.quota[0].limit"),
                loaderOnly("(8) a whole number with an exponent", routeField("circuitBreaker: {failureThreshold: 1e2}"),
                        "routes[1].circuitBreaker.failureThreshold"),
                loaderOnly("(8) a whole number in octal, as YAML 1.1 reads 017", BASE + "cors: {allowOrigins: ['*'], maxAge: 017}\n",
                        "cors.maxAge"),
                loaderOnly("(8) a whole number in hexadecimal", routeField("retry: {retries: 0x2}"), "routes[1].retry.retries"),
                loaderOnly("(8) a whole number in binary", withBackends("[{url: http://a:1, weight: 0b11}]"), "routes[1].backends[0].weight"),
                loaderOnly("(8) a whole number in digit groups", replace("limit: 100,", "limit: 1_000,"), "plans.trial.quota.limit"),
                loaderOnly("(8) a whole number with a + sign", routeField("rateLimit: {requests: +5, per: second}"),
                        "routes[1].rateLimit.requests"),
                loaderOnly("(8) a negative zero", routeField("retry: {retries: -0}"), "routes[1].retry.retries"),
                loaderOnly("(9) a timeout above the platform's longest wait", timeout("90s"), "routes[1].timeout"),
                loaderOnly("(9) a timeout a millisecond above the platform's longest wait", timeout("30001ms"), "routes[1].timeout"),
                loaderOnly("(9) a timeout in minutes above the platform's longest wait", timeout("1m"), "routes[1].timeout"),
                loaderOnly("(9) a timeout in hours above the platform's longest wait", timeout("1h"), "routes[1].timeout"),
                loaderOnly("(9) a maxBodySize above the platform's largest body", routeField("maxBodySize: 11MB"), "routes[1].maxBodySize"),
                loaderOnly("(9) a maxBodySize a kilobyte above the platform's largest body", routeField("maxBodySize: 10241KB"), "routes[1].maxBodySize"),
                loaderOnly("(9) a maxBodySize a byte above the platform's largest body", routeField("maxBodySize: 10485761B"), "routes[1].maxBodySize"),
                loaderOnly("(9) a connectTimeout above the platform's longest wait", routeField("connectTimeout: 31s"), "routes[1].connectTimeout"),
                loaderOnly("(9) a connectTimeout in minutes above the platform's longest wait", routeField("connectTimeout: 1m"),
                        "routes[1].connectTimeout"));
    }

    @Test
    void aPlatformsLongerWaitAndLargerBody_areForItsLoaderToCheck_theSchemaTakesThem() {
        String yaml = timeout("230s\n    maxBodySize: 100MB");
        PlatformLimits azure = new PlatformLimits(Duration.ofSeconds(230), 100L * 1024 * 1024);

        assertThat(schemaErrors(yaml)).isEmpty();
        assertThat(ConfigLoader.parse(yaml, "t.yaml", azure).routes().get(1).timeout()).isEqualTo(Duration.ofSeconds(230));
        assertThat(loaderProblems(yaml)).extracting(ConfigProblem::path).containsExactly("routes[1].timeout", "routes[1].maxBodySize");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("loaderOnly")
    void loaderOnlyRules_areAcceptedByTheSchema_andRejectedByTheLoader(String name, String yaml, String loaderAt) {
        assertThat(schemaErrors(yaml)).as("%s: the schema's errors", name).isEmpty();
        assertThat(loaderProblems(yaml)).as("%s: the loader's problems", name).extracting(ConfigProblem::path).containsExactly(loaderAt);
    }

    private static Arguments accepted(String name, String yaml) {
        return Arguments.of(name, yaml);
    }

    private static Rejected rejected(String name, String yaml, String at) {
        return new Rejected(name, yaml, at, at);
    }

    /** The loader names {@code loaderAt}; the schema names {@code schemaAt}, where a combination of fields is wrong. */
    private static Rejected rejected(String name, String yaml, String loaderAt, String schemaAt) {
        return new Rejected(name, yaml, loaderAt, schemaAt);
    }

    private static Arguments loaderOnly(String name, String yaml, String loaderAt) {
        return Arguments.of(name, yaml, loaderAt);
    }

    /** BASE with one change, which must apply. */
    private static String replace(String text, String replacement) {
        if (!BASE.contains(text)) {
            throw new IllegalArgumentException("not in BASE: " + text);
        }
        return BASE.replace(text, replacement);
    }

    /** BASE with the jwt section, and one change to either, which must apply once. */
    private static String jwt(String text, String replacement) {
        String document = BASE + JWT;
        if (document.indexOf(text) < 0 || document.indexOf(text) != document.lastIndexOf(text)) {
            throw new IllegalArgumentException("not once in BASE and JWT: " + text);
        }
        return document.replace(text, replacement);
    }

    /** BASE with lines added to its last route, routes[1]. */
    private static String routeField(String lines) {
        return BASE + lines.indent(4);
    }

    private static String timeout(String value) {
        return replace("timeout: 250ms", "timeout: " + value);
    }

    private static String ecsBackend(String url) {
        return replace("backend: http://fixed.internal:8080", "backend: " + url);
    }

    private static String withBackends(String list) {
        return replace("backend: http://fixed.internal:8080", "backends: " + list);
    }

    private static List<ValidationMessage> schemaErrors(String yaml) {
        try {
            return List.copyOf(SCHEMA.validate(YAML.readTree(yaml)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<ConfigProblem> loaderProblems(String yaml) {
        try {
            ConfigLoader.parse(yaml, "t.yaml");
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    private static final Set<String> NAMES_A_FIELD = java.util.Set.of("required", "additionalProperties", "propertyNames");

    /** Where a schema error is, written as the loader writes places: {@code routes[1].retry.retries}. */
    private static String place(ValidationMessage error) {
        StringBuilder place = new StringBuilder();
        JsonNodePath location = error.getInstanceLocation();
        for (int i = 0; i < location.getNameCount(); i++) {
            appendStep(place, location.getElement(i));
        }
        // required and additionalProperties name the field beside the map that has or lacks it.
        if (error.getProperty() != null && NAMES_A_FIELD.contains(error.getType())) {
            appendStep(place, error.getProperty());
        }
        return place.toString();
    }

    private static void appendStep(StringBuilder place, Object step) {
        if (step instanceof Integer index) {
            place.append('[').append(index).append(']');
        } else {
            place.append(place.length() == 0 ? "" : ".").append(step);
        }
    }

    /** Whether a place is {@code at} or inside it. */
    private static boolean within(String place, String at) {
        return at.isEmpty() || place.equals(at) || place.startsWith(at + ".") || place.startsWith(at + "[");
    }

    private static final Set<String> CONSTRAINTS = java.util.Set.of("if", "then", "else", "not", "contains", "allOf", "anyOf", "oneOf");

    private static void collectUndescribed(JsonNode root, JsonNode node, String path, List<String> undescribed) {
        if (node.isObject()) {
            JsonNode properties = node.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> fields = properties.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!describes(root, field.getValue())) {
                    undescribed.add(path + "/properties/" + field.getKey());
                }
            }
            // Fields are defined under properties; under if, contains or a combinator, properties only constrain them.
            node.fields().forEachRemaining(child -> {
                if (!CONSTRAINTS.contains(child.getKey())) {
                    collectUndescribed(root, child.getValue(), path + "/" + child.getKey(), undescribed);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectUndescribed(root, node.get(i), path + "/" + i, undescribed);
            }
        }
    }

    /** A field is described by its own description or by that of the definition it refers to. */
    private static boolean describes(JsonNode root, JsonNode field) {
        if (field.hasNonNull("description")) {
            return true;
        }
        String ref = field.path("$ref").asText("");
        return ref.startsWith("#/") && root.at(ref.substring(1)).hasNonNull("description");
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A document both must reject, with the places each must name. */
    private record Rejected(String name, String yaml, String loaderAt, String schemaAt) implements Arguments {
        @Override
        public Object[] get() {
            return new Object[] {name, yaml, loaderAt, schemaAt};
        }
    }
}
