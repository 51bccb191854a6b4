package dev.tollgate.aws.local;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ConfigProblem;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** The {@code ./tollgate} command line: {@code local} and {@code validate}. */
public final class Main {

    static final String USAGE = """
            usage:
              tollgate local [--port N] [--dynamodb-port N] [--config FILE]
                             [--stage-var STAGE.NAME=VALUE]... [--no-demo-backends]
                  Runs Tollgate on 127.0.0.1: API Gateway stages around the real Lambda handler,
                  DynamoDB Local and demo services. Defaults: --port 8080, --dynamodb-port 8000,
                  --config examples/tollgate.yaml.
              tollgate validate FILE...
                  Checks configuration files; exits 0 when all are valid, 1 naming every problem.
              tollgate test
                  Runs the test suite.
            """;
    /** The example configuration, found from the checkout the {@code tollgate} script runs in. */
    static final Path DEFAULT_CONFIG = Path.of(System.getProperty("tollgate.home", ".")).resolve("examples").resolve("tollgate.yaml");

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        List<String> rest = List.of(args).subList(1, args.length);
        return switch (args[0]) {
            case "validate" -> validate(rest, out, err);
            case "local" -> local(rest, out, err);
            default -> usage(err, "unknown command " + args[0]);
        };
    }

    static int validate(List<String> files, PrintStream out, PrintStream err) {
        if (files.isEmpty()) {
            return usage(err, "validate needs at least one FILE");
        }
        int invalid = 0;
        for (String file : files) {
            try {
                ConfigLoader.load(Path.of(file));
                out.println(file + ": valid");
            } catch (ConfigException e) {
                invalid++;
                for (ConfigProblem problem : e.problems()) {
                    err.println(problem);
                }
                err.println(file + ": " + e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems"));
            }
        }
        return invalid == 0 ? 0 : 1;
    }

    private static int local(List<String> args, PrintStream out, PrintStream err) throws Exception {
        int port = LocalRunner.Options.DEFAULT_PORT;
        int dynamoDbPort = LocalRunner.Options.DEFAULT_DYNAMODB_PORT;
        Path config = DEFAULT_CONFIG;
        boolean demoBackends = true;
        Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--port", "--dynamodb-port", "--config", "--stage-var" -> {
                    if (i + 1 >= args.size()) {
                        return usage(err, arg + " needs a value");
                    }
                    String value = args.get(++i);
                    try {
                        switch (arg) {
                            case "--port" -> port = port(value);
                            case "--dynamodb-port" -> dynamoDbPort = port(value);
                            case "--config" -> config = Path.of(value);
                            default -> stageVariable(value, overrides);
                        }
                    } catch (IllegalArgumentException e) {
                        return usage(err, arg + " " + value + ": " + e.getMessage());
                    }
                }
                case "--no-demo-backends" -> demoBackends = false;
                default -> {
                    return usage(err, "unknown option " + arg);
                }
            }
        }
        if (!Files.isRegularFile(config)) {
            return usage(err, "--config " + config + ": no such file");
        }
        LocalRunner runner;
        try {
            runner = LocalRunner.start(new LocalRunner.Options(config, port, dynamoDbPort, overrides, demoBackends,
                    dev.tollgate.aws.AwsGateway.DEFAULT_COUNTERS_TABLE, java.time.Clock.systemUTC()));
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            err.println("tollgate: the configuration is not valid; nothing was started");
            return 1;
        } catch (java.io.IOException | IllegalArgumentException | IllegalStateException e) {
            err.println("tollgate: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runner.close();
            err.println("tollgate: stopped");
            stopped.countDown();
        }, "tollgate-stop"));
        out.print(runner.banner());
        out.flush();
        stopped.await();
        return 0;
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("expected a port from 0 to 65535");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a port from 0 to 65535");
        }
    }

    private static void stageVariable(String value, Map<String, Map<String, String>> overrides) {
        int dot = value.indexOf('.');
        int equals = value.indexOf('=');
        if (dot <= 0 || equals <= dot + 1) {
            throw new IllegalArgumentException("expected STAGE.NAME=VALUE, such as dev.ordersBackend=http://127.0.0.1:9001");
        }
        overrides.computeIfAbsent(value.substring(0, dot), s -> new LinkedHashMap<>())
                .put(value.substring(dot + 1, equals), value.substring(equals + 1));
    }

    private static int usage(PrintStream err, String problem) {
        err.println("tollgate: " + problem);
        err.print(USAGE);
        return 2;
    }
}
