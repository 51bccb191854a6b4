package dev.tollgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The results files {@code ./tollgate bench} writes into {@code bench/results/}, one per run of the suite:
 * a {@code MACHINE} line (where and when), then per benchmark a {@code RUN} line (its command, exit status,
 * seconds, load average at start and end) followed by the {@code RESULT} lines it printed. Every line is
 * {@code KIND key=value ...}; a value with spaces is quoted: {@code cpu="AMD EPYC"}. A benchmark prints its
 * figures as {@code RESULT name=NAME key=value ...}, numbers without units, the unit in the key's suffix
 * ({@code p50_ms=0.41 rps=1234}); a figure is then known as {@code NAME.key}. A name printed again in the same
 * run (the same target at another concurrency, say) is counted: its figures are {@code NAME#2.key}, {@code NAME#3.key}.
 */
final class BenchResults {

    /** One benchmark's run, as recorded in {@code file}; {@code figures} by {@code NAME.key}, in the order printed. */
    record Run(String bench, Map<String, String> fields, Map<String, String> figures, String file, Map<String, String> machine) {

        String status() {
            return fields.getOrDefault("status", "ok");
        }
    }

    private BenchResults() {
    }

    /** The runs of every results file in {@code directory}, newest file first (the names start with the date). */
    static List<List<Run>> readAll(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> sorted = new ArrayList<>(files.filter(f -> f.getFileName().toString().endsWith(".txt")).sorted().toList());
            Collections.reverse(sorted);
            List<List<Run>> runs = new ArrayList<>();
            for (Path file : sorted) {
                runs.add(parse(Files.readAllLines(file), file.getFileName().toString()));
            }
            return runs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest run of each benchmark over {@code files} (newest first), in the order benchmarks were first met. */
    static Map<String, Run> newestRuns(List<List<Run>> files) {
        Map<String, Run> newest = new LinkedHashMap<>();
        for (List<Run> file : files) {
            for (Run run : file) {
                newest.putIfAbsent(run.bench(), run);
            }
        }
        return newest;
    }

    /** The runs of one results file, named {@code file} in messages. */
    static List<Run> parse(List<String> lines, String file) {
        Map<String, String> machine = Map.of();
        List<Run> runs = new ArrayList<>();
        String bench = null;
        Map<String, String> fields = null;
        Map<String, String> figures = null;
        Map<String, Integer> printedNames = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1);
            int space = line.indexOf(' ');
            String kind = space < 0 ? line : line.substring(0, space);
            Map<String, String> values = fields(space < 0 ? "" : line.substring(space + 1), where);
            switch (kind) {
                case "MACHINE" -> machine = values;
                case "RUN" -> {
                    if (bench != null) {
                        runs.add(new Run(bench, fields, figures, file, machine));
                    }
                    bench = required(values, "name", where);
                    fields = values;
                    figures = new LinkedHashMap<>();
                    printedNames.clear();
                }
                case "RESULT" -> {
                    if (bench == null) {
                        throw new IllegalArgumentException(where + ": RESULT before any RUN line (expected: RUN name=BENCH first)");
                    }
                    String printed = required(values, "name", where);
                    int times = printedNames.merge(printed, 1, Integer::sum);
                    String name = times == 1 ? printed : printed + "#" + times;
                    for (Map.Entry<String, String> value : values.entrySet()) {
                        if (!value.getKey().equals("name")) {
                            figures.put(name + "." + value.getKey(), value.getValue());
                        }
                    }
                }
                default -> throw new IllegalArgumentException(where + ": " + kind + " (expected: MACHINE, RUN or RESULT)");
            }
        }
        if (bench != null) {
            runs.add(new Run(bench, fields, figures, file, machine));
        }
        return runs;
    }

    /** {@code key=value key="a value" ...}, in order. */
    static Map<String, String> fields(String text, String where) {
        Map<String, String> fields = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == ' ') {
                i++;
                continue;
            }
            int equals = text.indexOf('=', i);
            int space = text.indexOf(' ', i);
            if (equals < 0 || (space >= 0 && space < equals) || equals == i) {
                String word = text.substring(i, space < 0 ? text.length() : space);
                throw new IllegalArgumentException(where + ": " + word + " (expected: key=value)");
            }
            String key = text.substring(i, equals);
            int end;
            String value;
            if (equals + 1 < text.length() && text.charAt(equals + 1) == '"') {
                end = text.indexOf('"', equals + 2);
                if (end < 0) {
                    throw new IllegalArgumentException(where + ": " + key + " (expected: a closing quote)");
                }
                value = text.substring(equals + 2, end);
                end++;
            } else {
                end = text.indexOf(' ', equals);
                end = end < 0 ? text.length() : end;
                value = text.substring(equals + 1, end);
            }
            fields.put(key, value);
            i = end;
        }
        return fields;
    }

    static Optional<Double> number(String value) {
        try {
            return Optional.of(Double.parseDouble(value));
        } catch (NumberFormatException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private static String required(Map<String, String> values, String key, String where) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(where + ": no " + key + "= (expected: " + key + "=NAME)");
        }
        return value;
    }
}
