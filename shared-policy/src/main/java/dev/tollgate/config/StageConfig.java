package dev.tollgate.config;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stage: a deployment of the configuration with its own variables.
 *
 * @param name      {@code dev}, {@code prod}, …
 * @param variables the stage variables routes refer to as {@code ${stageVariables.NAME}}
 */
public record StageConfig(String name, Map<String, String> variables) {

    /** A stage's name, as API Gateway accepts it. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    /** A stage variable's name, as API Gateway accepts it. */
    public static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{stageVariables\\.([A-Za-z0-9_]+)}");

    public StageConfig {
        variables = Map.copyOf(variables);
    }

    /** The variable a value names when it is exactly {@code ${stageVariables.NAME}}, as API Gateway writes it. */
    public static Optional<String> variableReference(String value) {
        Matcher matcher = REFERENCE.matcher(value);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
