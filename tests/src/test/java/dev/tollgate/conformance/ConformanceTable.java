package dev.tollgate.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The outcome of every scenario on every adapter, as the table printed after the run and written to docs/conformance.md. */
final class ConformanceTable {

    enum Outcome { PASS, FAIL, SKIPPED }

    record Result(Outcome outcome, String reason) {
    }

    private final List<String> adapters;
    private final Map<String, Map<String, Result>> results = new LinkedHashMap<>();

    ConformanceTable(List<String> adapters) {
        this.adapters = List.copyOf(adapters);
    }

    synchronized void record(String scenario, String adapter, Result result) {
        results.computeIfAbsent(scenario, s -> new LinkedHashMap<>()).put(adapter, result);
    }

    synchronized long count(Outcome outcome) {
        return results.values().stream().flatMap(row -> row.values().stream()).filter(r -> r.outcome() == outcome).count();
    }

    /** A Markdown table, scenario × adapter, then the reasons of the skips and failures. */
    synchronized String markdown() {
        StringBuilder text = new StringBuilder("| scenario | ").append(String.join(" | ", adapters)).append(" |\n|---|");
        adapters.forEach(adapter -> text.append("---|"));
        text.append('\n');
        List<String> notes = new ArrayList<>();
        results.forEach((scenario, row) -> {
            text.append("| ").append(scenario.replace("|", "\\|")).append(" |");
            for (String adapter : adapters) {
                Result result = row.get(adapter);
                if (result == null) {
                    text.append(" not run |");
                    continue;
                }
                switch (result.outcome()) {
                    case PASS -> text.append(" pass |");
                    case FAIL -> {
                        notes.add("FAIL " + scenario + " on " + adapter + ": " + result.reason());
                        text.append(" **FAIL** [").append(notes.size()).append("] |");
                    }
                    case SKIPPED -> {
                        notes.add("skipped " + scenario + " on " + adapter + ": " + result.reason());
                        text.append(" skipped [").append(notes.size()).append("] |");
                    }
                }
            }
            text.append('\n');
        });
        text.append('\n').append(results.size()).append(" scenarios × ").append(adapters.size()).append(" adapters: ")
                .append(count(Outcome.PASS)).append(" pass, ").append(count(Outcome.FAIL)).append(" fail, ")
                .append(count(Outcome.SKIPPED)).append(" skipped.\n");
        if (!notes.isEmpty()) {
            text.append('\n');
            for (int i = 0; i < notes.size(); i++) {
                text.append("[").append(i + 1).append("] ").append(notes.get(i).replace("\n", " ")).append("  \n");
            }
        }
        return text.toString();
    }
}
