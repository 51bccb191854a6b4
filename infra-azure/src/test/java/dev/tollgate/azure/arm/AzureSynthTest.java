package dev.tollgate.azure.arm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigProblem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./tollgate synth --platform azure: which templates it writes, where, and what it refuses, with the CDK synthesis's checks. */
class AzureSynthTest {

    private static final Path ROOT = ArmTemplateTest.ROOT;
    private static final String STAGES = """
            config: config.yaml
            stages:
              dev:
                variables:
                  ordersBackend: https://orders.example.com
                network:
                  vpcId: vpc-0123456789abcdef0
                  availabilityZones: [eu-west-1a]
                  privateSubnetIds: [subnet-0123456789abcdef1]
                  vpcCidr: 10.0.0.0/16
                azure: {appName: tollgate-dev-acme}
            """;

    @TempDir
    Path temp;

    @Test
    void oneStage_writesItsTemplateAlone_andPrintsWhere() throws IOException {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Path outdir = temp.resolve("arm");

        List<Path> written = AzureSynth.run(new String[] {"prod", "-o", outdir.toString()}, ROOT,
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(written).containsExactly(outdir.resolve("prod.json"));
        assertThat(Files.list(outdir)).containsExactly(outdir.resolve("prod.json"));
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("synthesized prod for Azure: " + outdir.resolve("prod.json") + "\n");
        assertThat(Files.readString(outdir.resolve("prod.json"))).contains("\"TOLLGATE_STAGE\"").endsWith("}\n");
    }

    @Test
    void byDefault_theTemplatesGoUnderInfraAzureTarget_namedInTheRepository() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        AzureSynth.run(new String[] {"dev"}, ROOT, new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("synthesized dev for Azure: infra-azure/target/arm/dev.json\n");
        assertThat(ROOT.resolve("infra-azure/target/arm/dev.json")).isRegularFile();
    }

    @Test
    void aStageItCannotSynthesize_isNamed_withWhatItExpected() throws IOException {
        assertThatThrownBy(() -> run("qa")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown stage qa (expected one of: dev, prod, the stages of deploy/stages.yaml)");
        assertThatThrownBy(() -> run("dev", "prod")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("one stage at most, not dev prod (expected: synth --platform azure [STAGE] [-o DIR] [--stages-file FILE])");
        assertThatThrownBy(() -> run("--demo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option --demo (expected: synth --platform azure [STAGE] [-o DIR] [--stages-file FILE])");

        stagesFile(STAGES.replace("    azure: {appName: tollgate-dev-acme}\n", ""), configuration());
        assertThatThrownBy(() -> run("dev", "--stages-file", "stages.yaml")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stage dev of stages.yaml has no azure section (expected: azure: {appName: NAME, ...} to deploy it"
                        + " to Azure; docs/deploy-azure.md)");
        assertThatThrownBy(() -> run("--stages-file", "stages.yaml")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no stage of stages.yaml has an azure section (expected: azure: {appName: NAME, ...} in each"
                        + " stage to deploy to Azure; docs/deploy-azure.md)");
    }

    @Test
    void whatNoDeploymentMayHold_isRefused_asTheCdkSynthesisRefusesIt() throws IOException {
        String config = configuration().replace("\njwt:", """

                apiKeys:
                  - id: demo-dev
                    value: demo-dev-key
                    consumer: demo-dev
                    stage: dev
                    plan: trial
                jwt:""");
        stagesFile(STAGES.replace("https://orders.example.com", "http://127.0.0.1:9102"), config);

        ConfigException refused = catchThrowableOfType(ConfigException.class,
                () -> run("dev", "--stages-file", "stages.yaml"));

        assertThat(refused.problems().stream().map(ConfigProblem::toString)).containsExactly(
                "config.yaml:" + lineOf(config, "value: demo-dev-key") + ": apiKeys[0].value: a key in plain text (expected: in a"
                        + " configuration to deploy, the key's SHA-256 as sha256, or the key in the stage's keys table only:"
                        + " ./tollgate keys create --aws)",
                "stages.yaml:5: stages.dev.variables.ordersBackend: http://127.0.0.1:9102 (expected: a backend the function"
                        + " reaches from its VPC, such as an internal NLB's URL or ecs://CLUSTER/SERVICE[:PORT]; a loopback"
                        + " address serves only ./tollgate local)");
        assertThat(temp.resolve("out")).doesNotExist();
    }

    private List<Path> run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "-o";
        all[args.length + 1] = temp.resolve("out").toString();
        boolean own = List.of(args).contains("--stages-file");
        return AzureSynth.run(all, own ? temp : ROOT, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static String configuration() throws IOException {
        return Files.readString(ROOT.resolve("deploy/tollgate.yaml"));
    }

    private void stagesFile(String stages, String config) throws IOException {
        Files.writeString(temp.resolve("stages.yaml"), stages);
        Files.writeString(temp.resolve("config.yaml"), config);
    }

    private static int lineOf(String text, String part) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i + 1;
            }
        }
        throw new AssertionError(part + " is not in the configuration");
    }
}
