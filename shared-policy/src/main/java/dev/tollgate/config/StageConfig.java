package dev.tollgate.config;

import java.util.Map;

/**
 * A stage: a deployment of the configuration with its own variables.
 *
 * @param name      {@code dev}, {@code prod}, …
 * @param variables the stage variables routes refer to as {@code ${stageVariables.NAME}}
 */
public record StageConfig(String name, Map<String, String> variables) {

    public StageConfig {
        variables = Map.copyOf(variables);
    }
}
