package dev.tollgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a million requests cost, in USD at list prices, from {@code bench/prices.yaml} (each price with its
 * source and the date it was read) and the figures the benchmarks measured: (a) Tollgate on AWS, API Gateway
 * HTTP API + Lambda at the measured duration and the stage's memory, arm64 and x86_64, + DynamoDB on-demand
 * counter writes (measured writes per request, leased and not) and key reads (what the key cache lets
 * through); (b) Tollgate on Azure, Functions Consumption + Cosmos DB serverless likewise; beside them (c) API
 * Gateway REST API with usage plans and (d) Azure API Management Consumption. Free tiers are listed apart,
 * never subtracted. An input the runs did not measure takes the file's stated value and says so.
 */
final class CostModel {

    /** The stage whose function is priced: its memory and architecture, from {@code deploy/stages.yaml}. */
    record Function(String stage, int memoryMb, String architecture) {
    }

    /** A model input and where it came from. */
    record Input(String name, double value, String from) {
    }

    private final JsonNode file;
    private final Function function;
    private final Map<String, String> figures;

    CostModel(JsonNode pricesFile, Function function, Map<String, String> figures) {
        this.file = pricesFile;
        this.function = function;
        this.figures = figures;
    }

    String render() {
        Input gatewayMs = input("gatewayMs");
        Input leased = input("writesPerRequestLeased");
        Input unleased = input("writesPerRequestUnleased");
        Input cosmosLeased = input("cosmosWritesPerRequestLeased");
        Input cosmosUnleased = input("cosmosWritesPerRequestUnleased");
        Input ttl = input("keyCacheSeconds");
        Input rate = input("requestsPerInstancePerSecond");
        Input keys = input("activeKeysPerInstance");
        Input wru = input("dynamoDbUnitsPerWrite");
        Input rru = input("dynamoDbUnitsPerKeyRead");
        Input ruWrite = input("cosmosRuPerWrite");
        Input ruRead = input("cosmosRuPerKeyRead");
        Input azureMemory = input("azureMemoryMb");
        Input azureMinimum = input("azureMinimumMs");
        Input backend = input("backendMs");
        double keyReadsPerRequest = keys.value() / (rate.value() * ttl.value());

        StringBuilder out = new StringBuilder();
        out.append("Per million requests, USD, ").append(file.path("region").path("aws").asText()).append(" and ")
                .append(file.path("region").path("azure").asText())
                .append(" list prices, free tiers left out (they are listed below). Tollgate's rows price a plan with a quota"
                        + " (one counter); a plan with a rate limit too adds its own writes.\n\n");
        out.append("| per million requests | front door | function requests | function duration | counter writes | key reads | total"
                + " | ratio to (c) or (d) |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        double rest = price("restApi");
        double apim = price("apimConsumption");
        long lambdaMs = (long) Math.ceil(gatewayMs.value());
        double memoryGb = function.memoryMb() / 1024.0;
        for (String architecture : List.of("arm64", "x86_64")) {
            double perGbSecond = price(architecture.equals("arm64") ? "lambdaArm64" : "lambdaX86");
            for (boolean lease : List.of(true, false)) {
                double writes = (lease ? leased : unleased).value() * wru.value() * price("dynamoDbWrites");
                double reads = keyReadsPerRequest * rru.value() * price("dynamoDbReads");
                double duration = memoryGb * lambdaMs / 1000.0 * perGbSecond * 1e6;
                row(out, "(a) Tollgate on AWS: HTTP API + Lambda " + architecture + ", " + function.memoryMb() + " MB ("
                                + function.stage() + "), " + lambdaMs + " ms billed + DynamoDB on-demand, "
                                + (lease ? "quota leased" : "`lease: false`"),
                        price("httpApi"), price("lambdaRequests"), duration, writes, reads, rest);
            }
        }
        long azureMb = Math.min(1536, (long) Math.ceil(azureMemory.value() / 128) * 128);
        long azureMs = Math.max((long) Math.ceil(gatewayMs.value()), (long) azureMinimum.value());
        for (boolean lease : List.of(true, false)) {
            double writes = (lease ? cosmosLeased : cosmosUnleased).value() * ruWrite.value() * price("cosmosServerless");
            double reads = keyReadsPerRequest * ruRead.value() * price("cosmosServerless");
            double duration = azureMb / 1024.0 * azureMs / 1000.0 * price("functionsDuration") * 1e6;
            row(out, "(b) Tollgate on Azure: Functions Consumption, " + azureMb + " MB, " + azureMs + " ms billed + Cosmos DB serverless, "
                    + (lease ? "quota leased" : "`lease: false`"), 0, price("functionsExecutions"), duration, writes, reads, apim);
        }
        row(out, "(c) API Gateway REST API with usage plans (API keys, quotas and throttling built in)", rest, 0, 0, 0, 0, 0);
        row(out, "(d) Azure API Management, Consumption tier", apim, 0, 0, 0, 0, 0);

        long waitedMs = (long) Math.ceil(gatewayMs.value() + backend.value());
        double armWait = memoryGb * (waitedMs - lambdaMs) / 1000.0 * price("lambdaArm64") * 1e6;
        double x86Wait = memoryGb * (waitedMs - lambdaMs) / 1000.0 * price("lambdaX86") * 1e6;
        double azureWait = azureMb / 1024.0 * (Math.max(waitedMs, (long) azureMinimum.value()) - azureMs) / 1000.0
                * price("functionsDuration") * 1e6;
        out.append("\nA function is billed while it waits for the backend, API Gateway and API Management are not: a backend that")
                .append(" answers in ").append(BenchSummary.number(backend.value())).append(" ms adds ").append(usd(armWait))
                .append(" (arm64) or ").append(usd(x86Wait)).append(" (x86_64) per million requests to (a), and ")
                .append(usd(azureWait)).append(" to (b)")
                .append(azureWait == 0 ? " (inside the billed minimum)" : "").append(".");
        // The billed time per request at which Tollgate, leased, costs what the managed gateway does.
        double reads = keyReadsPerRequest * rru.value() * price("dynamoDbReads");
        double awsFixed = price("httpApi") + price("lambdaRequests") + leased.value() * wru.value() * price("dynamoDbWrites") + reads;
        long armEven = (long) Math.floor((rest - awsFixed) / (memoryGb / 1000.0 * price("lambdaArm64") * 1e6));
        long x86Even = (long) Math.floor((rest - awsFixed) / (memoryGb / 1000.0 * price("lambdaX86") * 1e6));
        double azureFixed = price("functionsExecutions") + (cosmosLeased.value() * ruWrite.value() + keyReadsPerRequest * ruRead.value())
                * price("cosmosServerless");
        long azureEven = (long) Math.floor((apim - azureFixed) / (azureMb / 1024.0 / 1000.0 * price("functionsDuration") * 1e6));
        out.append(" With its quota leased, (a) costs at most what (c) does while the function is billed up to ").append(armEven)
                .append(" ms a request on arm64 (").append(x86Even).append(" ms on x86_64), its own time and the backend's together; (b)")
                .append(azureEven < azureMinimum.value() ? " costs more than (d) at any duration"
                        : " at most what (d) does up to " + azureEven + " ms")
                .append(".\n");

        out.append("\n| input | value | from |\n|---|---|---|\n");
        out.append("| the function's memory and architecture | ").append(function.memoryMb()).append(" MB, ")
                .append(function.architecture()).append(" | `deploy/stages.yaml`, stage ").append(function.stage())
                .append(" (both architectures are priced above) |\n");
        for (Input input : List.of(gatewayMs, leased, unleased, cosmosLeased, cosmosUnleased, wru, rru, ruWrite, ruRead, ttl, rate,
                keys, azureMemory, azureMinimum, backend)) {
            out.append("| ").append(input.name()).append(" | ").append(BenchSummary.number(input.value())).append(" | ")
                    .append(input.from()).append(" |\n");
        }
        out.append("| key reads per request | ").append(String.format(Locale.ROOT, "%.4f", keyReadsPerRequest))
                .append(" | active keys / (requests per second × cache seconds), per warm instance |\n");

        out.append("\n| price | USD | per | source | read | confirmed |\n|---|---|---|---|---|---|\n");
        file.path("prices").fields().forEachRemaining(entry -> {
            JsonNode price = entry.getValue();
            out.append("| ").append(entry.getKey()).append(" | ").append(price.path("usd").decimalValue().stripTrailingZeros().toPlainString()).append(" | ")
                    .append(price.path("per").asText()).append(" | ").append(price.path("source").asText()).append(" | ")
                    .append(price.path("read").asText()).append(" | ").append(price.path("confirmed").asText()).append(" |\n");
        });
        out.append("\nFree tiers (not subtracted above):\n\n");
        for (JsonNode tier : file.path("freeTiers")) {
            out.append("- ").append(tier.path("what").asText()).append(" (").append(tier.path("source").asText()).append(")\n");
        }
        return out.toString();
    }

    /** A row of the table; {@code against}, the managed gateway's price it is compared with (0: none). */
    private static void row(StringBuilder out, String what, double frontDoor, double requests, double duration, double writes,
            double reads, double against) {
        double total = frontDoor + requests + duration + writes + reads;
        out.append("| ").append(what).append(" | ").append(cell(frontDoor)).append(" | ").append(cell(requests)).append(" | ")
                .append(cell(duration)).append(" | ").append(cell(writes)).append(" | ").append(cell(reads)).append(" | **")
                .append(usd(total)).append("** | ")
                .append(against == 0 ? "–" : String.format(Locale.ROOT, "%.2f", total / against)).append(" |\n");
    }

    private static String cell(double usd) {
        return usd == 0 ? "–" : usd(usd);
    }

    static String usd(double usd) {
        return String.format(Locale.ROOT, "$%.4f", usd);
    }

    private double price(String name) {
        JsonNode price = file.path("prices").path(name);
        if (!price.path("usd").isNumber()) {
            throw new IllegalArgumentException("bench/prices.yaml: prices." + name + ".usd: "
                    + (price.isMissingNode() ? "missing" : price.path("usd").asText()) + " (expected: a number)");
        }
        return price.path("usd").asDouble();
    }

    /**
     * An input of {@code model:}: {@code {value: N, from: ...}}, or {@code {figures: [NAME.key, ...], otherwise: N, note: ...}},
     * the first figure the runs reported (in ms when its key ends in {@code _us} or {@code _ms}), else {@code otherwise}.
     */
    private Input input(String name) {
        JsonNode node = file.path("model").path(name);
        String where = "bench/prices.yaml: model." + name;
        if (node.isMissingNode()) {
            throw new IllegalArgumentException(where + ": missing (expected: {value: N, from: TEXT} or {figures: [...], otherwise: N})");
        }
        if (node.has("figures")) {
            for (JsonNode id : node.path("figures")) {
                Optional<Double> measured = BenchResults.number(figures.get(id.asText()));
                if (measured.isPresent()) {
                    double value = id.asText().endsWith("_us") ? measured.get() / 1000 : measured.get();
                    return new Input(label(node, name), value, "measured: `" + id.asText() + "` = "
                            + BenchSummary.value(id.asText(), figures.get(id.asText())) + note(node));
                }
            }
            return new Input(label(node, name), number(node.path("otherwise"), where + ".otherwise"),
                    "**not measured in these runs**: the stated value" + note(node));
        }
        return new Input(label(node, name), number(node.path("value"), where + ".value"), node.path("from").asText(""));
    }

    private static String label(JsonNode node, String name) {
        return node.path("label").asText(name);
    }

    private static String note(JsonNode node) {
        return node.has("note") ? "; " + node.path("note").asText() : "";
    }

    private static double number(JsonNode node, String where) {
        if (!node.isNumber()) {
            throw new IllegalArgumentException(where + ": " + (node.isMissingNode() ? "missing" : node.asText()) + " (expected: a number)");
        }
        return node.asDouble();
    }

    /** The function settings of {@code stage} in a stages file's tree ({@code stages.STAGE.function.memory, architecture}). */
    static Function function(JsonNode stages, String stage) {
        JsonNode function = stages.path("stages").path(stage).path("function");
        if (!function.path("memory").isNumber()) {
            throw new IllegalArgumentException("deploy/stages.yaml: stages." + stage + ".function.memory: "
                    + (function.path("memory").isMissingNode() ? "missing" : function.path("memory").asText())
                    + " (expected: the stage the cost model prices, model.awsStage in bench/prices.yaml)");
        }
        return new Function(stage, function.path("memory").asInt(), function.path("architecture").asText("arm64"));
    }
}
