package dev.tollgate.local;

import dev.tollgate.aws.EmfRequestLog;
import dev.tollgate.azure.AzureRequestLog;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ConfigProblem;
import dev.tollgate.config.Deployable;
import dev.tollgate.config.Durations;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.config.StageConfig;
import dev.tollgate.config.YamlDocument;
import dev.tollgate.emulators.CosmosEmulator;
import dev.tollgate.observe.OneLineLogFormatter;
import dev.tollgate.observe.RequestObserver;
import dev.tollgate.policy.auth.jwt.JwtIssuerConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** The {@code ./tollgate} command line: {@code local}, {@code validate}, {@code token} and {@code keys}. */
public final class Main {

    static final String USAGE = """
            usage:
              tollgate local [--platform aws|azure] [--port N] [--dynamodb-port N | --cosmos-port N] [--config FILE]
                             [--stage-var STAGE.NAME=VALUE]... [--no-demo-backends] [--log text|json|off]
                             [--ready-file FILE]
                  Runs Tollgate on 127.0.0.1: API Gateway stages around the real Lambda handler
                  (--platform aws, the default), or with --platform azure a local Functions host
                  around the real Azure function, one function app per stage at the same URLs;
                  DynamoDB Local (on azure: the Cosmos DB emulator), a local ECS API and demo
                  services (two demo tasks for each ecs:// service). Defaults: --port 8080,
                  --dynamodb-port 8000 (aws), --cosmos-port 8081 (azure),
                  --config examples/tollgate.yaml, --log text (a line per request; json: the lines
                  the function writes: on aws access log and EMF metrics, on azure the JSON
                  request lines Application Insights receives). When no port is named
                  and 8080, 8000 or 8081 is busy (a second runner), a free port is taken instead, as for
                  a demo service whose port is busy; the banner says so. A named port must be free.
                  --ready-file: once everything is up, writes the banner's addresses to FILE for
                  scripts, one line: TOLLGATE_READY api=URL dynamodb=URL|cosmos=URL ecs=URL [jwks=URL]
                  STAGE.VARIABLE=VALUE...
              tollgate validate [--deployable] FILE...
                  Checks configuration files; exits 0 when all are valid, 1 naming every problem.
                  --deployable also applies what ./tollgate synth requires of the file it bundles:
                  no API key in plain text, no backend, issuer, JWK set or audience on a loopback
                  address (examples/tollgate.yaml, for ./tollgate local, is not; deploy/tollgate.yaml is).
              tollgate token --stage STAGE [--sub SUBJECT] [--scope SCOPE]... [--claim NAME=VALUE]...
                             [--ttl DURATION] [--config FILE]
                  Prints a JWT of the local demo issuer for the stage's audience, to try JWT routes
                  with `./tollgate local`. Defaults: --sub demo-user, --ttl 1h (at most 24h).
              tollgate keys create --stage STAGE --plan PLAN --consumer NAME [--expires DURATION|DATE]
              tollgate keys list [--stage STAGE] [--consumer NAME]
              tollgate keys revoke KEY_ID
              tollgate keys rotate KEY_ID [--grace DURATION] [--expires DURATION|DATE]
                  API keys in DynamoDB. create and rotate print the new key once, alone on stdout
                  (its id and details go to stderr); after that a key is known by its id only.
                  rotate makes a key of the same consumer, stage and plan; the old one keeps
                  working for --grace (default 24h) and cannot be rotated again (rotate the new
                  one). A revoked key stops working within 60 s.
                  Where: by default the local runner's DynamoDB Local (http://127.0.0.1:8000, dummy
                  credentials), or --endpoint URL; with --aws, DynamoDB in your AWS account, with
                  the usual AWS_PROFILE, AWS_REGION and credentials (or --region). Nothing reaches
                  AWS without --aws. Also: --table NAME (default tollgate-keys), --config FILE
                  (default examples/tollgate.yaml; create checks --stage and --plan against it).
                  --platform azure: the keys container of Cosmos DB instead; by default the local
                  runner's emulator (http://127.0.0.1:8081), or --cosmos-endpoint URL: an account
                  (https://ACCOUNT.documents.azure.com:443/), signed in with TOLLGATE_COSMOS_KEY if
                  set, else your az login. Also: --database NAME (default tollgate), --container
                  NAME (default tollgate-keys).
                  DURATION: 90s, 30m, 12h, 30d; DATE: 2026-12-31 (midnight UTC), 2026-12-31T18:00:00Z.
              tollgate synth [STAGE] [--demo] [-o DIR]
                  Synthesizes the CDK stacks of deploy/stages.yaml (or one stage's) into
                  infra-cdk/cdk.out, offline; --demo adds a demo VPC, ECS service and NLB.
              tollgate diff STAGE STAGE
                  Prints the settings two stages of deploy/stages.yaml differ in.
              tollgate cdk ARGS...
                  The CDK CLI pinned in infra-cdk (bootstrap, deploy -c stage=dev, diff, destroy).
              tollgate test
                  Runs the test suite.
              tollgate conformance
                  Runs the conformance suite (every scenario on every adapter) and writes its
                  table to docs/conformance.md.
            Every command takes -h or --help, which prints this.
            """;
    /** The checkout the {@code tollgate} script runs in. */
    static final Path HOME = Path.of(System.getProperty("tollgate.home", "."));
    /** The example configuration. */
    static final Path DEFAULT_CONFIG = HOME.resolve("examples").resolve("tollgate.yaml");

    private static final Set<String> TTL_UNITS = Set.of("s", "m", "h");

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        OneLineLogFormatter.install();
        // The Cosmos DB emulator (local --platform azure, keys --platform azure) speaks plain HTTP, which the
        // SDK allows only when told before its first class loads.
        CosmosEmulator.allowPlainHttp();
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** The command line as a method: its exit status, and what it prints on {@code out} and {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        return run(args, out, err, Clock.systemUTC());
    }

    /** The same on another clock: {@code keys} reads it for creation, expiry and grace times, {@code token} for the JWT's. */
    public static int run(String[] args, PrintStream out, PrintStream err, Clock clock) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        List<String> rest = List.of(args).subList(1, args.length);
        if (rest.contains("-h") || rest.contains("--help")) {
            // Every command's usage is part of the one text.
            out.print(USAGE);
            return 0;
        }
        return switch (args[0]) {
            case "validate" -> validate(rest, out, err);
            case "local" -> local(rest, out, err);
            case "token" -> token(rest, out, err, clock);
            case "keys" -> KeysCommand.run(rest, out, err, clock);
            default -> usage(err, "unknown command " + args[0]);
        };
    }

    static int validate(List<String> args, PrintStream out, PrintStream err) throws java.io.IOException {
        boolean deployable = args.contains("--deployable");
        List<String> files = args.stream().filter(arg -> !arg.equals("--deployable")).toList();
        if (files.isEmpty()) {
            return usage(err, "validate needs at least one FILE");
        }
        int invalid = 0;
        for (String file : files) {
            try {
                GatewayConfig config = ConfigLoader.load(Path.of(file));
                if (deployable) {
                    // The rules ./tollgate synth applies to the file it bundles: no key in plain text, no loopback address.
                    String source = Path.of(file).getFileName().toString();
                    List<ConfigProblem> problems = Deployable.problems(YamlDocument.parse(Files.readString(Path.of(file)),
                            source), source, config, Deployable.publishedKeys(DEFAULT_CONFIG, "examples/tollgate.yaml"));
                    if (!problems.isEmpty()) {
                        throw new ConfigException(problems);
                    }
                }
                out.println(file + (deployable ? ": valid, and fit to deploy" : ": valid"));
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
        Integer storePort = null;
        String storePortOption = null;
        boolean portsNamed = false;
        Path config = DEFAULT_CONFIG;
        Path readyFile = null;
        boolean demoBackends = true;
        String logFormat = "text";
        LocalRunner.Platform platform = LocalRunner.Platform.AWS;
        Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--port", "--dynamodb-port", "--cosmos-port", "--config", "--stage-var", "--log", "--ready-file", "--platform" -> {
                    if (i + 1 >= args.size()) {
                        return usage(err, arg + " needs a value");
                    }
                    String value = args.get(++i);
                    try {
                        switch (arg) {
                            case "--port" -> {
                                port = port(value);
                                portsNamed = true;
                            }
                            case "--dynamodb-port", "--cosmos-port" -> {
                                storePort = port(value);
                                storePortOption = arg;
                                portsNamed = true;
                            }
                            case "--config" -> config = Path.of(value);
                            case "--ready-file" -> readyFile = Path.of(value);
                            case "--log" -> logFormat = checkedLogFormat(value);
                            case "--platform" -> platform = LocalRunner.Platform.named(value);
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
        String expectedStorePort = platform == LocalRunner.Platform.AZURE ? "--cosmos-port" : "--dynamodb-port";
        if (storePortOption != null && !storePortOption.equals(expectedStorePort)) {
            return usage(err, storePortOption + " is for --platform " + (platform == LocalRunner.Platform.AZURE ? "aws" : "azure")
                    + "; with --platform " + (platform == LocalRunner.Platform.AZURE ? "azure" : "aws") + " the store's port is "
                    + expectedStorePort);
        }
        if (storePort == null) {
            storePort = platform == LocalRunner.Platform.AZURE ? LocalRunner.Options.DEFAULT_COSMOS_PORT
                    : LocalRunner.Options.DEFAULT_DYNAMODB_PORT;
        }
        if (!Files.isRegularFile(config)) {
            return usage(err, "--config " + config + ": no such file");
        }
        LocalRunner runner;
        try {
            runner = LocalRunner.start(new LocalRunner.Options(config, port, storePort, overrides, demoBackends,
                    dev.tollgate.aws.AwsGateway.DEFAULT_COUNTERS_TABLE, java.time.Clock.systemUTC(),
                    requestLog(logFormat, platform, out), !portsNamed, platform));
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
        out.println("Requests are logged below, a line each (--log json: the function's own lines; --log off: none).\n");
        out.flush();
        if (readyFile != null) {
            writeReady(readyFile, runner.readyLine());
        }
        stopped.await();
        return 0;
    }

    /** Written whole or not at all: a script waiting for the file never reads half a line. */
    private static void writeReady(Path file, String line) throws java.io.IOException {
        Path absolute = file.toAbsolutePath();
        Path partial = Files.createTempFile(absolute.getParent(), ".tollgate-ready", ".tmp");
        Files.writeString(partial, line + "\n");
        Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static int token(List<String> args, PrintStream out, PrintStream err, Clock clock) {
        String stage = null;
        String subject = "demo-user";
        List<String> scopes = new ArrayList<>();
        Map<String, Object> claims = new LinkedHashMap<>();
        Duration ttl = Duration.ofHours(1);
        Path config = DEFAULT_CONFIG;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!Set.of("--stage", "--sub", "--scope", "--claim", "--ttl", "--config").contains(arg)) {
                return usage(err, "unknown option " + arg);
            }
            if (i + 1 >= args.size()) {
                return usage(err, arg + " needs a value");
            }
            String value = args.get(++i);
            switch (arg) {
                case "--stage" -> stage = value;
                case "--sub" -> subject = value;
                case "--scope" -> scopes.add(value);
                case "--config" -> config = Path.of(value);
                case "--ttl" -> {
                    ttl = Durations.parse(value, TTL_UNITS).orElse(Duration.ZERO);
                    if (ttl.isZero() || ttl.compareTo(Duration.ofHours(24)) > 0) {
                        return usage(err, "--ttl " + value + ": expected a duration from 1s to 24h, such as 30m or 1h");
                    }
                }
                default -> {
                    int equals = value.indexOf('=');
                    if (equals <= 0) {
                        return usage(err, "--claim " + value + ": expected NAME=VALUE, such as tenant=acme");
                    }
                    claims.put(value.substring(0, equals), value.substring(equals + 1));
                }
            }
        }
        if (stage == null) {
            return usage(err, "token needs --stage STAGE");
        }
        GatewayConfig gateway;
        try {
            gateway = ConfigLoader.load(config);
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            err.println("tollgate: the configuration is not valid");
            return 1;
        }
        Optional<StageConfig> stageConfig = gateway.stage(stage);
        if (stageConfig.isEmpty()) {
            return usage(err, "--stage " + stage + ": " + config + " has no such stage (expected one of: "
                    + String.join(", ", gateway.stages().keySet()) + ")");
        }
        List<JwtIssuerConfig> demo = DemoIssuer.trustedBy(gateway);
        if (demo.isEmpty()) {
            err.println("tollgate: " + config + " trusts no local demo issuer (expected: an issuer under jwt.issuers with"
                    + " issuer: " + DemoIssuer.ISSUER + ")");
            return 1;
        }
        Map<String, String> variables = stageConfig.get().variables();
        Optional<String> audience = demo.get(0).audiences().stream()
                .map(written -> StageConfig.variableReference(written).map(variables::get).orElse(written))
                .findFirst();
        out.println(DemoIssuer.at(HOME).token(audience.orElseThrow(), subject, scopes, claims, ttl, clock.instant()));
        return 0;
    }

    private static String checkedLogFormat(String format) {
        if (!Set.of("text", "json", "off").contains(format)) {
            throw new IllegalArgumentException("expected text, json or off");
        }
        return format;
    }

    /**
     * {@code text}: a readable line per request; {@code json}: the function's own lines (the Lambda
     * function's on standard output, the Azure function's through the invocation's logger, which the
     * local host prints); {@code off}.
     */
    private static RequestObserver requestLog(String format, LocalRunner.Platform platform, PrintStream out) {
        return switch (format) {
            case "text" -> new LocalRequestLog(out::println);
            case "json" -> platform == LocalRunner.Platform.AZURE ? AzureRequestLog.toFunctionLogger() : new EmfRequestLog(out::println);
            default -> RequestObserver.NONE;
        };
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

    static int usage(PrintStream err, String problem) {
        err.println("tollgate: " + problem);
        err.print(USAGE);
        return 2;
    }
}
