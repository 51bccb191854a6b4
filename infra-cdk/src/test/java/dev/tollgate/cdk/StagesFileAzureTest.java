package dev.tollgate.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stage's azure: section, read and checked with the rest of the stages file, every problem named with its place. */
class StagesFileAzureTest {

    private static final String NETWORK = """
                network:
                  vpcId: vpc-0123456789abcdef0
                  availabilityZones: [eu-west-1a]
                  privateSubnetIds: [subnet-0123456789abcdef1]
                  vpcCidr: 10.0.0.0/16
            """;
    /** dev with an https backend in place of the configuration's ecs:// one, so that no AWS credentials are needed. */
    private static final String DEV = """
            config: config.yaml
            stages:
              dev:
                variables:
                  ordersBackend: https://orders.example.com
            """ + NETWORK;

    @TempDir
    Path root;

    @BeforeEach
    void configuration() throws IOException {
        Files.copy(Synthesized.ROOT.resolve("deploy/tollgate.yaml"), root.resolve("config.yaml"));
    }

    @Test
    void theCommittedStages_carryTheirAzureSettings() {
        StagesFile file = StagesFile.load(Synthesized.ROOT.resolve("deploy/stages.yaml"), Synthesized.ROOT);

        assertThat(file.stage("dev").orElseThrow().azure()).contains(new AzureSettings("tollgate-dev-example",
                Optional.of("westeurope"), "Session", 30, Optional.empty(),
                Optional.of(new AzureSettings.EcsCredentials("tollgate-dev-kv", "eu-west-1"))));
        assertThat(file.stage("prod").orElseThrow().azure()).contains(new AzureSettings("tollgate-prod-example",
                Optional.of("westeurope"), "Session", 90, Optional.of(50), Optional.empty()));
    }

    @Test
    void aStageWithoutAzureSection_isNotOnAzure_andOnlyAppNameIsRequired() {
        assertThat(load(DEV).stage("dev").orElseThrow().azure()).isEmpty();

        assertThat(load(DEV + "    azure: {appName: tollgate-dev-acme}\n").stage("dev").orElseThrow().azure())
                .contains(new AzureSettings("tollgate-dev-acme", Optional.empty(), "Session", 30, Optional.empty(),
                        Optional.empty()));
    }

    @Test
    void badAzureSettings_areEachNamedWithFileLinePathValueAndExpectation() {
        assertThat(problems(DEV + """
                    azure:
                      appName: Tollgate_Dev
                      location: West Europe
                      cosmosConsistency: session
                      logRetentionDays: 7
                      maxInstances: 500
                      colour: blue
                      ecsCredentials: {keyVault: kv, region: europe, profile: x}
                """)).containsExactly(
                "stages.yaml:17: stages.dev.azure.colour: unknown field (expected one of: appName, cosmosConsistency,"
                        + " ecsCredentials, location, logRetentionDays, maxInstances)",
                "stages.yaml:12: stages.dev.azure.appName: Tollgate_Dev (expected: a function app name of 3 to 32 lowercase"
                        + " letters, digits and -, unique in Azure (NAME.azurewebsites.net), such as tollgate-dev-acme)",
                "stages.yaml:13: stages.dev.azure.location: West Europe (expected: an Azure region's name, such as westeurope)",
                "stages.yaml:14: stages.dev.azure.cosmosConsistency: session (expected: Session, Eventual, ConsistentPrefix"
                        + " or Strong)",
                "stages.yaml:15: stages.dev.azure.logRetentionDays: 7 (expected: a whole number from 30 to 730)",
                "stages.yaml:16: stages.dev.azure.maxInstances: 500 (expected: a whole number from 1 to 100)",
                "stages.yaml:18: stages.dev.azure.ecsCredentials.profile: unknown field (expected one of: keyVault, region)",
                "stages.yaml:18: stages.dev.azure.ecsCredentials.keyVault: kv (expected: a Key Vault name of 3 to 24 letters,"
                        + " digits and -, in the stage's resource group)",
                "stages.yaml:18: stages.dev.azure.ecsCredentials.region: europe (expected: the AWS region of the ECS"
                        + " clusters, such as eu-west-1)");
    }

    @Test
    void anAzureSectionThatIsNoMap_orLacksItsAppName_isNamed() {
        assertThat(problems(DEV + "    azure: westeurope\n")).containsExactly("stages.yaml:11: stages.dev.azure: westeurope"
                + " (expected: the stage's Azure settings: appName, and optionally location, cosmosConsistency,"
                + " logRetentionDays, maxInstances and ecsCredentials)");
        assertThat(problems(DEV + "    azure: {location: westeurope}\n")).containsExactly("stages.yaml:11:"
                + " stages.dev.azure.appName: missing (expected: a function app name of 3 to 32 lowercase letters, digits"
                + " and -, unique in Azure (NAME.azurewebsites.net), such as tollgate-dev-acme)");
    }

    @Test
    void anAzureStageWithEcsBackends_namesTheKeyVaultOfItsAwsCredentials_orIsRefused() {
        // The configuration's dev sends orders to ecs://tollgate-dev/orders:8080.
        String ecsDev = """
                config: config.yaml
                stages:
                  dev:
                    azure:
                      appName: tollgate-dev-acme
                """ + NETWORK;

        assertThat(problems(ecsDev)).containsExactly("stages.yaml:4: stages.dev.azure.ecsCredentials: missing (expected:"
                + " {keyVault: NAME, region: AWS_REGION}, the Key Vault whose secrets tollgate-aws-access-key-id and"
                + " tollgate-aws-secret-access-key the function lists ECS tasks with from Azure, since the stage reaches"
                + " the ECS clusters tollgate-dev; or https:// backends in place of its ecs:// ones)");
        // A stage not deployed to Azure needs none.
        assertThat(load(ecsDev.replace("    azure:\n      appName: tollgate-dev-acme\n", "")).stages()).containsKey("dev");
    }

    private StagesFile load(String text) {
        try {
            Path file = root.resolve("stages.yaml");
            Files.writeString(file, text);
            return StagesFile.load(file, root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> problems(String text) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(text));
        assertThat(e).as("problems in\n%s", text).isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }
}
