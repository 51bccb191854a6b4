package dev.tollgate.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;

/** The app's choices from its context, and what it says when it cannot make the stacks. */
class TollgateAppTest {

    @Test
    void stageContext_selectsOneStack() {
        App app = new App(AppProps.builder().context(Map.of(TollgateApp.STAGE, "prod")).build());
        assertThat(TollgateApp.addStacks(app, Synthesized.ROOT)).extracting(TollgateStack::getStackName)
                .containsExactly("Tollgate-prod");
    }

    @Test
    void anUnknownStage_isNamedWithTheStagesThereAre() {
        App app = new App(AppProps.builder().context(Map.of(TollgateApp.STAGE, "qa")).build());
        assertThatThrownBy(() -> TollgateApp.addStacks(app, Synthesized.ROOT))
                .isInstanceOf(TollgateApp.UsageException.class)
                .hasMessage("unknown stage qa (expected one of: dev, prod, the stages of deploy/stages.yaml)");
    }

    @Test
    void context_overridesTheApiMemoryAndTimeout_ofTheStacksItSynthesizes() {
        Synthesized app = Synthesized.app("overrides", Map.of(TollgateApp.STAGE, "dev",
                ContextOverrides.API, "rest", ContextOverrides.MEMORY, "2048", ContextOverrides.TIMEOUT, "45s"));
        Template dev = app.template("dev");

        dev.resourceCountIs("AWS::ApiGateway::RestApi", 1);
        dev.resourceCountIs("AWS::ApiGatewayV2::Api", 0);
        dev.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "dev.tollgate.aws.RestApiHandler::handleRequest",
                "MemorySize", 2048,
                "Timeout", 45));
    }

    @Test
    void contextValues_thatCannotWork_areNamed() {
        App app = new App(AppProps.builder().context(Map.of(TollgateApp.STAGE, "dev", ContextOverrides.API, "grpc",
                ContextOverrides.MEMORY, "64", ContextOverrides.TIMEOUT, "20s")).build());

        assertThatThrownBy(() -> TollgateApp.addStacks(app, Synthesized.ROOT))
                .isInstanceOf(TollgateApp.UsageException.class)
                .hasMessage("-c api=grpc (expected: http or rest); -c memory=64 (expected: a whole number of MB from 128"
                        + " to 10240); -c timeout=20s (expected: at least the longest route timeout, 29s, or the function"
                        + " ends before the backend answers)");
    }

    @Test
    void withoutTheLambdaArtifact_synthesisSaysHowToBuildIt(@TempDir Path dir) {
        assertThatThrownBy(() -> FunctionBundle.prepare(dir.resolve("tollgate-lambda.jar"),
                Synthesized.ROOT.resolve("examples/tollgate.yaml"), dir.resolve("bundle")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(dir.resolve("tollgate-lambda.jar") + " does not exist (expected: the Lambda artifact;"
                        + " build it with `mvn -B -DskipTests package`, which ./tollgate synth runs for you)");
    }

    @Test
    void theBundle_isTheArtifactAsBuilt_andTheConfiguration_andIsLaidOutAgainWhenEitherChanges(@TempDir Path dir)
            throws IOException {
        Path jar = Files.writeString(dir.resolve("tollgate-lambda.jar"), "jar bytes");
        Path config = Files.writeString(dir.resolve("tollgate.yaml"), "stages: {}");
        FunctionBundle bundle = FunctionBundle.prepare(jar, config, dir.resolve("bundle"));
        assertThat(bundle.directory().resolve("lib/tollgate-lambda.jar")).hasContent("jar bytes");
        assertThat(bundle.directory().resolve("tollgate.yaml")).hasContent("stages: {}");

        Files.writeString(config, "stages: {dev: {}}");
        FunctionBundle.prepare(jar, config, dir.resolve("bundle"));
        assertThat(bundle.directory().resolve("tollgate.yaml")).hasContent("stages: {dev: {}}");
    }

    @Test
    void everyRetentionTheStagesFileAccepts_isOneCloudWatchLogsHas() {
        for (int days : StagesFile.RETENTION_DAYS) {
            assertThat(TollgateStack.retention(days)).as("%d days", days).isNotNull();
        }
    }
}
