package dev.tollgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.bench.BenchResults.Run;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./tollgate bench}'s report: results files read, the summary table and the cost per million requests
 * rendered from sample RESULT lines, exactly, and only the generated blocks of docs/performance.md replaced.
 */
class BenchReportTest {

    private static final List<String> NEWEST = List.of(
            "# ./tollgate bench --quick",
            "MACHINE date=2026-12-03T09:40:00Z commit=abc1234 nproc=2 cpu=\"AMD EPYC\" memory_mb=24105 jdk=\"17.0.15+6\" quick=true",
            "RUN name=cold-start command=\"RUNS=3 bench/cold-start\" exit=0 seconds=95 load_start=3.97 load_end=4.20",
            "RESULT name=cold-start lambda_first_ms=540 naive_ms=1200 empty_jvm_ms=80",
            "RUN name=warm-path status=missing",
            "RUN name=load command=\"bench/load\" exit=0 seconds=70 load_start=2.00 load_end=2.50",
            "RESULT name=load tollgate_added_p50_ms=1.4 nginx_added_p50_ms=0.2 rps=5120",
            "RESULT name=load tollgate_added_p50_ms=3.1 under_pct=2.5");
    private static final List<String> OLDER = List.of(
            "MACHINE date=2026-12-02T18:00:00Z commit=0ld0000 nproc=2",
            "RUN name=leases command=\"bench/leases\" status=failed exit=1 seconds=120 load_start=1.00 load_end=1.10",
            "RESULT name=leases-dynamodb steady_leased_writes_per_req=0.0101 steady_unleased_writes_per_req=1.0 overshoot=0",
            "RESULT name=leases-cosmos steady_leased_writes_per_req=0.0102 steady_unleased_writes_per_req=1.0 overshoot=2",
            "RUN name=cold-start command=\"bench/cold-start\" exit=0 seconds=300",
            "RESULT name=cold-start lambda_first_ms=999");

    private static final String FIGURES = """
            figures:
              - {bench: cold-start, figure: cold-start.lambda_first_ms, label: first proxied answer, baseline: cold-start.naive_ms, target: "<= 600", ratioTarget: "<= 0.5"}
              - {bench: cold-start, figure: cold-start.naive_ms, label: naive SDK baseline}
              - {bench: cold-start, figure: cold-start.empty_jvm_ms, label: empty JVM, baseline: cold-start.gone_ms, target: "<= 50", ratioTarget: "<= 1"}
              - {bench: load, figure: load.rps, label: requests a second, baseline: load.gone_rps, ratioTarget: ">= 1"}
              - {bench: warm-path, figure: "warm-path.apiKeyQuota[lease=true].p50_us", label: API key + quota, target: "<= 20"}
              - {bench: load, figure: load.tollgate_added_p50_ms, label: added by Tollgate, baseline: load.nginx_added_p50_ms, overBaseline: "<= 1"}
              - {bench: load, figure: load.p99_ms, label: p99}
              - {bench: leases, figure: leases-dynamodb.overshoot, label: overshoot on DynamoDB, target: "<= 0"}
              - {bench: leases, figure: leases-cosmos.overshoot, label: overshoot on Cosmos DB, target: "<= 0"}
              - {bench: leases, figure: leases-cosmos.steady_leased_writes_per_req, label: writes, baseline: leases-cosmos.steady_unleased_writes_per_req, target: "<= 0.05"}
              - {bench: jmh, figure: jmh.x_us, label: never run}
            """;

    private static final String PRICES = """
            region: {aws: us-east-1, azure: East US}
            prices:
              httpApi: {usd: 1.00, per: million requests, source: https://aws.example/apigw, read: 2026-12-03, confirmed: yes}
              restApi: {usd: 3.50, per: million requests, source: https://aws.example/apigw, read: 2026-12-03, confirmed: yes}
              lambdaRequests: {usd: 0.20, per: million requests, source: s, read: d, confirmed: c}
              lambdaArm64: {usd: 0.0000133334, per: GB-second, source: s, read: d, confirmed: c}
              lambdaX86: {usd: 0.0000166667, per: GB-second, source: s, read: d, confirmed: c}
              dynamoDbWrites: {usd: 0.625, per: million write request units, source: s, read: d, confirmed: c}
              dynamoDbReads: {usd: 0.125, per: million read request units, source: s, read: d, confirmed: c}
              functionsExecutions: {usd: 0.20, per: million executions, source: s, read: d, confirmed: c}
              functionsDuration: {usd: 0.000016, per: GB-second, source: s, read: d, confirmed: c}
              cosmosServerless: {usd: 0.25, per: million RU, source: s, read: d, confirmed: not from a stored page}
              apimConsumption: {usd: 3.50, per: million calls, source: s, read: d, confirmed: c}
            freeTiers:
              - {what: Lambda 1 million requests a month, source: https://aws.example/lambda}
            model:
              awsStage: prod
              gatewayMs: {label: gateway ms, figures: [load.tollgate_added_p50_ms], otherwise: 3}
              writesPerRequestLeased: {label: writes leased, figures: [leases-dynamodb.steady_leased_writes_per_req], otherwise: 0.5}
              writesPerRequestUnleased: {label: writes unleased, figures: [leases-dynamodb.steady_unleased_writes_per_req], otherwise: 1}
              cosmosWritesPerRequestLeased: {label: cosmos leased, figures: [leases-cosmos.steady_leased_writes_per_req], otherwise: 0.5}
              cosmosWritesPerRequestUnleased: {label: cosmos unleased, figures: [leases-cosmos.steady_unleased_writes_per_req], otherwise: 1, note: a note}
              dynamoDbUnitsPerWrite: {value: 1, from: item under 1 KB}
              dynamoDbUnitsPerKeyRead: {value: 1, from: strongly consistent}
              cosmosRuPerWrite: {value: 4.95, from: docs}
              cosmosRuPerKeyRead: {value: 1, from: docs}
              keyCacheSeconds: {value: 60, from: CachingKeyStore}
              requestsPerInstancePerSecond: {value: 10, from: assumed}
              activeKeysPerInstance: {value: 10, from: assumed}
              azureMemoryMb: {value: 500, from: assumed}
              azureMinimumMs: {value: 100, from: pricing page}
              backendMs: {value: 50, from: assumed}
            """;

    private static final String STAGES = """
            stages:
              prod: {function: {memory: 2048, architecture: arm64}}
            """;

    @Test
    void resultsFile_isReadIntoRuns_withQuotedValuesNamesHoldingBrackets_andRepeatedNamesCounted() {
        List<Run> runs = BenchResults.parse(List.of(
                "MACHINE cpu=\"AMD EPYC 7B13\" nproc=2",
                "RUN name=warm-path command=\"bench/warm-path -f 1\" exit=0",
                "RESULT name=warm-path.apiKeyQuota[lease=true] p50_us=4.10 p99_us=9.80",
                "RESULT name=warm-path.jwt[cache=false] p50_us=61.00",
                "RESULT name=warm-path.jwt[cache=false] p50_us=62.00"), "r.txt");

        assertThat(runs).hasSize(1);
        Run run = runs.get(0);
        assertThat(run.bench()).isEqualTo("warm-path");
        assertThat(run.fields()).containsEntry("command", "bench/warm-path -f 1");
        assertThat(run.machine()).containsEntry("cpu", "AMD EPYC 7B13");
        assertThat(run.figures()).containsExactly(Map.entry("warm-path.apiKeyQuota[lease=true].p50_us", "4.10"),
                Map.entry("warm-path.apiKeyQuota[lease=true].p99_us", "9.80"), Map.entry("warm-path.jwt[cache=false].p50_us", "61.00"),
                Map.entry("warm-path.jwt[cache=false]#2.p50_us", "62.00"));
    }

    @Test
    void malformedLines_areRefused_namingFileLineAndWhatWasExpected() {
        assertThatThrownBy(() -> BenchResults.parse(List.of("RUN name=a", "RESULT name=a p50"), "r.txt"))
                .hasMessage("r.txt:2: p50 (expected: key=value)");
        assertThatThrownBy(() -> BenchResults.parse(List.of("RESULT name=a x=1"), "r.txt"))
                .hasMessage("r.txt:1: RESULT before any RUN line (expected: RUN name=BENCH first)");
        assertThatThrownBy(() -> BenchResults.parse(List.of("RUN command=x"), "r.txt"))
                .hasMessage("r.txt:1: no name= (expected: name=NAME)");
        assertThatThrownBy(() -> BenchResults.parse(List.of("RUN name=a cpu=\"open"), "r.txt"))
                .hasMessage("r.txt:1: cpu (expected: a closing quote)");
        assertThatThrownBy(() -> BenchResults.parse(List.of("SCORE name=a"), "r.txt"))
                .hasMessage("r.txt:1: SCORE (expected: MACHINE, RUN or RESULT)");
    }

    @Test
    void newestRunOfEachBenchmark_comesFromTheNewestFileHoldingIt() {
        Map<String, Run> runs = BenchResults.newestRuns(List.of(BenchResults.parse(NEWEST, "new.txt"), BenchResults.parse(OLDER, "old.txt")));

        assertThat(runs.keySet()).containsExactly("cold-start", "warm-path", "load", "leases");
        assertThat(runs.get("cold-start").figures()).containsEntry("cold-start.lambda_first_ms", "540");
        assertThat(runs.get("leases").file()).isEqualTo("old.txt");
    }

    @Test
    void summary_tablesEveryFigure_withItsBaselineRatioAndTarget_andSaysWhatDidNotRun() throws Exception {
        String summary = BenchSummary.of(yaml(FIGURES)).render(BenchResults.newestRuns(
                List.of(BenchResults.parse(NEWEST, "new.txt"), BenchResults.parse(OLDER, "old.txt"))));

        assertThat(summary).isEqualTo("""
                | benchmark | command | status | took | load average (1 min) at start, end | results |
                |---|---|---|---|---|---|
                | cold-start | `RUNS=3 bench/cold-start` | ok | 95 s | 3.97, 4.20 | new.txt |
                | load | `bench/load` | ok | 70 s | 2.00, 2.50 | new.txt |
                | warm-path | – | not run: not in this checkout | | | new.txt |
                | leases | `bench/leases` | failed (exit 1) | 120 s | 1.00, 1.10 | old.txt |
                | jmh | – | not run | | | |

                - new.txt: 2 CPUs (AMD EPYC), 23.5 GiB memory, JDK 17.0.15+6, started 2026-12-03T09:40:00Z, commit abc1234, `--quick` (fewer repetitions: noisier)
                - old.txt: 2 CPUs, started 2026-12-02T18:00:00Z, commit 0ld0000

                | figure | value | against | ratio | target | met |
                |---|---|---|---|---|---|
                | first proxied answer (`cold-start.lambda_first_ms`) | 540 ms | `cold-start.naive_ms`: 1200 ms | 0.45 | ≤ 600 ms, ratio ≤ 0.5 | yes |
                | naive SDK baseline (`cold-start.naive_ms`) | 1200 ms | | | | |
                | empty JVM (`cold-start.empty_jvm_ms`) | 80 ms | `cold-start.gone_ms`: not reported | | ≤ 50 ms, ratio ≤ 1 | **no** |
                | requests a second (`load.rps`) | 5120 requests/s | `load.gone_rps`: not reported | | ratio ≥ 1 | – |
                | API key + quota (`warm-path.apiKeyQuota[lease=true].p50_us`) | not run | | | | |
                | added by Tollgate (`load.tollgate_added_p50_ms`) | 1.4 ms | `load.nginx_added_p50_ms`: 0.2 ms | 7.00 | ≤ baseline + 1 ms | **no** |
                | p99 (`load.p99_ms`) | not reported | | | | |
                | overshoot on DynamoDB (`leases-dynamodb.overshoot`) | 0 | | | ≤ 0 | yes |
                | overshoot on Cosmos DB (`leases-cosmos.overshoot`) | 2 | | | ≤ 0 | **no** |
                | writes (`leases-cosmos.steady_leased_writes_per_req`) | 0.0102 per request | `leases-cosmos.steady_unleased_writes_per_req`: 1.0 per request | 0.0102 | ≤ 0.05 per request | yes |
                | never run (`jmh.x_us`) | not run | | | | |
                | `load` | nginx_added_p50_ms 0.2 ms | | | | |
                | `load#2` | tollgate_added_p50_ms 3.1 ms, under_pct 2.5 % | | | | |
                | `leases-dynamodb` | steady_leased_writes_per_req 0.0101 per request, steady_unleased_writes_per_req 1.0 per request | | | | |
                | `leases-cosmos` | steady_unleased_writes_per_req 1.0 per request | | | | |
                """);
    }

    @Test
    void costModel_pricesAMillionRequests_fromTheMeasuredFigures() throws Exception {
        Map<String, String> measured = Map.of("load.tollgate_added_p50_ms", "1.4",
                "leases-dynamodb.steady_leased_writes_per_req", "0.0101", "leases-dynamodb.steady_unleased_writes_per_req", "1.0",
                "leases-cosmos.steady_leased_writes_per_req", "0.0102", "leases-cosmos.steady_unleased_writes_per_req", "1.0");
        CostModel model = new CostModel(yaml(PRICES), CostModel.function(yaml(STAGES), "prod"), measured);

        String cost = model.render();

        assertThat(cost).contains("""
                | (a) Tollgate on AWS: HTTP API + Lambda arm64, 2048 MB (prod), 2 ms billed + DynamoDB on-demand, quota leased | $1.0000 | $0.2000 | $0.0533 | $0.0063 | $0.0021 | **$1.2617** | 0.36 |
                | (a) Tollgate on AWS: HTTP API + Lambda arm64, 2048 MB (prod), 2 ms billed + DynamoDB on-demand, `lease: false` | $1.0000 | $0.2000 | $0.0533 | $0.6250 | $0.0021 | **$1.8804** | 0.54 |
                | (a) Tollgate on AWS: HTTP API + Lambda x86_64, 2048 MB (prod), 2 ms billed + DynamoDB on-demand, quota leased | $1.0000 | $0.2000 | $0.0667 | $0.0063 | $0.0021 | **$1.2751** | 0.36 |
                | (a) Tollgate on AWS: HTTP API + Lambda x86_64, 2048 MB (prod), 2 ms billed + DynamoDB on-demand, `lease: false` | $1.0000 | $0.2000 | $0.0667 | $0.6250 | $0.0021 | **$1.8938** | 0.54 |
                | (b) Tollgate on Azure: Functions Consumption, 512 MB, 100 ms billed + Cosmos DB serverless, quota leased | – | $0.2000 | $0.8000 | $0.0126 | $0.0042 | **$1.0168** | 0.29 |
                | (b) Tollgate on Azure: Functions Consumption, 512 MB, 100 ms billed + Cosmos DB serverless, `lease: false` | – | $0.2000 | $0.8000 | $1.2375 | $0.0042 | **$2.2417** | 0.64 |
                | (c) API Gateway REST API with usage plans (API keys, quotas and throttling built in) | $3.5000 | – | – | – | – | **$3.5000** | – |
                | (d) Azure API Management, Consumption tier | $3.5000 | – | – | – | – | **$3.5000** | – |
                """);
        assertThat(cost).contains("a backend that answers in 50 ms adds $1.3333 (arm64) or $1.6667 (x86_64) per million requests"
                + " to (a), and $0.0000 to (b) (inside the billed minimum). With its quota leased, (a) costs at most what (c) does while"
                + " the function is billed up to 85 ms a request on arm64 (68 ms on x86_64), its own time and the backend's together;"
                + " (b) at most what (d) does up to 410 ms.");
        assertThat(cost).contains("| gateway ms | 1.4 | measured: `load.tollgate_added_p50_ms` = 1.4 ms |");
        assertThat(cost).contains("| cosmos unleased | 1 | measured: `leases-cosmos.steady_unleased_writes_per_req` = 1.0 per request; a note |");
        assertThat(cost).contains("| key reads per request | 0.0167 |");
        assertThat(cost).contains("| cosmosServerless | 0.25 | million RU | s | d | not from a stored page |",
                "| httpApi | 1 | million requests |", "| lambdaArm64 | 0.0000133334 | GB-second |");
        assertThat(cost).contains("- Lambda 1 million requests a month (https://aws.example/lambda)");
    }

    @Test
    void costModel_usesTheStatedValue_andSaysSo_whenTheRunsDidNotMeasureAnInput() throws Exception {
        String cost = new CostModel(yaml(PRICES), CostModel.function(yaml(STAGES), "prod"), Map.of("warm-path.x.p50_us", "12")).render();

        assertThat(cost).contains("| gateway ms | 3 | **not measured in these runs**: the stated value |");
        assertThat(cost).contains("HTTP API + Lambda arm64, 2048 MB (prod), 3 ms billed");
    }

    @Test
    void badDataFiles_areRefused_namingTheFieldAndWhatWasExpected() throws Exception {
        assertThatThrownBy(() -> CostModel.function(yaml(STAGES), "dev"))
                .hasMessage("deploy/stages.yaml: stages.dev.function.memory: missing (expected: the stage the cost model prices,"
                        + " model.awsStage in bench/prices.yaml)");
        String noRest = PRICES.replace("  restApi: {usd: 3.50,", "  restApi: {usd: three,");
        assertThatThrownBy(() -> new CostModel(yaml(noRest), CostModel.function(yaml(STAGES), "prod"), Map.of()).render())
                .hasMessage("bench/prices.yaml: prices.restApi.usd: three (expected: a number)");
        assertThatThrownBy(() -> BenchSummary.of(yaml("figures: [{bench: b, figure: b.x_ms, label: x, target: \"< 5\"}]")))
                .hasMessage("bench/figures.yaml: figures[0].target: < 5 (expected: <= NUMBER or >= NUMBER)");
    }

    @Test
    void render_replacesTheGeneratedBlocksOnly_keepingTheHandWrittenText() throws Exception {
        String document = """
                # Performance

                Hand-written intro.

                <!-- bench:summary:start -->
                old summary
                <!-- bench:summary:end -->

                ## Cost

                <!-- bench:cost:start -->
                old cost
                <!-- bench:cost:end -->

                ## Cold start

                Hand-written figures.
                """;

        String written = BenchReport.render(document, List.of(BenchResults.parse(NEWEST, "new.txt")), yaml(FIGURES), yaml(PRICES),
                yaml(STAGES));

        assertThat(written).startsWith("# Performance\n\nHand-written intro.\n\n<!-- bench:summary:start -->\n<!-- Generated by")
                .endsWith("<!-- bench:cost:end -->\n\n## Cold start\n\nHand-written figures.\n")
                .contains("| cold-start | `RUNS=3 bench/cold-start` | ok |", "\n<!-- bench:summary:end -->\n\n## Cost\n\n<!-- bench:cost:start -->\n")
                .doesNotContain("old summary", "old cost");
        assertThat(BenchReport.render(written, List.of(BenchResults.parse(NEWEST, "new.txt")), yaml(FIGURES), yaml(PRICES), yaml(STAGES)))
                .as("rendering again changes nothing").isEqualTo(written);
        assertThatThrownBy(() -> BenchReport.replace("no markers", "bench:summary", "x"))
                .hasMessage("docs/performance.md: no <!-- bench:summary:start --> ... <!-- bench:summary:end -->"
                        + " (expected: both markers, in that order, around the generated block)");
    }

    private static JsonNode yaml(String text) throws Exception {
        return BenchReport.YAML.readTree(text);
    }
}
