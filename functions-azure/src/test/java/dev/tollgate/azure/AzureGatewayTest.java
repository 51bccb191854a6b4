package dev.tollgate.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import dev.tollgate.backend.BackendResolver;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.policy.auth.apikey.ConfigKeyStore;
import dev.tollgate.testing.InMemoryCounterStore;
import dev.tollgate.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app's settings, checked when the worker loads the function. */
class AzureGatewayTest {

    @TempDir
    Path dir;

    Map<String, String> settings(String backend, String... more) throws Exception {
        Path file = Files.writeString(dir.resolve("tollgate.yaml"), TollgateFunctionTest.config(backend));
        Map<String, String> settings = new HashMap<>(Map.of(AzureGateway.CONFIG, file.toString()));
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return settings;
    }

    @Test
    void aMissingStage_failsAtStart_namingTheSetting() throws Exception {
        Map<String, String> settings = settings("https://orders.example");

        assertThatThrownBy(() -> AzureGateway.stage(settings, AzureGateway.config(settings)))
                .hasMessage("TOLLGATE_STAGE: not set (expected: the stage this function app serves, one of dev)");
    }

    @Test
    void anUnknownStage_failsAtStart_namingTheSettingAndItsValue() throws Exception {
        Map<String, String> settings = settings("https://orders.example", AzureGateway.STAGE, "qa");

        assertThatThrownBy(() -> AzureGateway.stage(settings, AzureGateway.config(settings)))
                .hasMessage("TOLLGATE_STAGE: qa (expected: a stage of the configuration: dev)");
    }

    @Test
    void stageVariables_comeFromPrefixedSettings_withTheirNamesCaseKept() {
        assertThat(AzureGateway.stageVariables(Map.of("TOLLGATE_STAGEVAR_ordersBackend", "https://a", "OTHER", "x")))
                .isEqualTo(Map.of("ordersBackend", "https://a"));
        assertThatThrownBy(() -> AzureGateway.stageVariables(Map.of("TOLLGATE_STAGEVAR_", "x")))
                .hasMessageStartingWith("TOLLGATE_STAGEVAR_: (expected: a stage variable's name after the prefix");
    }

    @Test
    void anEcsBackend_withoutAwsSettings_isRefusedAtStart_namingTheSettings() throws Exception {
        Map<String, String> settings = settings("ecs://prod/orders:8080", AzureGateway.STAGE, "dev");
        GatewayConfig config = AzureGateway.config(settings);

        assertThatThrownBy(() -> AzureGateway.backends(settings, config, "dev", Map.of(), Clock.systemUTC()))
                .hasMessageStartingWith("routes[0] (/orders) reaches ecs://prod/orders:8080 on stage dev through the stage"
                        + " variable ordersBackend (setting TOLLGATE_STAGEVAR_ordersBackend), an ECS service")
                .hasMessageContaining("set the app settings AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_REGION)");
    }

    @Test
    void anEcsBackend_withAwsSettings_getsTheEcsResolver() throws Exception {
        Map<String, String> settings = settings("ecs://prod/orders:8080", AzureGateway.STAGE, "dev",
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret", "AWS_REGION", "eu-west-1");

        BackendResolver backends = AzureGateway.backends(settings, AzureGateway.config(settings), "dev", Map.of(),
                Clock.systemUTC());

        assertThat(backends).isNotSameAs(BackendResolver.NONE);
        assertThat(backends.getClass().getSimpleName()).isEqualTo("EcsBackendResolver");
    }

    @Test
    void anEcsBackend_thatASettingReplaces_needsNoAwsSettings() throws Exception {
        Map<String, String> settings = settings("ecs://prod/orders:8080", AzureGateway.STAGE, "dev");

        assertThat(AzureGateway.backends(settings, AzureGateway.config(settings), "dev",
                Map.of("ordersBackend", "https://orders.example"), Clock.systemUTC())).isSameAs(BackendResolver.NONE);
    }

    @Test
    void halfTheAwsCredentials_failAtStart_namingTheMissingSetting() throws Exception {
        Map<String, String> settings = settings("https://orders.example", "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");

        assertThatThrownBy(() -> AzureGateway.backends(settings, AzureGateway.config(settings), "dev", Map.of(),
                Clock.systemUTC()))
                .hasMessage("AWS_SECRET_ACCESS_KEY: not set (expected: both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither)");
    }

    @Test
    void aHeaderRulesSecret_comesFromAStageVariableSetting_orTheAppFailsAtStart_namingTheSetting() throws Exception {
        try (TestBackend backend = new TestBackend()) {
            backend.answer(200, "application/json", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Path file = Files.writeString(dir.resolve("secret.yaml"), TollgateFunctionTest.config(backend.url())
                    + "    requestHeaders:\n      set: {x-backend-token: \"${stageVariables.backendToken}\"}\n");
            Map<String, String> settings = new HashMap<>(Map.of(AzureGateway.CONFIG, file.toString(), AzureGateway.STAGE, "dev"));

            assertThatThrownBy(() -> app(settings))
                    .hasMessage("TOLLGATE_STAGEVAR_backendToken: not set (expected: the value routes[0] (/orders) sends in a"
                            + " header as ${stageVariables.backendToken} on stage dev; for a secret, a Key Vault reference"
                            + " @Microsoft.KeyVault(SecretUri=...))");

            settings.put("TOLLGATE_STAGEVAR_backendToken", "resolved-by-the-platform");
            new TollgateFunction(app(settings)).run(Invocations.request(com.microsoft.azure.functions.HttpMethod.GET,
                    "https://app.example/orders", "x-api-key", TollgateFunctionTest.KEY), Invocations.context(new java.util.ArrayList<>(), null));
            assertThat(backend.received().get(0).header("x-backend-token")).isEqualTo("resolved-by-the-platform");
        }
    }

    private static AzureGateway.App app(Map<String, String> settings) {
        return AzureGateway.fromSettings(settings, new InMemoryCounterStore(), new ConfigKeyStore(java.util.List.of()),
                Clock.systemUTC(), dev.tollgate.observe.RequestObserver.NONE);
    }

    /**
     * The Cosmos DB account unreachable at a cold start (the SDK's client build fails): the function
     * starts all the same, and a request whose quota it cannot count is the plan's 503 problem, not a
     * failed init; each try to connect runs on the init thread's name, one more per request while it fails.
     */
    @Test
    void atInit_theCosmosClientConnectsOnAThreadOfItsOwn_andAnAccountItCannotReach_failsNoInit() throws Exception {
        Path file = Files.writeString(dir.resolve("init.yaml"), TollgateFunctionTest.config("https://orders.example"));
        Map<String, String> settings = Map.of(AzureGateway.CONFIG, file.toString(), AzureGateway.STAGE, "dev",
                CosmosStores.ENDPOINT, "https://account.documents.azure.com:443/");
        List<String> tries = new CopyOnWriteArrayList<>();

        AzureGateway.App app = AzureGateway.connect(settings, given -> {
            tries.add(Thread.currentThread().getName());
            throw new IllegalStateException("Client initialization failed.");
        });
        HttpResponseMessage answer = new TollgateFunction(app).run(Invocations.request(HttpMethod.GET,
                "https://app.example/orders", "x-api-key", TollgateFunctionTest.KEY), Invocations.context(new ArrayList<>(), null));

        assertThat(answer.getStatusCode()).isEqualTo(503);
        assertThat(new String((byte[]) answer.getBody(), StandardCharsets.UTF_8))
                .contains("urn:tollgate:problem:counter-store-unavailable", answer.getHeader("x-request-id"));
        assertThat(tries).containsExactly(AzureGateway.COSMOS_INIT_THREAD, AzureGateway.COSMOS_INIT_THREAD);
    }

    @Test
    void atInit_aBadConfiguration_isReportedBeforeTheCosmosClientsFailure() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), TollgateFunctionTest.config("https://orders.example")
                + "    timeout: 231s\n");
        Map<String, String> settings = Map.of(AzureGateway.CONFIG, file.toString(), AzureGateway.STAGE, "dev");

        assertThatThrownBy(() -> AzureGateway.connect(settings, given -> {
            throw new IllegalStateException("TOLLGATE_COSMOS_ENDPOINT: not set");
        })).isInstanceOf(ConfigException.class);
    }

    @Test
    void theConfiguration_isCheckedAgainstAzuresLimits() throws Exception {
        Path file = Files.writeString(dir.resolve("limits.yaml"), TollgateFunctionTest.config("https://orders.example")
                + "    timeout: 231s\n    maxBodySize: 100MB\n");

        assertThatThrownBy(() -> AzureGateway.config(Map.of(AzureGateway.CONFIG, file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].timeout: 231s (expected: a duration from 1ms to 230s");
        Files.writeString(file, TollgateFunctionTest.config("https://orders.example") + "    timeout: 230s\n    maxBodySize: 100MB\n");
        assertThat(AzureGateway.config(Map.of(AzureGateway.CONFIG, file.toString())).routes().get(0).maxBodyBytes())
                .isEqualTo(100L * 1024 * 1024);
    }
}
