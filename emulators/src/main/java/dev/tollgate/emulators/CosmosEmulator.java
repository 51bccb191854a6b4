package dev.tollgate.emulators;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The npm Cosmos DB for NoSQL emulator ({@code @vercel/cosmosdb-server}, pinned in the repository's
 * {@code package.json}), run as a child process on 127.0.0.1, on a free port, without TLS.
 *
 * <p>{@link #start()} finds the repository (system property {@value #HOME_PROPERTY}, else the
 * folder holding {@code package.json} and {@code pom.xml} at or above the working directory),
 * installs the emulator there with {@code npm ci} when {@code node_modules} lacks it, starts it and
 * waits until it answers; {@link #close()} stops it and its children. A JVM that exits without
 * closing it stops it too.
 *
 * <p>The Cosmos Java SDK refuses plain HTTP unless the system property {@value #SDK_PLAIN_HTTP}
 * is {@code true} before any of its classes loads: set it on the JVM's command line
 * ({@code -DCOSMOS.HTTP_CONNECTION_WITHOUT_TLS_ALLOWED=true}, or surefire's
 * {@code systemPropertyVariables}), or call {@link #allowPlainHttp()} first thing in {@code main}.
 *
 * <p>Two of its answers are made those of Cosmos DB by a script node preloads ({@value #FIXES}): a
 * point read of a missing item answers 404 (not 500), and the Java SDK's query plan requests get a plan.
 * Still not faithful: no TTL (items never expire), no request units (never 429), no authorization (any
 * key is accepted: {@link #KEY} is the real emulator's well-known one).
 */
public final class CosmosEmulator implements AutoCloseable {

    /** Where the repository is, when the working directory is not inside it. */
    public static final String HOME_PROPERTY = "tollgate.home";
    /** The system property the Cosmos Java SDK needs to talk plain HTTP to the emulator. */
    public static final String SDK_PLAIN_HTTP = "COSMOS.HTTP_CONNECTION_WITHOUT_TLS_ALLOWED";
    /** The key of Microsoft's Cosmos DB emulator, published in its documentation; this emulator checks no key. */
    public static final String KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
    static final String PACKAGE = "@vercel/cosmosdb-server";
    static final Path CLI = Path.of("node_modules", "@vercel", "cosmosdb-server", "lib", "cli.js");
    private static final String READY = "Ready to accept HTTP connections";
    /** What makes two of the emulator's answers those of Cosmos DB: see the script. */
    static final String FIXES = "cosmos-emulator-fixes.js";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int PORT_TRIES = 3;

    private final Process process;
    private final int port;
    private final Thread stopAtExit;

    private CosmosEmulator(Process process, int port) {
        this.process = process;
        this.port = port;
        this.stopAtExit = new Thread(this::stop, "cosmos-emulator-stop");
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    /** Sets {@value #SDK_PLAIN_HTTP}; only of use before the Cosmos SDK's first class loads. */
    public static void allowPlainHttp() {
        System.setProperty(SDK_PLAIN_HTTP, "true");
    }

    /** Starts the emulator from the repository found as the class comment says, installing it first if need be. */
    public static CosmosEmulator start() {
        return start(repositoryRoot(), 0);
    }

    /**
     * The same on {@code port} of 127.0.0.1 (the local runner's fixed port); 0: a free one.
     *
     * @throws IllegalStateException when the port is taken, naming it
     */
    public static CosmosEmulator start(int port) {
        return start(repositoryRoot(), port);
    }

    /** Starts the emulator installed (or to be installed) under {@code root}, the folder of the root package.json. */
    public static CosmosEmulator start(Path root, int port) {
        if (!Files.isRegularFile(root.resolve(CLI))) {
            install(root);
        }
        if (port != 0) {
            return launch(root, port);
        }
        IllegalStateException last = null;
        for (int tries = 0; tries < PORT_TRIES; tries++) {
            try {
                return launch(root, freePort());
            } catch (PortTakenException e) {
                last = e; // another process took the free port between our check and the emulator's bind
            }
        }
        throw last;
    }

    /** The emulator's endpoint, {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** A key the SDK can sign with; the emulator accepts any. */
    public String key() {
        return KEY;
    }

    /** Stops the emulator and its children, waiting (bounded) until they are gone. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: it stops the same process
        }
    }

    private void stop() {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (ProcessHandle child : children) {
                child.destroyForcibly();
                child.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // a child that did not report its exit in time was destroyed forcibly all the same
        }
    }

    /** The repository: {@value #HOME_PROPERTY} if set, else the nearest folder with package.json and pom.xml. */
    static Path repositoryRoot() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null && !home.isBlank()) {
            Path root = Path.of(home).toAbsolutePath();
            if (!Files.isRegularFile(root.resolve("package.json"))) {
                throw new IllegalStateException(HOME_PROPERTY + "=" + home + ": no package.json there (expected: the"
                        + " Tollgate repository's folder, which pins the Cosmos DB emulator)");
            }
            return root;
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("package.json")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no Tollgate repository (a folder with package.json and pom.xml) at or above "
                + start + ": run from inside it, or set -D" + HOME_PROPERTY + "=PATH");
    }

    private static void install(Path root) {
        System.err.println("tollgate: the Cosmos DB emulator (" + PACKAGE + ") is not installed in " + root.resolve("node_modules")
                + ": running npm ci there");
        Process npm;
        try {
            npm = new ProcessBuilder(List.of("npm", "ci", "--no-audit", "--no-fund"))
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("npm cannot be run (" + e.getMessage() + "): the Cosmos DB emulator is an npm"
                    + " package; install Node.js 18 or later with npm, then run npm ci in " + root, e);
        }
        try {
            if (!npm.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm ci in " + root + " did not finish within " + INSTALL_TIMEOUT.toMinutes()
                        + " minutes");
            }
        } catch (InterruptedException e) {
            npm.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while npm ci ran in " + root, e);
        }
        if (npm.exitValue() != 0 || !Files.isRegularFile(root.resolve(CLI))) {
            throw new IllegalStateException("npm ci in " + root + " failed (exit status " + npm.exitValue()
                    + "; its output is above): the Cosmos DB emulator is not installed");
        }
    }

    private static CosmosEmulator launch(Path root, int port) {
        Path fixes = fixes();
        Process node;
        try {
            node = new ProcessBuilder(List.of("node", "-r", fixes.toString(), CLI.toString(), "-p", Integer.toString(port),
                    "--host", "127.0.0.1", "--no-ssl"))
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("node cannot be run (" + e.getMessage() + "): the Cosmos DB emulator needs"
                    + " Node.js 18 or later on the PATH", e);
        }
        CosmosEmulator emulator = new CosmosEmulator(node, port);
        try {
            emulator.awaitReady();
            return emulator;
        } catch (RuntimeException e) {
            emulator.close();
            throw e;
        }
    }

    /** {@value #FIXES}, written where node can preload it. */
    private static Path fixes() {
        try (var in = CosmosEmulator.class.getResourceAsStream(FIXES)) {
            Path file = Files.createTempFile("tollgate-cosmos-emulator-fixes", ".js");
            file.toFile().deleteOnExit();
            Files.write(file, in.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Cosmos DB emulator's fixes to a temporary file", e);
        }
    }

    /** Waits for the ready line, then for an answer to {@code GET /}, within {@link #START_TIMEOUT}. */
    private void awaitReady() {
        CountDownLatch ready = new CountDownLatch(1);
        List<String> output = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (output) {
                        if (output.size() < 50) {
                            output.add(line);
                        }
                    }
                    if (line.contains(READY)) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the process ended: its exit is noticed below
            }
        }, "cosmos-emulator-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (!ready.await(100, TimeUnit.MILLISECONDS)) {
                if (!process.isAlive()) {
                    String said;
                    synchronized (output) {
                        said = String.join("\n", output);
                    }
                    if (said.contains("EADDRINUSE")) {
                        throw new PortTakenException(port);
                    }
                    throw new IllegalStateException("the Cosmos DB emulator exited with status " + process.exitValue()
                            + " before it was ready; it said:\n" + said);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Cosmos DB emulator did not say it was ready on port " + port
                            + " within " + START_TIMEOUT.toSeconds() + " s");
                }
            }
            while (answer().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Cosmos DB emulator did not answer at " + endpoint() + " within "
                            + START_TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the Cosmos DB emulator started", e);
        }
    }

    /** The status of {@code GET /} (the account's metadata), empty when nothing answers. */
    Optional<Integer> answer() {
        try {
            HttpURLConnection get = (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
            get.setConnectTimeout(1000);
            get.setReadTimeout(2000);
            try {
                return Optional.of(get.getResponseCode());
            } finally {
                get.disconnect();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(int port) {
            super("port " + port + " on 127.0.0.1 is taken: the Cosmos DB emulator cannot listen there");
        }
    }
}
