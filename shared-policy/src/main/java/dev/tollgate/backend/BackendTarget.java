package dev.tollgate.backend;

import dev.tollgate.config.StageConfig;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where a route sends its requests, as written: a fixed base URL ({@code http://nlb.internal:8080}),
 * an ECS service ({@code ecs://prod/orders:8080}), or a stage variable that holds either
 * ({@code ${stageVariables.ordersBackend}}).
 */
public final class BackendTarget {

    private final String written;
    private final String variable;
    private final BackendAddress fixed;

    private BackendTarget(String written, String variable, BackendAddress fixed) {
        this.written = written;
        this.variable = variable;
        this.fixed = fixed;
    }

    /** Reads a target as written; empty when it is neither a stage variable, an http(s) URL nor an ecs:// service. */
    public static Optional<BackendTarget> parse(String written) {
        Optional<String> variable = StageConfig.variableReference(written);
        if (variable.isPresent()) {
            return Optional.of(new BackendTarget(written, variable.get(), null));
        }
        return address(written).map(address -> new BackendTarget(written, null, address));
    }

    /** A backend's address: an http(s) base URL or an ecs:// service; empty when the value is neither. */
    public static Optional<BackendAddress> address(String value) {
        if (EcsService.isEcsUrl(value)) {
            return EcsService.parse(value).map(BackendAddress.class::cast);
        }
        return baseUrl(value).map(BackendAddress.Url::new);
    }

    /** An http(s) URL with a host and no query or fragment, usable as a base for forwarded paths. */
    public static Optional<URI> baseUrl(String value) {
        try {
            URI uri = new URI(value);
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (!http || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || uri.getRawUserInfo() != null) {
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** The stage variable this target reads, if it reads one. */
    public Optional<String> variable() {
        return Optional.ofNullable(variable);
    }

    /**
     * Where a request goes on a stage with these variables; empty when the variable is missing or
     * holds neither an http(s) URL nor an ecs:// service.
     */
    public Optional<BackendAddress> resolve(Map<String, String> stageVariables) {
        if (variable == null) {
            return Optional.of(fixed);
        }
        String value = stageVariables.get(variable);
        return value == null ? Optional.empty() : address(value);
    }

    @Override
    public String toString() {
        return written;
    }
}
