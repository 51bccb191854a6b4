package dev.tollgate.azure.arm;

import dev.tollgate.cdk.Stage;
import dev.tollgate.cdk.StagesFile;
import dev.tollgate.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./tollgate synth --platform azure [STAGE] [-o DIR] [--stages-file FILE]}: reads the stages file with
 * every check the CDK synthesis makes ({@link StagesFile#load}: the bundled configuration's keys, loopback
 * addresses, ...), and writes one ARM template per stage that has an {@code azure:} section, or the one
 * named, into {@value #DEFAULT_OUTDIR}/STAGE.json. Offline: no Azure CLI or account is needed.
 */
public final class AzureSynth {

    static final String DEFAULT_OUTDIR = "infra-azure/target/arm";
    static final String USAGE = "synth --platform azure [STAGE] [-o DIR] [--stages-file FILE]";

    private AzureSynth() {
    }

    public static void main(String[] args) {
        int status;
        try {
            run(args, repository(), System.err);
            status = 0;
        } catch (ConfigException e) {
            e.problems().forEach(System.err::println);
            status = 1;
        } catch (IllegalArgumentException e) {
            System.err.println("tollgate: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    /**
     * @param root the repository, against which the stages file, its configuration and the output are taken
     * @param out  where the written templates' paths are printed
     * @return the templates written
     * @throws ConfigException          naming every problem of the stages file or its configuration
     * @throws IllegalArgumentException for arguments or a stage this cannot synthesize, saying why
     */
    static List<Path> run(String[] args, Path root, PrintStream out) {
        List<String> names = new ArrayList<>();
        Path file = root.resolve(StagesFile.DEFAULT_PATH);
        Path outdir = root.resolve(DEFAULT_OUTDIR);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--stages-file") && i + 1 < args.length) {
                file = root.resolve(args[++i]);
            } else if (args[i].equals("-o") && i + 1 < args.length) {
                outdir = root.resolve(args[++i]);
            } else if (args[i].startsWith("-")) {
                throw new IllegalArgumentException("unknown option " + args[i] + " (expected: " + USAGE + ")");
            } else {
                names.add(args[i]);
            }
        }
        if (names.size() > 1) {
            throw new IllegalArgumentException("one stage at most, not " + String.join(" ", names) + " (expected: " + USAGE + ")");
        }
        StagesFile stages = StagesFile.load(file, root);
        List<Stage> selected = new ArrayList<>();
        if (names.isEmpty()) {
            stages.stages().values().stream().filter(stage -> stage.azure().isPresent()).forEach(selected::add);
            if (selected.isEmpty()) {
                throw new IllegalArgumentException("no stage of " + stages.source() + " has an azure section (expected:"
                        + " azure: {appName: NAME, ...} in each stage to deploy to Azure; docs/deploy-azure.md)");
            }
        } else {
            String name = names.get(0);
            Stage stage = stages.stage(name).orElseThrow(() -> new IllegalArgumentException("unknown stage " + name
                    + " (expected one of: " + String.join(", ", stages.stages().keySet()) + ", the stages of "
                    + stages.source() + ")"));
            if (stage.azure().isEmpty()) {
                throw new IllegalArgumentException("stage " + name + " of " + stages.source() + " has no azure section"
                        + " (expected: azure: {appName: NAME, ...} to deploy it to Azure; docs/deploy-azure.md)");
            }
            selected.add(stage);
        }
        List<Path> written = new ArrayList<>();
        for (Stage stage : selected) {
            Path target = outdir.resolve(stage.name() + ".json");
            write(target, ArmTemplate.write(ArmTemplate.of(stage, stages.source())));
            out.println("synthesized " + stage.name() + " for Azure: " + shown(root, target));
            written.add(target);
        }
        return written;
    }

    private static void write(Path target, String text) {
        try {
            Files.createDirectories(target.getParent());
            Files.writeString(target, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private static String shown(Path root, Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path base = root.toAbsolutePath().normalize();
        return absolute.startsWith(base) ? base.relativize(absolute).toString() : absolute.toString();
    }

    /** The repository: {@code tollgate.home}, as ./tollgate sets it, else the working directory. */
    private static Path repository() {
        return Path.of(System.getProperty("tollgate.home", "")).toAbsolutePath().normalize();
    }
}
