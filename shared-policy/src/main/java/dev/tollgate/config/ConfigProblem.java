package dev.tollgate.config;

/**
 * One thing wrong with a configuration file: where it is, the value found and what was expected.
 *
 * @param source  the file name
 * @param line    the 1-based line, or 0 when the place has no line (a missing section)
 * @param path    the place in the document, such as {@code routes[1].backend}
 * @param message the value and what was expected
 */
public record ConfigProblem(String source, int line, String path, String message) {

    @Override
    public String toString() {
        String where = line > 0 ? source + ":" + line : source;
        return path.isEmpty() ? where + ": " + message : where + ": " + path + ": " + message;
    }
}
