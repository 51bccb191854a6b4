package dev.tollgate.policy.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.backend.RetryConfig;
import dev.tollgate.config.PlatformLimits;
import dev.tollgate.config.StageConfig;
import dev.tollgate.testing.ConfigReading;
import dev.tollgate.testing.ConfigReading.Read;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteConfigReaderTest {

    private static final Map<String, StageConfig> STAGES =
            Map.of("dev", new StageConfig("dev", Map.of("orders", "http://127.0.0.1:9101")));

    /** Reads each entry of {@code routes} with one reader, as the loader does. */
    private static Read<List<Optional<RouteConfig>>> read(String yaml) {
        return ConfigReading.read(yaml, (in, root) -> {
            RouteConfigReader reader = new RouteConfigReader(in, STAGES, Set.of("idp"), PlatformLimits.DEFAULT);
            List<Optional<RouteConfig>> routes = new ArrayList<>();
            for (int i = 0; i < root.path("routes").size(); i++) {
                routes.add(reader.read(root.path("routes").get(i), "routes[" + i + "]"));
            }
            return routes;
        });
    }

    @Test
    void aRoute_isRead_withDefaultsForWhatIsNotGiven() {
        RouteConfig route = read("routes:\n  - {path: \"/orders/{id}\", methods: [get], backend: \"${stageVariables.orders}\"}\n")
                .value().get(0).orElseThrow();

        assertThat(route.path()).isEqualTo("/orders/{id}");
        assertThat(route.methods()).containsExactly("GET");
        assertThat(route.timeout()).isEqualTo(RouteConfig.DEFAULT_TIMEOUT);
        assertThat(route.connectTimeout()).isEqualTo(RouteConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(route.maxBodyBytes()).isEqualTo(RouteConfig.DEFAULT_MAX_BODY_BYTES);
        assertThat(route.retry()).isEqualTo(RetryConfig.NONE);
    }

    @Test
    void timeoutsAndSizes_areCheckedWithTheirRanges() {
        assertThat(read("""
                routes:
                  - path: /a
                    methods: [GET, GET, FETCH]
                    backend: http://a.internal
                    timeout: 31s
                    maxBodySize: 11MB
                  - path: /b
                    methods: [GET]
                    backend: http://b.internal
                    timeout: 2s
                    connectTimeout: 3s
                """).problems()).containsExactly(
                "t.yaml:3: routes[0].methods[1]: GET (expected: each method once)",
                "t.yaml:3: routes[0].methods[2]: FETCH (expected: one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT)",
                "t.yaml:5: routes[0].timeout: 31s (expected: a duration from 1ms to 30s, such as 500ms or 10s)",
                "t.yaml:6: routes[0].maxBodySize: 11MB (expected: a size from 1B to 10MB, such as 256KB or 1MB)",
                "t.yaml:11: routes[1].connectTimeout: 3s (expected: at most the route's timeout, 2s)");
    }

    @Test
    void aSecondRouteWithTheSameMethodAndPathShape_isNamed() {
        Read<List<Optional<RouteConfig>>> read = read("""
                routes:
                  - {path: "/orders/{id}", methods: [GET], backend: http://a.internal}
                  - {path: "/orders/{key}", methods: [GET], backend: http://b.internal, timeout: 1s}
                """);

        assertThat(read.value().get(0)).isPresent();
        assertThat(read.value().get(1)).isEmpty();
        assertThat(read.problems()).containsExactly("t.yaml:3: routes[1]: GET /orders/{key} (expected: a method and path no"
                + " other route has; routes[0] has it)");
    }

    @Test
    void aBackendVariableAStageLacks_isNamed() {
        assertThat(read("routes:\n  - {path: /a, methods: [GET], backend: \"${stageVariables.users}\"}\n").problems())
                .containsExactly("t.yaml:2: routes[0].backend: ${stageVariables.users} (expected: a variable every stage"
                        + " defines; stage dev does not define users)");
    }

    @Test
    void aRouteThatIsNoMap_isRefused() {
        assertThat(read("routes:\n  - /a\n").problems())
                .containsExactly("t.yaml:2: routes[0]: /a (expected: a map with path, methods, backend)");
    }
}
