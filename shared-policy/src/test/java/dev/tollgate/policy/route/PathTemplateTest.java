package dev.tollgate.policy.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PathTemplateTest {

    @Test
    void parameters_matchOneNonEmptySegment() {
        PathTemplate template = PathTemplate.parse("/orders/{id}").orElseThrow();

        assertThat(template.match("/orders/42")).contains(Map.of("id", "42"));
        assertThat(template.match("/orders/42/")).contains(Map.of("id", "42"));
        assertThat(template.match("/orders/")).isEmpty();
        assertThat(template.match("/orders")).isEmpty();
        assertThat(template.match("/orders/42/items")).isEmpty();
    }

    @Test
    void literals_matchExactly() {
        PathTemplate template = PathTemplate.parse("/orders").orElseThrow();

        assertThat(template.match("/orders")).contains(Map.of());
        assertThat(template.match("/Orders")).isEmpty();
        assertThat(PathTemplate.parse("/").orElseThrow().match("/")).contains(Map.of());
    }

    @Test
    void malformedTemplates_areRefused() {
        assertThat(PathTemplate.parse("orders")).isEmpty();
        assertThat(PathTemplate.parse("/orders//x")).isEmpty();
        assertThat(PathTemplate.parse("/orders/{id")).isEmpty();
        assertThat(PathTemplate.parse("/orders/{1d}")).isEmpty();
    }

    @Test
    void theShape_ignoresParameterNames() {
        assertThat(PathTemplate.parse("/a/{x}").orElseThrow().shape())
                .isEqualTo(PathTemplate.parse("/a/{y}").orElseThrow().shape());
    }
}
