package dev.tollgate.cdk;

import dev.tollgate.config.ConfigException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * How two stages differ, setting by setting, as they will be deployed: variables (the configuration's
 * with the stages file's in place), sizes, limits, network, alarms, and for Azure (the stages' {@code azure:}
 * sections) the function app, its region, Cosmos DB and logs. {@code ./tollgate diff dev prod} runs it before a
 * promotion so that drift is seen, not found. Needs no CDK and no AWS or Azure access.
 */
public final class StageDiff {

    private StageDiff() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args, TollgateApp.repository(), System.out);
        } catch (ConfigException e) {
            e.problems().forEach(System.err::println);
            status = 1;
        } catch (TollgateApp.UsageException e) {
            System.err.println("tollgate: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    static int run(String[] args, Path root, PrintStream out) {
        List<String> names = new ArrayList<>();
        Path file = root.resolve(StagesFile.DEFAULT_PATH);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--stages-file") && i + 1 < args.length) {
                file = root.resolve(args[++i]);
            } else if (args[i].startsWith("-")) {
                throw new TollgateApp.UsageException("unknown option " + args[i]
                        + " (expected: diff STAGE STAGE [--stages-file FILE])");
            } else {
                names.add(args[i]);
            }
        }
        if (names.size() != 2) {
            throw new TollgateApp.UsageException("diff needs two stages (expected: diff STAGE STAGE, such as diff dev prod)");
        }
        StagesFile stages = StagesFile.load(file, root);
        List<Stage> pair = new ArrayList<>();
        for (String name : names) {
            pair.add(stages.stage(name).orElseThrow(() -> new TollgateApp.UsageException("unknown stage " + name
                    + " (expected one of: " + String.join(", ", stages.stages().keySet()) + ", the stages of "
                    + stages.source() + ")")));
        }
        out.print(render(pair.get(0), pair.get(1)));
        return 0;
    }

    /** The settings that differ, one a line in three columns, then how many are the same. */
    static String render(Stage a, Stage b) {
        Map<String, String> left = settings(a);
        Map<String, String> right = settings(b);
        List<String> keys = new ArrayList<>(left.keySet());
        right.keySet().stream().filter(key -> !left.containsKey(key)).forEach(keys::add);
        List<String[]> rows = new ArrayList<>();
        int same = 0;
        for (String key : keys) {
            String l = left.getOrDefault(key, "-");
            String r = right.getOrDefault(key, "-");
            if (Objects.equals(l, r)) {
                same++;
            } else {
                rows.add(new String[] {key, l, r});
            }
        }
        int keyWidth = Math.max("setting".length(), rows.stream().mapToInt(row -> row[0].length()).max().orElse(0));
        int leftWidth = Math.max(a.name().length(), rows.stream().mapToInt(row -> row[1].length()).max().orElse(0));
        StringBuilder text = new StringBuilder();
        String format = "%-" + keyWidth + "s  %-" + leftWidth + "s  %s%n";
        text.append(String.format(format, "setting", a.name(), b.name()).stripTrailing()).append('\n');
        for (String[] row : rows) {
            text.append(String.format(format, (Object[]) row));
        }
        text.append(rows.size()).append(rows.size() == 1 ? " setting differs, " : " settings differ, ")
                .append(same).append(" the same\n");
        return text.toString();
    }

    /** A stage's settings flattened to names and written values, in the order the stages file has them. */
    static Map<String, String> settings(Stage stage) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("account", stage.account().orElse("(from the credentials)"));
        settings.put("region", stage.region().orElse("(from the credentials)"));
        settings.put("api", stage.api().toString());
        new TreeSet<>(stage.effectiveVariables().keySet()).forEach(name -> settings.put("variables." + name,
                stage.effectiveVariables().get(name) + (stage.variables().containsKey(name) ? "" : " (configuration's)")));
        Stage.FunctionSettings function = stage.function();
        settings.put("function.memory", function.memoryMb() + " MB");
        settings.put("function.timeout", function.timeout().toSeconds() + "s");
        settings.put("function.architecture", function.architecture().toString());
        settings.put("function.snapStart", Boolean.toString(function.snapStart()));
        settings.put("function.runtime", function.runtime().toString());
        settings.put("function.javaToolOptions", function.javaToolOptions());
        settings.put("function.reservedConcurrency", function.reservedConcurrency().map(String::valueOf).orElse("none"));
        settings.put("throttle.rate", Stage.plain(stage.throttle().rate()) + "/s");
        settings.put("throttle.burst", Integer.toString(stage.throttle().burst()));
        settings.put("network.vpcId", stage.network().vpcId());
        settings.put("network.availabilityZones", String.join(",", stage.network().availabilityZones()));
        settings.put("network.privateSubnetIds", String.join(",", stage.network().privateSubnetIds()));
        settings.put("network.vpcCidr", stage.network().vpcCidr());
        settings.put("network.backendCidrs", String.join(",", stage.network().backendCidrs()));
        settings.put("network.backendPorts", String.join(",", stage.backendPorts().stream().map(String::valueOf).toList()));
        settings.put("ecsClusters", stage.ecsClusters().isEmpty() ? "none" : String.join(",", stage.ecsClusters()));
        settings.put("logRetentionDays", Integer.toString(stage.logRetentionDays()));
        Stage.AlarmThresholds alarms = stage.alarms();
        settings.put("alarms.serverErrorRatePercent", Stage.plain(alarms.serverErrorRatePercent()) + "%");
        settings.put("alarms.latencyP99Ms", Stage.plain(alarms.latencyP99Ms()) + " ms");
        settings.put("alarms.throttles", Integer.toString(alarms.throttles()));
        settings.put("alarms.counterStoreErrors", Integer.toString(alarms.counterStoreErrors()));
        settings.put("alarms.authFailures", Integer.toString(alarms.authFailures()));
        settings.put("alarms.topicArn", alarms.topicArn().orElse("none"));
        settings.put("protectData", Boolean.toString(stage.protectData()));
        azure(stage, settings);
        return settings;
    }

    /** The stage's Azure settings, as its ARM template carries them beside its variables; "none" for a stage not on Azure. */
    private static void azure(Stage stage, Map<String, String> settings) {
        if (stage.azure().isEmpty()) {
            settings.put("azure", "none");
            return;
        }
        AzureSettings azure = stage.azure().get();
        settings.put("azure.appName", azure.appName());
        settings.put("azure.location", azure.location().orElse("(the resource group's)"));
        settings.put("azure.cosmosConsistency", azure.cosmosConsistency());
        settings.put("azure.logRetentionDays", Integer.toString(azure.logRetentionDays()));
        settings.put("azure.maxInstances", azure.maxInstances().map(String::valueOf).orElse("(the plan's)"));
        settings.put("azure.ecsCredentials", azure.ecsCredentials()
                .map(ecs -> "Key Vault " + ecs.keyVault() + ", " + ecs.region()).orElse("none"));
    }
}
