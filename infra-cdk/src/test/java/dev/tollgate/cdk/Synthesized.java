package dev.tollgate.cdk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * An app built by {@link TollgateApp#addStacks} and synthesized once, in this JVM; a test class
 * holds one in a static field and asserts on its templates, so that each synthesis (about a second
 * or two once jsii's Node runs) is paid once per class, not per test.
 */
final class Synthesized {

    static final Path ROOT = TollgateApp.repository();

    final CloudAssembly assembly;
    final Map<String, TollgateStack> stacks = new LinkedHashMap<>();

    private Synthesized(CloudAssembly assembly, List<TollgateStack> stacks) {
        this.assembly = assembly;
        stacks.forEach(stack -> this.stacks.put(stack.getStackName(), stack));
    }

    /**
     * @param name    the app's output directory under {@code infra-cdk/target/test-cdk.out}
     * @param context the app's context, as {@code -c key=value} gives it
     */
    static Synthesized app(String name, Map<String, Object> context) {
        Path outdir = ROOT.resolve("infra-cdk/target/test-cdk.out").resolve(name);
        deleteRecursively(outdir);
        App app = new App(AppProps.builder().context(context).outdir(outdir.toString()).build());
        List<TollgateStack> stacks = TollgateApp.addStacks(app, ROOT);
        return new Synthesized(app.synth(), stacks);
    }

    @SuppressWarnings("unchecked")
    Template template(String stage) {
        return Template.fromJSON((Map<String, Object>) artifact(stage).getTemplate());
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> templateJson(String stage) {
        return (Map<String, Object>) artifact(stage).getTemplate();
    }

    TollgateStack stack(String stage) {
        return stacks.get("Tollgate-" + stage);
    }

    CloudFormationStackArtifact artifact(String stage) {
        return assembly.getStackByName("Tollgate-" + stage);
    }

    /** Every error and warning of the stack's synthesis, cdk-nag's findings included, as {@code LEVEL path: text}. */
    List<String> messages(String stage) {
        List<String> messages = new ArrayList<>();
        for (SynthesisMessage message : artifact(stage).getMessages()) {
            messages.add(message.getLevel() + " " + message.getId() + ": " + message.getEntry().getData());
        }
        return messages;
    }

    /** cdk-nag's report of the stack: one line per rule and resource, with its compliance. */
    List<String> nagReport(String stage) {
        try {
            return Files.readAllLines(Path.of(assembly.getDirectory()).resolve("AwsSolutions-Tollgate-" + stage + "-NagReport.csv"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path directory() {
        return Path.of(assembly.getDirectory());
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
