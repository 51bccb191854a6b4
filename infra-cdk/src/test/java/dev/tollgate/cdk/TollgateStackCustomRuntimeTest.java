package dev.tollgate.cdk;

import static dev.tollgate.cdk.Templates.onlyId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * A stage with {@code function.runtime: aot} ({@code src/test/resources/stages/custom-runtime.yaml}): its
 * function runs the custom-runtime package on {@code provided.al2023}, x86_64, without SnapStart, its code
 * the package's directory (here a small stand-in, {@code src/test/resources/custom-runtime}) with the
 * configuration beside the bootstrap, whose mode is kept.
 */
class TollgateStackCustomRuntimeTest {

    private static Synthesized app;
    private static Template template;

    @BeforeAll
    static void synthesize() {
        app = Synthesized.app("custom-runtime", Map.of(TollgateApp.STAGES_FILE, "infra-cdk/src/test/resources/stages/custom-runtime.yaml",
                TollgateApp.CUSTOM_RUNTIME, "infra-cdk/src/test/resources/custom-runtime"));
        template = app.template("dev");
    }

    @Test
    void function_runsTheCustomRuntimePackage_onX86_withoutSnapStart() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "provided.al2023",
                "Architectures", List.of("x86_64"),
                "Handler", "dev.tollgate.aws.HttpApiHandler::handleRequest",
                "SnapStart", Match.absent(),
                "Environment", Map.of("Variables", Match.objectLike(Map.of("TOLLGATE_CONFIG", "/var/task/tollgate.yaml")))));
        assertThat(onlyId(template, "AWS::Lambda::Function")).isNotEmpty();
    }

    @Test
    void itsCode_isThePackageWithTheConfigurationBesideTheBootstrap_whoseModeIsKept() throws Exception {
        Path bundle = Synthesized.ROOT.resolve(TollgateApp.BUNDLE_DIR + "-custom-runtime");

        assertThat(Files.isExecutable(bundle.resolve("bootstrap"))).isTrue();
        assertThat(bundle.resolve("jars/tollgate-lambda.jar")).isRegularFile();
        assertThat(bundle.resolve(FunctionBundle.CONFIG_FILE)).hasSameTextualContentAs(Synthesized.ROOT.resolve("deploy/tollgate.yaml"));
    }

    @Test
    void aMissingPackage_isNamed_withHowToBuildIt() {
        Path missing = Synthesized.ROOT.resolve("infra-cdk/target/no-such-package");

        assertThatThrownBy(() -> FunctionBundle.prepareCustomRuntime(missing,
                        Synthesized.ROOT.resolve("deploy/tollgate.yaml"), Synthesized.ROOT.resolve("infra-cdk/target/unused")))
                .hasMessage(missing + " has no bootstrap (expected: the custom-runtime package that function.runtime: aot"
                        + " deploys; build it with ./tollgate package --custom-runtime)");
    }
}
