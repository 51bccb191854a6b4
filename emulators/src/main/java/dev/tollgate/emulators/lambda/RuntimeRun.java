package dev.tollgate.emulators.lambda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One execution environment's life, as Lambda runs a custom runtime: its command (a {@code bootstrap})
 * started with {@code AWS_LAMBDA_RUNTIME_API} pointing at a {@link LocalLambdaRuntimeApi} of its own,
 * each event handed to it in turn, then the environment shut down (SIGTERM, as Lambda does, and the
 * process's exit awaited: a JVM writes an AOT cache it records at exit). Used to train the AOT cache of
 * the custom-runtime package at build time and to time that package's cold start (bench/cold-start).
 *
 * <p>Arguments: {@code OUT_DIR EVENT_FILE... -- COMMAND ARG...}; the command runs with this process's
 * environment plus {@code AWS_LAMBDA_RUNTIME_API}, its output going to {@code OUT_DIR/runtime.log}. For
 * the i-th event (from 0) it writes {@code OUT_DIR/i.json} (the answer) or {@code OUT_DIR/i.error} (the
 * error the runtime posted), and prints on standard error {@code init-ms N}, the milliseconds from the
 * command's start to its first poll (Lambda's init), and {@code first-answer-ms N}, to the first
 * answer: both from the process's start, a little before its JVM's. Exits 1 if the runtime failed its
 * init, did not answer in {@value #TIMEOUT_SECONDS} s, or did not exit in {@value #EXIT_SECONDS} s.
 */
public final class RuntimeRun {

    static final int TIMEOUT_SECONDS = 60;
    static final int EXIT_SECONDS = 300;

    private RuntimeRun() {
    }

    public static void main(String[] args) throws Exception {
        int separator = Arrays.asList(args).indexOf("--");
        if (separator < 2 || separator == args.length - 1) {
            System.err.println("usage: RuntimeRun OUT_DIR EVENT_FILE... -- COMMAND ARG...");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        List<Path> events = Arrays.stream(args, 1, separator).map(Path::of).toList();
        List<String> command = List.of(Arrays.copyOfRange(args, separator + 1, args.length));
        System.exit(run(out, events, command) ? 0 : 1);
    }

    /** Runs the environment; whether every event was answered (an error the function posted is an answer) and it exited. */
    public static boolean run(Path out, List<Path> events, List<String> command) throws IOException, InterruptedException {
        return run(out, events, command, System.getenv());
    }

    /** The same with {@code environment} as the command's whole environment, besides {@code AWS_LAMBDA_RUNTIME_API}. */
    public static boolean run(Path out, List<Path> events, List<String> command, Map<String, String> environment)
            throws IOException, InterruptedException {
        Files.createDirectories(out);
        try (LocalLambdaRuntimeApi api = LocalLambdaRuntimeApi.start("arn:aws:lambda:us-east-1:000000000000:function:tollgate")) {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(out.resolve("runtime.log").toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            builder.environment().put("AWS_LAMBDA_RUNTIME_API", api.address());
            warmUp(api);
            long start = System.nanoTime();
            Process process = builder.start();
            try {
                if (!awaitFirstPoll(api, process)) {
                    System.err.println("the runtime did not poll for an event: "
                            + api.initError().orElse(process.isAlive() ? "no init error posted" : "it exited with " + process.exitValue())
                            + " (its log: " + out.resolve("runtime.log") + ")");
                    return false;
                }
                System.err.println("init-ms " + millisSince(start));
                for (int i = 0; i < events.size(); i++) {
                    LocalLambdaRuntimeApi.Result result;
                    try {
                        result = api.invoke(Files.readAllBytes(events.get(i)), Duration.ofSeconds(TIMEOUT_SECONDS));
                    } catch (TimeoutException e) {
                        System.err.println("event " + i + " was not answered in " + TIMEOUT_SECONDS + " s");
                        return false;
                    }
                    if (i == 0) {
                        System.err.println("first-answer-ms " + millisSince(start));
                    }
                    Files.write(out.resolve(i + (result.failed() ? ".error" : ".json")), result.payload());
                    // The next event goes to the runtime once it polls again, as on Lambda.
                    api.awaitPolling(Duration.ofSeconds(TIMEOUT_SECONDS));
                }
                process.destroy();
                if (!process.waitFor(EXIT_SECONDS, TimeUnit.SECONDS)) {
                    System.err.println("the runtime did not exit in " + EXIT_SECONDS + " s after SIGTERM");
                    return false;
                }
                return true;
            } finally {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    /** Whether the runtime polls within {@value #TIMEOUT_SECONDS} s; not if it exits or posts an init error first. */
    private static boolean awaitFirstPoll(LocalLambdaRuntimeApi api, Process process) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() < end && process.isAlive() && api.initError().isEmpty()) {
            if (api.awaitPolling(Duration.ofMillis(20))) {
                return true;
            }
        }
        return api.awaitPolling(Duration.ZERO);
    }

    /**
     * One invocation answered by a runtime of this JVM's own, before the command starts: the Runtime API's
     * first poll and answer load this JVM's classes for them then, not while the command is being timed.
     */
    static void warmUp(LocalLambdaRuntimeApi api) throws IOException, InterruptedException {
        String runtime = "http://" + api.address() + LocalLambdaRuntimeApi.PREFIX + "invocation/";
        Thread poller = new Thread(() -> {
            try {
                HttpURLConnection next = (HttpURLConnection) URI.create(runtime + "next").toURL().openConnection();
                String id = next.getHeaderField(LocalLambdaRuntimeApi.REQUEST_ID);
                next.getInputStream().readAllBytes();
                HttpURLConnection response = (HttpURLConnection) URI.create(runtime + id + "/response").toURL().openConnection();
                response.setRequestMethod("POST");
                response.setDoOutput(true);
                response.getOutputStream().write("{}".getBytes(StandardCharsets.UTF_8));
                response.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "runtime-run-warm-up");
        poller.setDaemon(true);
        poller.start();
        try {
            api.invoke("{}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(TIMEOUT_SECONDS));
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Runtime API did not answer its own warm-up in " + TIMEOUT_SECONDS + " s", e);
        }
        poller.join();
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
