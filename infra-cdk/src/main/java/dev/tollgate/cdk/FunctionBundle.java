package dev.tollgate.cdk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * The function's code as Lambda unpacks it into {@value #TASK_ROOT}: the lean Lambda artifact,
 * unchanged, as {@code lib/tollgate-lambda.jar} (Lambda's Java runtimes put {@code lib/*.jar} on the
 * classpath), and the gateway configuration beside it as {@value #CONFIG_FILE}, which the function
 * reads through {@code TOLLGATE_CONFIG}. A directory, so that the artifact is bundled as built and
 * the configuration can change without rebuilding it; the asset's hash covers both.
 *
 * @param directory the directory the stacks' {@code Code.fromAsset} points at
 */
public record FunctionBundle(Path directory) {

    /** Where Lambda unpacks a function's code. */
    public static final String TASK_ROOT = "/var/task";
    public static final String CONFIG_FILE = "tollgate.yaml";
    public static final String ARTIFACT = "lib/tollgate-lambda.jar";

    /** The configuration's path inside the function, for {@code TOLLGATE_CONFIG}. */
    public static String configPath() {
        return TASK_ROOT + "/" + CONFIG_FILE;
    }

    /**
     * Lays out the bundle in {@code directory}, replacing what an earlier synthesis left there.
     *
     * @param lambdaJar the shaded artifact, {@code functions-aws/target/tollgate-lambda.jar}
     * @param config    the gateway configuration file
     * @throws IllegalStateException naming the artifact and how to build it, when it does not exist
     */
    public static FunctionBundle prepare(Path lambdaJar, Path config, Path directory) {
        if (!Files.isRegularFile(lambdaJar)) {
            throw new IllegalStateException(lambdaJar + " does not exist (expected: the Lambda artifact;"
                    + " build it with `mvn -B -DskipTests package`, which ./tollgate synth runs for you)");
        }
        try {
            Path jar = directory.resolve(ARTIFACT);
            Files.createDirectories(jar.getParent());
            copyIfChanged(lambdaJar, jar);
            copyIfChanged(config, directory.resolve(CONFIG_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the function bundle in " + directory, e);
        }
        return new FunctionBundle(directory);
    }

    /**
     * The bundle of a stage with {@code function.runtime: aot}: the custom-runtime package as
     * functions-aws/package-custom-runtime laid it out ({@code bootstrap}, {@code java/}, {@code jars/},
     * {@code jni/}, {@code tollgate.aot}), its files' modes kept (the bootstrap and the JVM are executables),
     * and the configuration beside them as {@value #CONFIG_FILE}.
     *
     * @param packageDir {@code functions-aws/target/custom-runtime}
     * @throws IllegalStateException naming the package and how to build it, when it has no bootstrap
     */
    public static FunctionBundle prepareCustomRuntime(Path packageDir, Path config, Path directory) {
        if (!Files.isRegularFile(packageDir.resolve("bootstrap"))) {
            throw new IllegalStateException(packageDir + " has no bootstrap (expected: the custom-runtime package that"
                    + " function.runtime: aot deploys; build it with ./tollgate package --custom-runtime)");
        }
        try (Stream<Path> files = Files.walk(packageDir)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Path to = directory.resolve(packageDir.relativize(file).toString());
                Files.createDirectories(to.getParent());
                copyIfChanged(file, to);
            }
            copyIfChanged(config, directory.resolve(CONFIG_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the custom-runtime bundle in " + directory, e);
        }
        return new FunctionBundle(directory);
    }

    /** The bundle is laid out once per synthesis; a test JVM synthesizes many times and copies 15 MB once. */
    private static void copyIfChanged(Path from, Path to) throws IOException {
        if (Files.exists(to) && Files.size(to) == Files.size(from) && Files.mismatch(from, to) == -1) {
            return;
        }
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }
}
