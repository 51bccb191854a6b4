package dev.tollgate.local;

import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.DynamoDbKeyAdmin;
import dev.tollgate.azure.CosmosStores;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.Durations;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.CachingKeyStore;
import dev.tollgate.policy.auth.apikey.KeyAdmin;
import dev.tollgate.policy.auth.apikey.KeyAdmin.Rotation;
import dev.tollgate.policy.auth.apikey.KeyAdmin.StoredKey;
import dev.tollgate.policy.auth.apikey.NewApiKey;
import dev.tollgate.problem.KeyStoreException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * {@code ./tollgate keys create|list|revoke|rotate}: the API keys of a keys table (DynamoDB) or
 * container (Cosmos DB, {@code --platform azure}: {@link CosmosKeysTarget} says where). A new key is
 * printed once, alone on stdout, when it is made; after that only its id is ever shown, and
 * neither a key nor its hash is printed or logged.
 *
 * <p>Where the keys go, so that none reach an AWS account by accident: without {@code --aws}, to
 * DynamoDB Local (the local runner's at {@value #LOCAL_ENDPOINT}, or {@code --endpoint}) with dummy
 * credentials, which no AWS endpoint accepts; with {@code --aws}, to the account and region of the
 * usual AWS settings ({@code AWS_PROFILE}, {@code AWS_REGION}, the credentials chain) or
 * {@code --region}. Every command says on stderr which table it used.
 */
final class KeysCommand {

    static final String LOCAL_ENDPOINT = "http://127.0.0.1:8000";
    static final String DEFAULT_GRACE = "24h";
    static final Duration MAX_DURATION = Duration.ofDays(3650);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final String DURATION_OR_DATE = "a duration such as 30d or 12h, a date such as 2026-12-31"
            + " (midnight UTC) or a time such as 2026-12-31T18:00:00Z";
    private static final Set<String> TARGET = Set.of("--table", "--endpoint", "--region", "--config", "--platform",
            "--cosmos-endpoint", "--database", "--container");
    private static final Set<String> AWS_ONLY = Set.of("--table", "--endpoint", "--region");
    private static final Set<String> AZURE_ONLY = Set.of("--cosmos-endpoint", "--database", "--container");
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "create", Set.of("--stage", "--plan", "--consumer", "--expires"),
            "list", Set.of("--stage", "--consumer"),
            "revoke", Set.of(),
            "rotate", Set.of("--grace", "--expires"));

    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    private KeysCommand(PrintStream out, PrintStream err, Clock clock) {
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    /** A usage error: exit status 2, with the usage text. */
    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** What the command line says, options by name. */
    private record Args(String command, Map<String, String> options, boolean aws, List<String> positional) {
        Optional<String> option(String name) {
            return Optional.ofNullable(options.get(name));
        }
    }

    static int run(List<String> args, PrintStream out, PrintStream err, Clock clock) {
        KeysCommand keys = new KeysCommand(out, err, clock);
        Args parsed;
        KeysTarget target;
        try {
            parsed = parse(args);
            if (parsed == null) {
                out.print(Main.USAGE);
                return 0;
            }
            target = target(parsed);
        } catch (UsageException e) {
            return Main.usage(err, e.getMessage());
        }
        try (KeysTarget.Session session = target.open()) {
            KeyAdmin store = session.admin();
            return switch (parsed.command()) {
                case "create" -> keys.create(parsed, store, target);
                case "list" -> keys.list(parsed, store, target);
                case "revoke" -> keys.revoke(parsed, store, target);
                default -> keys.rotate(parsed, store, target);
            };
        } catch (UsageException e) {
            return Main.usage(err, e.getMessage());
        } catch (KeyStoreException e) {
            String detail = e.getMessage().substring(0, 1).toLowerCase(Locale.ROOT) + e.getMessage().substring(1);
            err.println("tollgate: " + detail.replaceFirst("\\.$", "") + ": " + target.explain(e.getCause()));
            return 1;
        } catch (IllegalStateException e) {
            err.println("tollgate: " + e.getMessage());
            return 1;
        } catch (SdkException e) {
            err.println("tollgate: DynamoDB failed: " + target.explain(e));
            return 1;
        } catch (RuntimeException e) {
            if (!(target instanceof CosmosKeysTarget)) {
                throw e;
            }
            err.println("tollgate: Cosmos DB failed: " + target.explain(e));
            return 1;
        }
    }

    /** Where the keys are, by {@code --platform}: each platform's options only with it. */
    private static KeysTarget target(Args args) throws UsageException {
        String platform = args.option("--platform").orElse("aws");
        if (!platform.equals("aws") && !platform.equals("azure")) {
            throw new UsageException("--platform " + platform + ": expected aws or azure");
        }
        Set<String> others = platform.equals("aws") ? AZURE_ONLY : AWS_ONLY;
        for (String option : args.options().keySet()) {
            if (others.contains(option)) {
                throw new UsageException(option + " is for --platform " + (platform.equals("aws") ? "azure" : "aws"));
            }
        }
        if (platform.equals("aws")) {
            return Target.of(args);
        }
        if (args.aws()) {
            throw new UsageException("--aws is for --platform aws");
        }
        Optional<URI> endpoint = Optional.empty();
        if (args.option("--cosmos-endpoint").isPresent()) {
            String value = args.option("--cosmos-endpoint").get();
            URI uri = httpUrl(value);
            if (uri == null || "http".equals(uri.getScheme()) && !"127.0.0.1".equals(uri.getHost())) {
                throw new UsageException("--cosmos-endpoint " + value + ": expected https://ACCOUNT.documents.azure.com:443/"
                        + " or the local emulator's http://127.0.0.1:PORT");
            }
            endpoint = Optional.of(uri);
        }
        return CosmosKeysTarget.of(endpoint, args.option("--database"), args.option("--container"),
                Optional.ofNullable(System.getenv(CosmosStores.KEY)).filter(k -> !k.isBlank()));
    }

    /** {@code value} as an http(s) URL with a host; null when it is not one. */
    private static URI httpUrl(String value) {
        try {
            URI uri = URI.create(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null ? uri : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The command line's parts; null when it asks for help. */
    private static Args parse(List<String> args) throws UsageException {
        if (args.isEmpty()) {
            throw new UsageException("keys needs a command: create, list, revoke or rotate");
        }
        String command = args.get(0);
        if (Set.of("-h", "--help", "help").contains(command)) {
            return null;
        }
        Set<String> allowed = OPTIONS.get(command);
        if (allowed == null) {
            throw new UsageException("unknown keys command " + command + " (expected: create, list, revoke or rotate)");
        }
        Map<String, String> options = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        boolean aws = false;
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--aws")) {
                aws = true;
            } else if (allowed.contains(arg) || TARGET.contains(arg)) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(arg + " needs a value");
                }
                if (options.put(arg, args.get(++i)) != null) {
                    throw new UsageException(arg + " is given twice");
                }
            } else if (arg.startsWith("--")) {
                throw new UsageException("keys " + command + ": unknown option " + arg);
            } else {
                positional.add(arg);
            }
        }
        boolean needsId = command.equals("revoke") || command.equals("rotate");
        if (needsId && positional.size() != 1) {
            throw new UsageException("keys " + command + " needs one KEY_ID" + (positional.isEmpty() ? "" : ", not " + positional));
        }
        if (!needsId && !positional.isEmpty()) {
            throw new UsageException("keys " + command + ": unexpected " + positional.get(0));
        }
        return new Args(command, options, aws, positional);
    }

    private int create(Args args, KeyAdmin store, KeysTarget target) throws UsageException {
        String stage = args.option("--stage").orElseThrow(() -> new UsageException("keys create needs --stage STAGE"));
        String plan = args.option("--plan").orElseThrow(() -> new UsageException("keys create needs --plan PLAN"));
        String consumer = args.option("--consumer").orElseThrow(() -> new UsageException("keys create needs --consumer NAME"));
        if (!NAME.matcher(consumer).matches()) {
            throw new UsageException("--consumer " + consumer + ": expected a consumer name of letters, digits, ., - and _"
                    + " (at most 128)");
        }
        Path configFile = configFile(args);
        GatewayConfig config = config(configFile);
        if (config.stage(stage).isEmpty()) {
            throw new UsageException("--stage " + stage + ": " + configFile + " has no such stage (expected one of: "
                    + String.join(", ", config.stages().keySet()) + ")");
        }
        if (config.plan(plan).isEmpty()) {
            throw new UsageException("--plan " + plan + ": " + configFile + " has no such plan (expected one of: "
                    + String.join(", ", config.plans().keySet()) + ")");
        }
        Instant now = clock.instant();
        Optional<Instant> expires = expiry(args, now);
        target.announce(err);
        NewApiKey key = NewApiKey.generate(new SecureRandom());
        StoredKey created = store.create(key.sha256(),
                new ApiKey(key.id(), consumer, stage, plan, ApiKey.Status.ACTIVE, expires), now);
        out.println(key.value());
        err.println("tollgate: created key " + key.id() + " for consumer " + consumer + " on stage " + stage + ", plan "
                + plan + ", " + expiresText(created.key()) + ".");
        err.println("tollgate: the key above is shown this once: store it now; from here on it is " + key.id() + ".");
        return 0;
    }

    private int list(Args args, KeyAdmin store, KeysTarget target) {
        target.announce(err);
        List<StoredKey> keys = store.list(args.option("--stage"), args.option("--consumer"));
        Instant now = clock.instant();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("ID", "CONSUMER", "STAGE", "PLAN", "STATUS", "CREATED", "EXPIRES", "REPLACED BY"));
        for (StoredKey stored : keys) {
            ApiKey key = stored.key();
            rows.add(List.of(key.id(), key.consumer(), key.stage(), key.plan(), status(key, now),
                    stored.createdAt().toString(), key.expiresAt().map(Instant::toString).orElse("-"),
                    stored.replacedBy().orElse("-")));
        }
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + (widths[i] + 2) + "s", row.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
        err.println("tollgate: " + keys.size() + (keys.size() == 1 ? " key" : " keys") + " in " + target.name()
                + " (the configuration file's apiKeys are not listed)");
        return 0;
    }

    private int revoke(Args args, KeyAdmin store, KeysTarget target) {
        String keyId = args.positional().get(0);
        target.announce(err);
        Optional<StoredKey> before = store.findById(keyId);
        if (before.isEmpty()) {
            return noSuchKey(keyId, args, target);
        }
        if (before.get().key().status() == ApiKey.Status.REVOKED) {
            out.println("key " + keyId + " was revoked already, at " + before.get().revokedAt().map(Instant::toString).orElse("?"));
            return 0;
        }
        StoredKey revoked = store.revoke(keyId, clock.instant()).orElseThrow();
        out.println("revoked key " + keyId + " (consumer " + revoked.key().consumer() + ", stage " + revoked.key().stage()
                + "); function instances that saw it stop accepting it within "
                + CachingKeyStore.DEFAULT_TTL.toSeconds() + " s, when their cache of keys expires");
        return 0;
    }

    private int rotate(Args args, KeyAdmin store, KeysTarget target) throws UsageException {
        String keyId = args.positional().get(0);
        String graceText = args.option("--grace").orElse(DEFAULT_GRACE);
        Duration grace = duration(graceText).filter(d -> d.compareTo(MAX_DURATION) <= 0).orElseThrow(() -> new UsageException(
                "--grace " + graceText + ": expected a duration from 0s to 3650d, such as 0s, 30m or 7d"));
        Instant now = clock.instant();
        Optional<Instant> expires = expiry(args, now);
        target.announce(err);
        NewApiKey key = NewApiKey.generate(new SecureRandom());
        Optional<Rotation> rotation = store.rotate(keyId, key.sha256(), key.id(), now, grace, expires);
        if (rotation.isEmpty()) {
            return noSuchKey(keyId, args, target);
        }
        ApiKey replacement = rotation.get().replacement().key();
        out.println(key.value());
        err.println("tollgate: key " + key.id() + " replaces " + keyId + " for consumer " + replacement.consumer()
                + " on stage " + replacement.stage() + ", plan " + replacement.plan() + ", " + expiresText(replacement) + ".");
        err.println("tollgate: " + keyId + " keeps working until " + rotation.get().previous().key().expiresAt().orElseThrow()
                + " (grace " + graceText + "; function instances that saw it may take up to "
                + CachingKeyStore.DEFAULT_TTL.toSeconds() + " s more to notice).");
        err.println("tollgate: the key above is shown this once: store it now; from here on it is " + key.id() + ".");
        return 0;
    }

    private int noSuchKey(String keyId, Args args, KeysTarget target) {
        String hint = "";
        try {
            Path file = configFile(args);
            if (ConfigLoader.load(file).apiKeys().stream().anyMatch(k -> k.id().equals(keyId))) {
                hint = " (" + keyId + " is a key of " + file + ": change it there)";
            }
        } catch (ConfigException | IllegalArgumentException e) {
            // Only a hint: the file is not needed to revoke or rotate.
        }
        err.println("tollgate: no key " + keyId + " in " + target.name() + hint);
        return 1;
    }

    private static Path configFile(Args args) {
        return args.option("--config").map(Path::of).orElse(Main.DEFAULT_CONFIG);
    }

    private GatewayConfig config(Path file) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            throw new IllegalStateException("the configuration " + file + " is not valid; no key was made");
        }
    }

    private static Optional<Instant> expiry(Args args, Instant now) throws UsageException {
        if (args.option("--expires").isEmpty()) {
            return Optional.empty();
        }
        String value = args.option("--expires").get();
        Instant at = duration(value).map(now::plus).or(() -> instant(value))
                .orElseThrow(() -> new UsageException("--expires " + value + ": expected " + DURATION_OR_DATE));
        if (!at.isAfter(now) || at.isAfter(now.plus(MAX_DURATION))) {
            throw new UsageException("--expires " + value + ": expected a time after now (" + now.truncatedTo(ChronoUnit.SECONDS)
                    + ") and within 3650 days");
        }
        return Optional.of(at);
    }

    private static Optional<Duration> duration(String value) {
        return Durations.parse(value, Set.of("s", "m", "h", "d"));
    }

    private static Optional<Instant> instant(String value) {
        try {
            return Optional.of(value.contains("T") ? Instant.parse(value)
                    : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String status(ApiKey key, Instant now) {
        if (key.status() == ApiKey.Status.REVOKED) {
            return "revoked";
        }
        return key.expiredAt(now) ? "expired" : "active";
    }

    private static String expiresText(ApiKey key) {
        return key.expiresAt().map(at -> "expires " + at).orElse("never expires");
    }

    /**
     * Which DynamoDB and table the command works on.
     *
     * @param endpoint the endpoint, when not AWS's own for the region
     * @param region   the region; {@code us-east-1} for DynamoDB Local, which ignores it
     * @param aws      whether the usual AWS credentials are used (only with {@code --aws})
     */
    private record Target(String table, Optional<URI> endpoint, Region region, boolean aws) implements KeysTarget {

        static Target of(Args args) throws UsageException {
            String table = args.option("--table").orElse(AwsGateway.DEFAULT_KEYS_TABLE);
            Optional<URI> endpoint = Optional.empty();
            if (args.option("--endpoint").isPresent()) {
                String value = args.option("--endpoint").get();
                URI uri = httpUrl(value);
                if (uri == null) {
                    throw new UsageException("--endpoint " + value + ": expected an http(s) URL, such as http://127.0.0.1:8000");
                }
                endpoint = Optional.of(uri);
            }
            if (!args.aws()) {
                if (args.option("--region").isPresent()) {
                    throw new UsageException("--region needs --aws (without --aws, keys go to DynamoDB Local)");
                }
                return new Target(table, Optional.of(endpoint.orElse(URI.create(LOCAL_ENDPOINT))), Region.US_EAST_1, false);
            }
            Region region;
            if (args.option("--region").isPresent()) {
                region = Region.of(args.option("--region").get());
            } else {
                try {
                    region = new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
                            .getRegion();
                } catch (SdkClientException e) {
                    throw new UsageException("--aws needs a region: give --region or set AWS_REGION (or a region in your"
                            + " AWS profile)");
                }
            }
            return new Target(table, endpoint, region, true);
        }

        @Override
        public Session open() {
            DynamoDbClient dynamo = client();
            KeyAdmin admin = new DynamoDbKeyAdmin(dynamo, table);
            return new Session(admin, dynamo::close);
        }

        @Override
        public String name() {
            return "table " + table;
        }

        DynamoDbClient client() {
            DynamoDbClientBuilder builder = DynamoDbClient.builder()
                    .httpClient(UrlConnectionHttpClient.create())
                    .region(region)
                    .credentialsProvider(aws ? DefaultCredentialsProvider.builder().build()
                            : StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
            endpoint.ifPresent(builder::endpointOverride);
            if (!aws) {
                // DynamoDB Local never throttles: a refused connection means it is not running, say so at once.
                builder.overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
            }
            return builder.build();
        }

        String where() {
            return aws ? "in AWS region " + region + endpoint.map(e -> " through " + e).orElse("")
                    : "in DynamoDB Local at " + endpoint.orElseThrow();
        }

        @Override
        public void announce(PrintStream err) {
            err.println("tollgate: keys table " + table + " " + where());
        }

        @Override
        public String explain(Throwable cause) {
            if (cause instanceof ResourceNotFoundException) {
                return "table " + table + " does not exist " + where()
                        + (aws ? "" : " (./tollgate local creates " + AwsGateway.DEFAULT_KEYS_TABLE + ")");
            }
            if (cause instanceof SdkClientException && !aws) {
                return "DynamoDB Local at " + endpoint.orElseThrow() + " cannot be reached (is ./tollgate local running?"
                        + " With another --dynamodb-port, give --endpoint http://127.0.0.1:PORT)";
            }
            return cause == null ? "no cause given" : cause.getMessage();
        }
    }
}
