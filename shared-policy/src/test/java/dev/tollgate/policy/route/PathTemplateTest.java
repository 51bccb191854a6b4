package dev.tollgate.policy.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Route templates, and which request paths are routed at all. */
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
        assertThat(PathTemplate.parse("/orders/../admin")).isEmpty();
        assertThat(PathTemplate.parse("/orders/.")).isEmpty();
        assertThat(PathTemplate.parse("/orders/.../v1.2/.well-known")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/public/..%2Fadmin%2Fusers", "/docs/..", "/docs/../admin", "/docs/.", "/./docs", "/docs/%2e%2e", "/docs/.%2E",
            "/docs/%2E", "/docs/..;jsessionid=1", "/docs/%2e%2e;x", "/docs/a%2fb", "/docs/a%2Fb", "/docs/a%5cb", "/docs/a%5Cb",
            "/docs/a\\b", "/docs/100%", "/docs/%zz", "/docs/%2", "/docs/a%g1"})
    void aDotSegment_anEncodedSeparator_orAMalformedEscape_isUnroutable(String path) {
        assertThat(PathTemplate.unroutableSegment(path)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/", "/docs/report.pdf", "/docs/...", "/docs/.hidden", "/docs/v1.2", "/docs/%2E%2E%2E", "/docs/a..b",
            "/docs/42/", "/docs/100%25", "/docs/a%20b", "/docs/%252F", "/docs/%E2%82%AC"})
    void ordinaryDots_andOtherEscapes_areRoutable(String path) {
        assertThat(PathTemplate.unroutableSegment(path)).isEmpty();
    }

    @Test
    void theUnroutableSegment_isNamedAsSent() {
        assertThat(PathTemplate.unroutableSegment("/public/..%2Fadmin%2Fusers/x")).contains("..%2Fadmin%2Fusers");
    }

    @Test
    void theShape_ignoresParameterNames() {
        assertThat(PathTemplate.parse("/a/{x}").orElseThrow().shape())
                .isEqualTo(PathTemplate.parse("/a/{y}").orElseThrow().shape());
    }
}
