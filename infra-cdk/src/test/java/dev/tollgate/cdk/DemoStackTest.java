package dev.tollgate.cdk;

import static dev.tollgate.cdk.Templates.arn;
import static dev.tollgate.cdk.Templates.getAtt;
import static dev.tollgate.cdk.Templates.id;
import static dev.tollgate.cdk.Templates.onlyId;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * {@code -c demo=true} on the committed stages: each stack brings a VPC, an ECS Fargate service and
 * an internal NLB, and its backend variable points there: dev's ecs:// one at the service, prod's
 * URL at the NLB. (Without demo there is none of it: {@link TollgateStackTest}.)
 */
class DemoStackTest {

    private static Synthesized app;
    private static Template dev;
    private static Template prod;

    @BeforeAll
    static void synthesize() {
        app = Synthesized.app("demo", Map.of(TollgateApp.DEMO, "true"));
        dev = app.template("dev");
        prod = app.template("prod");
    }

    @Test
    void demo_bringsAVpcAFargateServiceAndAnInternalNlb() {
        for (Template template : List.of(dev, prod)) {
            template.resourceCountIs("AWS::EC2::VPC", 1);
            template.resourceCountIs("AWS::EC2::NatGateway", 1);
            template.resourceCountIs("AWS::ECS::Service", 1);
            template.hasResourceProperties("AWS::ECS::Service", Map.of("ServiceName", "demo", "LaunchType", "FARGATE",
                    "DesiredCount", 2, "NetworkConfiguration", Map.of("AwsvpcConfiguration",
                            Match.objectLike(Map.of("AssignPublicIp", "DISABLED")))));
            template.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of("ContainerDefinitions", List.of(
                    Match.objectLike(Map.of("Image", "mendhak/http-https-echo:31",
                            "PortMappings", List.of(Match.objectLike(Map.of("ContainerPort", 8080))))))));
            template.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer",
                    Map.of("Type", "network", "Scheme", "internal"));
            template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Map.of("Port", 80, "Protocol", "TCP"));
        }
        dev.hasResourceProperties("AWS::ECS::Cluster", Map.of("ClusterName", "tollgate-dev-demo"));
        prod.hasResourceProperties("AWS::ECS::Cluster", Map.of("ClusterName", "tollgate-prod-demo"));
    }

    @Test
    void backendVariables_pointAtTheDemo_ecsOnesAtTheServiceAndUrlsAtTheNlb() {
        dev.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of("StageVariables", Match.objectEquals(Map.of(
                "ordersBackend", "ecs://tollgate-dev-demo/demo:8080", "tokenAudience", "tollgate-dev"))));
        String nlb = onlyId(prod, "AWS::ElasticLoadBalancingV2::LoadBalancer");
        prod.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of("StageVariables", Match.objectEquals(Map.of(
                "ordersBackend", Map.of("Fn::Join", List.of("", List.of("http://", getAtt(nlb, "DNSName"), ":80"))),
                "tokenAudience", "tollgate-prod"))));
    }

    @Test
    void function_runsInTheDemoVpc_andMayListOnlyTheDemoClustersTasks() {
        String vpc = onlyId(dev, "AWS::EC2::VPC");
        String subnet = id(dev, "AWS::EC2::Subnet", Map.of("VpcId", Map.of("Ref", vpc), "MapPublicIpOnLaunch", false,
                "AvailabilityZone", Match.objectLike(Map.of("Fn::Select", List.of(0, Map.of("Fn::GetAZs", ""))))));
        dev.hasResourceProperties("AWS::Lambda::Function", Map.of("VpcConfig", Map.of("SubnetIds",
                Match.arrayWith(List.of(Map.of("Ref", subnet))))));
        assertThat(Templates.allStatements(app.templateJson("dev")))
                .filteredOn(statement -> statement.get("Sid") != null && statement.get("Sid").toString().startsWith("Ecs"))
                .extracting(statement -> statement.getOrDefault("Condition", statement.get("Resource")))
                .containsExactly(Map.of("ArnEquals", Map.of("ecs:cluster", List.of(arn("ecs", "cluster/tollgate-dev-demo")))),
                        arn("ecs", "task/tollgate-dev-demo/*"));
    }

    @Test
    void theFunction_reachesTheTasksAndTheNlb_securityGroupToSecurityGroup() {
        String function = id(dev, "AWS::EC2::SecurityGroup", Map.of("GroupDescription", Match.stringLikeRegexp("Tollgate dev.*")));
        dev.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of("FromPort", 8080, "ToPort", 8080,
                "SourceSecurityGroupId", getAtt(function, "GroupId")));
        dev.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of("FromPort", 80, "ToPort", 80,
                "SourceSecurityGroupId", getAtt(function, "GroupId")));
        dev.resourceCountIs("AWS::EC2::SecurityGroupIngress", 3);
    }

    @Test
    void noPolicy_grantsAWildcardAction() {
        for (String stage : List.of("dev", "prod")) {
            assertThat(Templates.allStatements(app.templateJson(stage))).flatExtracting(Templates::actions)
                    .allSatisfy(action -> assertThat(action).doesNotContain("*"));
        }
    }

    @Test
    void cdkNag_awsSolutions_findsNothingUnsuppressed_andEverySuppressionSaysWhy() {
        Templates.assertNagClean(app, "dev");
        Templates.assertNagClean(app, "prod");
    }
}
