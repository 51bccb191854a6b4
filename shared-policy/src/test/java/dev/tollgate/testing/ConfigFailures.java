package dev.tollgate.testing;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigProblem;

/** What a refused configuration must say, for the fuzz tests of the files' readers. */
public final class ConfigFailures {

    private ConfigFailures() {
    }

    /**
     * There is at least one problem, and each names the file it is in, a message, and its place: a line,
     * a field, or the whole document, whose message then says what was expected (or that it is not YAML).
     *
     * @param input what was read, for the failure's message
     */
    public static void checkNamed(ConfigException e, Object input) {
        if (e.problems().isEmpty()) {
            throw new AssertionError("a ConfigException without problems, for " + input, e);
        }
        for (ConfigProblem problem : e.problems()) {
            boolean placed = problem.line() > 0 || !problem.path().isEmpty()
                    || problem.message().contains("(expected: ") || problem.message().startsWith("not valid YAML");
            if (problem.source().isBlank() || problem.message().isBlank() || !placed) {
                throw new AssertionError("problem " + problem + " names no file, place or message, for " + input, e);
            }
        }
    }
}
