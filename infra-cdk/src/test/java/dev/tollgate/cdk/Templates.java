package dev.tollgate.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.assertions.Template;

/** Reading synthesized templates: logical ids by what a resource is, IAM statements, cdk-nag metadata. */
final class Templates {

    private Templates() {
    }

    /** The logical id of the one resource of a type whose properties are like these. */
    static String id(Template template, String type, Map<String, Object> properties) {
        Map<String, Map<String, Object>> found = template.findResources(type, Map.of("Properties", properties));
        assertThat(found).as("resources of type %s like %s", type, properties).hasSize(1);
        return found.keySet().iterator().next();
    }

    static String onlyId(Template template, String type) {
        Map<String, Map<String, Object>> found = template.findResources(type);
        assertThat(found).as("resources of type %s", type).hasSize(1);
        return found.keySet().iterator().next();
    }

    static Map<String, Object> ref(String logicalId) {
        return Map.of("Ref", logicalId);
    }

    static Map<String, Object> getAtt(String logicalId, String attribute) {
        return Map.of("Fn::GetAtt", List.of(logicalId, attribute));
    }

    /** {@code arn:${Partition}:SERVICE:${Region}:${AccountId}:RESOURCE} as CDK writes it for an env-agnostic stack. */
    static Map<String, Object> arn(String service, String resource) {
        return Map.of("Fn::Join", List.of("", List.of("arn:", ref("AWS::Partition"), ":" + service + ":", ref("AWS::Region"), ":",
                ref("AWS::AccountId"), ":" + resource)));
    }

    /** Every statement of every IAM policy in the template: roles' inline policies and policy resources. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> allStatements(Map<String, Object> template) {
        List<Map<String, Object>> statements = new ArrayList<>();
        Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) template.get("Resources");
        for (Map<String, Object> resource : resources.values()) {
            Map<String, Object> properties = (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
            if ("AWS::IAM::Role".equals(resource.get("Type"))) {
                for (Map<String, Object> policy : (List<Map<String, Object>>) properties.getOrDefault("Policies", List.of())) {
                    statements.addAll((List<Map<String, Object>>) ((Map<String, Object>) policy.get("PolicyDocument")).get("Statement"));
                }
            } else if ("AWS::IAM::Policy".equals(resource.get("Type"))) {
                statements.addAll((List<Map<String, Object>>) ((Map<String, Object>) properties.get("PolicyDocument")).get("Statement"));
            }
        }
        return statements;
    }

    @SuppressWarnings("unchecked")
    static List<String> actions(Map<String, Object> statement) {
        Object action = statement.get("Action");
        return action instanceof List<?> list ? (List<String>) list : List.of((String) action);
    }

    /** Every cdk-nag suppression in the template, on resources and on the stack, as its metadata has it. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> nagSuppressions(Map<String, Object> template) {
        List<Map<String, Object>> suppressions = new ArrayList<>();
        List<Map<String, Object>> holders = new ArrayList<>();
        holders.add(template);
        holders.addAll(((Map<String, Map<String, Object>>) template.get("Resources")).values());
        for (Map<String, Object> holder : holders) {
            Map<String, Object> metadata = (Map<String, Object>) holder.getOrDefault("Metadata", Map.of());
            Map<String, Object> nag = (Map<String, Object>) metadata.getOrDefault("cdk_nag", Map.of());
            suppressions.addAll((List<Map<String, Object>>) nag.getOrDefault("rules_to_suppress", List.of()));
        }
        return suppressions;
    }

    /**
     * The AwsSolutions checks ran, and nothing is left but compliant rules and suppressed findings: the
     * report has no Non-Compliant or UNKNOWN row, synthesis reported no error or warning, and every
     * suppression gives a reason that says something.
     */
    static void assertNagClean(Synthesized app, String stage) {
        List<String> report = app.nagReport(stage);
        assertThat(report).as("cdk-nag report of %s", stage)
                .anyMatch(line -> line.contains("\"Compliant\""))
                .noneMatch(line -> line.contains("Non-Compliant") || line.contains("UNKNOWN"));
        assertThat(app.messages(stage)).as("errors and warnings of %s's synthesis", stage).isEmpty();
        List<Map<String, Object>> suppressions = nagSuppressions(app.templateJson(stage));
        assertThat(suppressions).isNotEmpty().allSatisfy(suppression -> {
            assertThat((String) suppression.get("id")).startsWith("AwsSolutions-");
            assertThat((String) suppression.get("reason")).as("reason of %s", suppression.get("id")).hasSizeGreaterThan(40);
        });
    }
}
