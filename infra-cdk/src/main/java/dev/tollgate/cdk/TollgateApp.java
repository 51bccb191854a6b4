package dev.tollgate.cdk;

import dev.tollgate.config.ConfigException;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.amazon.awscdk.cxapi.SynthesisMessageLevel;

/**
 * The CDK app: one stack, {@code Tollgate-STAGE}, per stage of the stages file, or only the stage
 * that {@code -c stage=NAME} selects; {@code -c demo=true} adds the demo backends. Synthesis needs
 * no AWS account or network, and every stack passes the cdk-nag AwsSolutions checks or the
 * synthesis fails naming the findings.
 *
 * <p>Run by the CDK CLI ({@code infra-cdk/cdk.json}: context and output directory come from it), or
 * directly ({@code ./tollgate synth [STAGE]}): {@code java ... dev.tollgate.cdk.TollgateApp [-c key=value]...
 * [-o DIR]}. Context keys: {@value #STAGE}, {@value #DEMO}, {@value #STAGES_FILE} (default
 * {@value StagesFile#DEFAULT_PATH}), {@value #LAMBDA_JAR} (default {@value #DEFAULT_LAMBDA_JAR}), {@value #CUSTOM_RUNTIME}
 * (default {@value #DEFAULT_CUSTOM_RUNTIME}, for stages with {@code function.runtime: aot}), paths relative
 * to the repository.
 */
public final class TollgateApp {

    public static final String STAGE = "stage";
    public static final String DEMO = "demo";
    public static final String STAGES_FILE = "stagesFile";
    public static final String LAMBDA_JAR = "lambdaJar";
    public static final String DEFAULT_LAMBDA_JAR = "functions-aws/target/tollgate-lambda.jar";
    /** The custom-runtime package's directory, for stages with {@code function.runtime: aot}. */
    public static final String CUSTOM_RUNTIME = "customRuntime";
    public static final String DEFAULT_CUSTOM_RUNTIME = "functions-aws/target/custom-runtime";
    static final String DEFAULT_OUTDIR = "infra-cdk/cdk.out";
    static final String BUNDLE_DIR = "infra-cdk/target/function-bundle";

    private TollgateApp() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (ConfigException e) {
            e.problems().forEach(System.err::println);
            status = 1;
        } catch (UsageException | IllegalStateException e) {
            System.err.println("tollgate: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    private static int run(String[] args) {
        Map<String, Object> context = new LinkedHashMap<>();
        String outdir = null;
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("-c") || args[i].equals("--context")) && i + 1 < args.length) {
                String pair = args[++i];
                int equals = pair.indexOf('=');
                if (equals < 1) {
                    throw new UsageException(pair + " (expected: -c key=value)");
                }
                context.put(pair.substring(0, equals), pair.substring(equals + 1));
            } else if ((args[i].equals("-o") || args[i].equals("--output")) && i + 1 < args.length) {
                outdir = args[++i];
            } else {
                throw new UsageException("unknown argument " + args[i]
                        + " (expected: [-c stage=NAME] [-c demo=true] [-c api=http|rest] [-c memory=MB] [-c timeout=DURATION]"
                        + " [-c stagesFile=FILE] [-o DIR])");
            }
        }
        Path root = repository();
        AppProps.Builder props = AppProps.builder().context(context);
        if (System.getenv("CDK_OUTDIR") == null) {
            props.outdir(root.resolve(outdir == null ? DEFAULT_OUTDIR : outdir).toString());
        }
        App app = new App(props.build());
        List<TollgateStack> stacks = addStacks(app, root);
        CloudAssembly assembly = app.synth();
        List<String> errors = new ArrayList<>();
        for (CloudFormationStackArtifact stack : assembly.getStacks()) {
            for (SynthesisMessage message : stack.getMessages()) {
                String line = message.getLevel() + " " + message.getId() + ": " + message.getEntry().getData();
                if (message.getLevel() == SynthesisMessageLevel.ERROR) {
                    errors.add(line);
                } else {
                    System.err.println(line);
                }
            }
        }
        errors.forEach(System.err::println);
        if (!errors.isEmpty()) {
            System.err.println("tollgate: " + errors.size() + (errors.size() == 1 ? " error" : " errors")
                    + "; no template is fit to deploy");
            return 1;
        }
        for (TollgateStack stack : stacks) {
            System.err.println("synthesized " + stack.getStackName() + ": "
                    + root.relativize(Path.of(assembly.getDirectory()).toAbsolutePath())
                    .resolve(stack.getTemplateFile()));
        }
        return 0;
    }

    /**
     * Adds the stacks the app's context selects, with the AwsSolutions checks; the tests build their
     * apps with it too.
     *
     * @param root the repository, against which the context's paths are taken
     * @throws ConfigException naming every problem of the stages file or the configuration
     * @throws UsageException  for a stage the stages file does not have
     */
    public static List<TollgateStack> addStacks(App app, Path root) {
        Path stagesFile = root.resolve(context(app, STAGES_FILE).orElse(StagesFile.DEFAULT_PATH));
        Path lambdaJar = root.resolve(context(app, LAMBDA_JAR).orElse(DEFAULT_LAMBDA_JAR));
        Optional<String> selected = context(app, STAGE);
        boolean demo = context(app, DEMO).map(Boolean::parseBoolean).orElse(false);
        StagesFile stages = StagesFile.load(stagesFile, root);
        if (selected.isPresent() && stages.stage(selected.get()).isEmpty()) {
            throw new UsageException("unknown stage " + selected.get() + " (expected one of: "
                    + String.join(", ", stages.stages().keySet()) + ", the stages of " + stages.source() + ")");
        }
        FunctionBundle bundle = FunctionBundle.prepare(lambdaJar, stages.config(), root.resolve(BUNDLE_DIR));
        FunctionBundle customRuntime = null;
        List<TollgateStack> stacks = new ArrayList<>();
        for (Stage stage : stages.stages().values()) {
            if (selected.isEmpty() || selected.get().equals(stage.name())) {
                if (stage.function().runtime() == Stage.Runtime.AOT && customRuntime == null) {
                    customRuntime = FunctionBundle.prepareCustomRuntime(
                            root.resolve(context(app, CUSTOM_RUNTIME).orElse(DEFAULT_CUSTOM_RUNTIME)), stages.config(),
                            root.resolve(BUNDLE_DIR + "-custom-runtime"));
                }
                stacks.add(new TollgateStack(app, "Tollgate-" + stage.name(),
                        ContextOverrides.apply(stage, key -> context(app, key), stages.config()),
                        stage.function().runtime() == Stage.Runtime.AOT ? customRuntime : bundle, demo));
            }
        }
        Aspects.of(app).add(new AwsSolutionsChecks());
        return stacks;
    }

    /** The repository: {@code tollgate.home}, as ./tollgate sets it, or the nearest directory above with infra-cdk in it. */
    public static Path repository() {
        String home = System.getProperty("tollgate.home");
        if (home != null) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("infra-cdk")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository above " + Path.of("").toAbsolutePath()
                + " (expected: run inside the checkout, or set -Dtollgate.home)");
    }

    private static Optional<String> context(App app, String key) {
        Object value = app.getNode().tryGetContext(key);
        return value == null || value.toString().isBlank() ? Optional.empty() : Optional.of(value.toString());
    }

    /** A command line or context that asks for something the app does not have. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
