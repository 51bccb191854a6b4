package dev.tollgate.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** ./tollgate diff: the settings two stages of the committed file differ in, and nothing else. */
class StageDiffTest {

    @Test
    void devAndProd_differInVariablesSizesLimitsNetworkAlarmsAndAzureSettings_lineBySetting() {
        String diff = diff("dev", "prod");

        assertThat(diff.lines().findFirst().orElseThrow()).matches("setting +dev +prod");
        assertThat(diff).containsPattern("variables.ordersBackend +ecs://tollgate-dev/orders:8080 +"
                        + "http://internal-orders-prod-0123456789.eu-west-1.elb.amazonaws.com:8080\n")
                .containsPattern("function.memory +1024 MB +2048 MB\n")
                .containsPattern("function.reservedConcurrency +none +200\n")
                .containsPattern("throttle.rate +50/s +500/s\n")
                .containsPattern("ecsClusters +tollgate-dev +none\n")
                .containsPattern("logRetentionDays +14 +90\n")
                .containsPattern("alarms.serverErrorRatePercent +10% +1%\n")
                .containsPattern("protectData +false +true\n")
                .containsPattern("network.backendCidrs +10.10.0.0/16 +10.20.0.0/16\n")
                // Azure: the function app, its logs, its scale and where ecs:// finds AWS credentials.
                .containsPattern("azure.appName +tollgate-dev-example +tollgate-prod-example\n")
                .containsPattern("azure.logRetentionDays +30 +90\n")
                .containsPattern("azure.maxInstances +\\(the plan's\\) +50\n")
                .containsPattern("azure.ecsCredentials +Key Vault tollgate-dev-kv, eu-west-1 +none\n")
                .endsWith("22 settings differ, 13 the same\n");
        // Settings both stages share are not listed.
        assertThat(diff).doesNotContain("function.timeout", "function.architecture", "function.runtime", "alarms.throttles",
                "azure.location", "azure.cosmosConsistency");
    }

    @Test
    void aStageWithItself_differsInNothing() {
        assertThat(diff("prod", "prod")).isEqualTo("setting  prod  prod\n0 settings differ, 35 the same\n");
    }

    @Test
    void anUnknownStage_isNamedWithTheStagesThereAre() {
        assertThatThrownBy(() -> diff("dev", "qa")).isInstanceOf(TollgateApp.UsageException.class)
                .hasMessage("unknown stage qa (expected one of: dev, prod, the stages of deploy/stages.yaml)");
        assertThatThrownBy(() -> diff("dev")).isInstanceOf(TollgateApp.UsageException.class)
                .hasMessage("diff needs two stages (expected: diff STAGE STAGE, such as diff dev prod)");
    }

    private static String diff(String... stages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = StageDiff.run(stages, Synthesized.ROOT, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(status).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
