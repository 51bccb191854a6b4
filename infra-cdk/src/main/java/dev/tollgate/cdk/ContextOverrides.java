package dev.tollgate.cdk;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.Durations;
import dev.tollgate.policy.route.RouteConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Settings given as context over the stages file's, for the stacks being synthesized:
 * {@code -c api=rest}, {@code -c memory=2048}, {@code -c timeout=45s}. The stages file stays the
 * reviewed record of each stage; context is for trying a variant (the REST API a user needs for
 * its features, a larger function) without editing it. The same ranges as the stages file apply.
 */
final class ContextOverrides {

    static final String API = "api";
    static final String MEMORY = "memory";
    static final String TIMEOUT = "timeout";


    private ContextOverrides() {
    }

    /**
     * The stage with the context's settings in place of its own.
     *
     * @param context the app's context by key
     * @param config  the gateway configuration the function bundles, whose routes' timeouts bound the function's
     * @throws TollgateApp.UsageException naming every context value that is not fit
     */
    static Stage apply(Stage stage, Function<String, Optional<String>> context, Path config) {
        Optional<String> api = context.apply(API);
        Optional<String> memory = context.apply(MEMORY);
        Optional<String> timeout = context.apply(TIMEOUT);
        if (api.isEmpty() && memory.isEmpty() && timeout.isEmpty()) {
            return stage;
        }
        List<String> problems = new ArrayList<>();
        Stage.Api flavour = stage.api();
        if (api.isPresent()) {
            flavour = switch (api.get()) {
                case "http" -> Stage.Api.HTTP;
                case "rest" -> Stage.Api.REST;
                default -> {
                    problems.add("-c api=" + api.get() + " (expected: http or rest)");
                    yield flavour;
                }
            };
        }
        int memoryMb = stage.function().memoryMb();
        if (memory.isPresent()) {
            try {
                memoryMb = Integer.parseInt(memory.get());
            } catch (NumberFormatException e) {
                memoryMb = -1;
            }
            if (memoryMb < 128 || memoryMb > 10240) {
                problems.add("-c memory=" + memory.get() + " (expected: a whole number of MB from 128 to 10240)");
                memoryMb = stage.function().memoryMb();
            }
        }
        Duration limit = stage.function().timeout();
        if (timeout.isPresent()) {
            Duration parsed = Durations.parse(timeout.get(), StagesFile.TIMEOUT_UNITS).orElse(Duration.ZERO);
            Duration longestRoute = ConfigLoader.load(config).routes().stream().map(RouteConfig::timeout)
                    .max(Duration::compareTo).orElse(Duration.ZERO);
            if (parsed.compareTo(StagesFile.MIN_TIMEOUT) < 0 || parsed.compareTo(StagesFile.MAX_TIMEOUT) > 0) {
                problems.add("-c timeout=" + timeout.get() + " (expected: a duration from 1s to 15m, such as 30s)");
            } else if (parsed.compareTo(longestRoute) < 0) {
                problems.add("-c timeout=" + timeout.get() + " (expected: at least the longest route timeout, "
                        + longestRoute.toSeconds() + "s, or the function ends before the backend answers)");
            } else {
                limit = parsed;
            }
        }
        if (!problems.isEmpty()) {
            throw new TollgateApp.UsageException(String.join("; ", problems));
        }
        Stage.FunctionSettings function = stage.function();
        return new Stage(stage.name(), stage.account(), stage.region(), flavour, stage.variables(), stage.effectiveVariables(),
                new Stage.FunctionSettings(memoryMb, limit, function.architecture(), function.snapStart(),
                        function.javaToolOptions(), function.reservedConcurrency(), function.runtime()),
                stage.throttle(), stage.network(), stage.backendVariables(), stage.ecsClusters(), stage.backendPorts(),
                stage.logRetentionDays(), stage.alarms(), stage.protectData(), stage.azure());
    }
}
