package dev.tollgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.bench.BenchResults.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The summary of the newest run of each benchmark, as Markdown: which ran (command, status, time, load
 * average at start and end, results file), on which machine, and a table of the figures that
 * {@code bench/figures.yaml} names (label, value, the baseline it is measured against and the ratio, the
 * target and whether it is met), then every other figure the runs printed, a row per RESULT line. A benchmark that did not run,
 * or whose figure is missing, is said to be so: the summary renders whatever RESULT lines exist.
 */
final class BenchSummary {

    /**
     * A figure of {@code bench/figures.yaml}: {@code NAME.key}, what it is, its baseline and targets (each may be absent):
     * on the value, on value / baseline, and on value - baseline.
     */
    record Figure(String bench, String id, String label, String baseline, Target target, Target ratioTarget, Target overBaseline) {
    }

    /** {@code <= 600} or {@code >= 1000}. */
    record Target(String operator, double bound) {

        static Target parse(String text, String where) {
            if (text == null) {
                return null;
            }
            String trimmed = text.strip();
            if (trimmed.length() > 2 && (trimmed.startsWith("<=") || trimmed.startsWith(">="))) {
                Optional<Double> bound = BenchResults.number(trimmed.substring(2).strip());
                if (bound.isPresent()) {
                    return new Target(trimmed.substring(0, 2), bound.get());
                }
            }
            throw new IllegalArgumentException(where + ": " + text + " (expected: <= NUMBER or >= NUMBER)");
        }

        boolean metBy(double value) {
            return operator.equals("<=") ? value <= bound : value >= bound;
        }

        String text(String unit) {
            return (operator.equals("<=") ? "≤ " : "≥ ") + number(bound) + (unit.isEmpty() ? "" : " " + unit);
        }
    }

    private final List<Figure> figures;

    BenchSummary(List<Figure> figures) {
        this.figures = List.copyOf(figures);
    }

    /** The {@code figures:} list of {@code bench/figures.yaml}. */
    static BenchSummary of(JsonNode spec) {
        List<Figure> figures = new ArrayList<>();
        JsonNode list = spec.path("figures");
        for (int i = 0; i < list.size(); i++) {
            JsonNode figure = list.get(i);
            String where = "bench/figures.yaml: figures[" + i + "]";
            figures.add(new Figure(text(figure, "bench", where), text(figure, "figure", where), text(figure, "label", where),
                    figure.path("baseline").asText(null), Target.parse(figure.path("target").asText(null), where + ".target"),
                    Target.parse(figure.path("ratioTarget").asText(null), where + ".ratioTarget"),
                    Target.parse(figure.path("overBaseline").asText(null), where + ".overBaseline")));
        }
        return new BenchSummary(figures);
    }

    String render(Map<String, Run> runs) {
        StringBuilder out = new StringBuilder();
        Set<String> benches = new LinkedHashSet<>();
        figures.forEach(f -> benches.add(f.bench()));
        benches.addAll(runs.keySet());
        out.append("| benchmark | command | status | took | load average (1 min) at start, end | results |\n");
        out.append("|---|---|---|---|---|---|\n");
        Map<String, Map<String, String>> machines = new LinkedHashMap<>();
        for (String bench : benches) {
            Run run = runs.get(bench);
            if (run == null) {
                out.append(row(bench, "–", "not run", "", "", ""));
                continue;
            }
            machines.putIfAbsent(run.file(), run.machine());
            String command = run.fields().get("command");
            out.append(row(bench, command == null ? "–" : "`" + command + "`", status(run), seconds(run.fields().get("seconds")),
                    load(run), run.file()));
        }
        if (!machines.isEmpty()) {
            out.append('\n');
            machines.forEach((file, machine) -> out.append("- ").append(file).append(": ").append(machine(machine)).append('\n'));
        }
        out.append('\n').append("| figure | value | against | ratio | target | met |\n|---|---|---|---|---|---|\n");
        Map<String, String> all = new LinkedHashMap<>();
        runs.values().forEach(run -> all.putAll(run.figures()));
        Set<String> named = new LinkedHashSet<>();
        for (Figure figure : figures) {
            named.add(figure.id());
            out.append(row(figure, runs.get(figure.bench()), all));
        }
        // The other figures, one row per RESULT line: `NAME` | key value, key value, ...
        Map<String, List<String>> others = new LinkedHashMap<>();
        for (Map.Entry<String, String> other : all.entrySet()) {
            if (!named.contains(other.getKey())) {
                int dot = other.getKey().lastIndexOf('.');
                others.computeIfAbsent(other.getKey().substring(0, dot), name -> new ArrayList<>())
                        .add(other.getKey().substring(dot + 1) + " " + value(other.getKey(), other.getValue()));
            }
        }
        others.forEach((name, values) -> out.append(row("`" + name + "`", String.join(", ", values), "", "", "", "")));
        return out.toString();
    }

    private String row(Figure figure, Run run, Map<String, String> all) {
        String label = figure.label() + " (`" + figure.id() + "`)";
        if (run == null || run.status().equals("missing")) {
            return row(label, "not run", "", "", "", "");
        }
        String value = all.get(figure.id());
        if (value == null) {
            return row(label, "not reported", "", "", "", "");
        }
        String unit = unit(figure.id());
        Optional<Double> number = BenchResults.number(value);
        String against = "";
        String ratio = "";
        Optional<Double> ratioValue = Optional.empty();
        Optional<Double> difference = Optional.empty();
        if (figure.baseline() != null) {
            String base = all.get(figure.baseline());
            String baseLabel = "`" + figure.baseline() + "`";
            against = base == null ? baseLabel + ": not reported" : baseLabel + ": " + value(figure.baseline(), base);
            Optional<Double> baseNumber = BenchResults.number(base);
            if (number.isPresent() && baseNumber.isPresent() && baseNumber.get() != 0) {
                ratioValue = Optional.of(number.get() / baseNumber.get());
                // Two decimals, or three significant digits for a small ratio (0.0105, not 0.01).
                ratio = String.format(Locale.ROOT, Math.abs(ratioValue.get()) >= 0.1 ? "%.2f" : "%.3g", ratioValue.get());
            }
            if (number.isPresent() && baseNumber.isPresent()) {
                difference = Optional.of(number.get() - baseNumber.get());
            }
        }
        List<String> targets = new ArrayList<>();
        List<Boolean> met = new ArrayList<>();
        if (figure.target() != null) {
            targets.add(figure.target().text(unit));
            number.ifPresent(n -> met.add(figure.target().metBy(n)));
        }
        if (figure.ratioTarget() != null) {
            targets.add("ratio " + figure.ratioTarget().text(""));
            ratioValue.ifPresent(r -> met.add(figure.ratioTarget().metBy(r)));
        }
        if (figure.overBaseline() != null) {
            String bound = figure.overBaseline().text(unit);
            targets.add(bound.substring(0, 2) + "baseline + " + bound.substring(2));
            difference.ifPresent(d -> met.add(figure.overBaseline().metBy(d)));
        }
        // No as soon as one target is missed; yes when every target could be checked and is met.
        String verdict = targets.isEmpty() ? "" : met.contains(false) ? "**no**" : met.size() < targets.size() ? "–" : "yes";
        return row(label, value(figure.id(), value), against, ratio, String.join(", ", targets), verdict);
    }

    /** A table row; an empty cell is written {@code | |}. */
    private static String row(String... cells) {
        StringBuilder row = new StringBuilder("|");
        for (String cell : cells) {
            row.append(cell.isEmpty() ? " |" : " " + cell + " |");
        }
        return row.append('\n').toString();
    }

    private static String status(Run run) {
        return switch (run.status()) {
            case "ok" -> "ok";
            case "missing" -> "not run: not in this checkout";
            default -> run.status() + " (exit " + run.fields().getOrDefault("exit", "?") + ")";
        };
    }

    private static String load(Run run) {
        String start = run.fields().get("load_start");
        String end = run.fields().get("load_end");
        return start == null ? "" : start + ", " + (end == null ? "?" : end);
    }

    private static String seconds(String seconds) {
        return seconds == null ? "" : seconds + " s";
    }

    private static String machine(Map<String, String> machine) {
        List<String> parts = new ArrayList<>();
        if (machine.containsKey("nproc")) {
            parts.add(machine.get("nproc") + " CPUs" + (machine.containsKey("cpu") ? " (" + machine.get("cpu") + ")" : ""));
        }
        BenchResults.number(machine.get("memory_mb"))
                .ifPresent(mb -> parts.add(String.format(Locale.ROOT, "%.1f GiB memory", mb / 1024)));
        if (machine.containsKey("jdk")) {
            parts.add("JDK " + machine.get("jdk"));
        }
        if (machine.containsKey("os")) {
            parts.add(machine.get("os"));
        }
        if (machine.containsKey("date")) {
            parts.add("started " + machine.get("date"));
        }
        if (machine.containsKey("commit")) {
            parts.add("commit " + machine.get("commit"));
        }
        if ("true".equals(machine.get("quick"))) {
            parts.add("`--quick` (fewer repetitions: noisier)");
        }
        return parts.isEmpty() ? "machine not recorded" : String.join(", ", parts);
    }

    /** A figure's value with the unit its key's suffix names. */
    static String value(String id, String value) {
        String unit = unit(id);
        return unit.isEmpty() ? value : value + " " + unit;
    }

    static String unit(String id) {
        String key = id.substring(id.lastIndexOf('.') + 1);
        if (key.endsWith("_ms")) {
            return "ms";
        } else if (key.endsWith("_us")) {
            return "µs";
        } else if (key.endsWith("_ns")) {
            return "ns";
        } else if (key.endsWith("_s")) {
            return "s";
        } else if (key.endsWith("_mb")) {
            return "MB";
        } else if (key.endsWith("_bytes")) {
            return "bytes";
        } else if (key.equals("rps") || key.endsWith("_rps")) {
            return "requests/s";
        } else if (key.endsWith("_per_req") || key.endsWith("_per_request")) {
            return "per request";
        } else if (key.endsWith("_pct")) {
            return "%";
        }
        return "";
    }

    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%s", value);
    }

    private static String text(JsonNode node, String field, String where) {
        String value = node.path(field).asText(null);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(where + "." + field + ": missing (expected: a text)");
        }
        return value;
    }
}
