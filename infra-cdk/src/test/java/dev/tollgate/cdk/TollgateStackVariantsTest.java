package dev.tollgate.cdk;

import static dev.tollgate.cdk.Templates.arn;
import static dev.tollgate.cdk.Templates.getAtt;
import static dev.tollgate.cdk.Templates.id;
import static dev.tollgate.cdk.Templates.onlyId;
import static dev.tollgate.cdk.Templates.ref;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The stages file's other choices ({@code src/test/resources/stages/variants.yaml}): the REST API,
 * SnapStart (the default), x86_64, ECS clusters added by hand, alarms that notify a topic.
 */
class TollgateStackVariantsTest {

    private static Synthesized app;
    private static Template rest;

    @BeforeAll
    static void synthesize() {
        app = Synthesized.app("variants", Map.of(TollgateApp.STAGES_FILE, "infra-cdk/src/test/resources/stages/variants.yaml"));
        rest = app.template("dev");
    }

    @Test
    void restApi_hasTheStage_withItsVariablesAndLimits() {
        rest.resourceCountIs("AWS::ApiGatewayV2::Api", 0);
        rest.resourceCountIs("AWS::ApiGateway::Stage", 1);
        rest.hasResourceProperties("AWS::ApiGateway::Stage", Map.of(
                "StageName", "dev",
                "Variables", Match.objectEquals(Map.of("ordersBackend", "ecs://orders-cluster/orders:9000")),
                "MethodSettings", List.of(Match.objectLike(Map.of("HttpMethod", "*", "ResourcePath", "/*",
                        "ThrottlingRateLimit", 100, "ThrottlingBurstLimit", 200))),
                "AccessLogSetting", Match.objectLike(Map.of("DestinationArn", Match.anyValue()))));
        rest.hasResourceProperties("AWS::ApiGateway::RestApi", Map.of(
                "Name", "tollgate-dev",
                "BinaryMediaTypes", List.of("*/*"),
                "EndpointConfiguration", Map.of("Types", List.of("REGIONAL"))));
    }

    @Test
    void restApi_sendsEveryPathAndMethod_toTheLiveAlias_asAProxy() {
        String alias = id(rest, "AWS::Lambda::Alias", Map.of("Name", "live"));
        Map<String, Object> integration = Map.of("Type", "AWS_PROXY", "IntegrationHttpMethod", "POST",
                "Uri", Map.of("Fn::Join", List.of("", List.of("arn:", ref("AWS::Partition"), ":apigateway:", ref("AWS::Region"),
                        ":lambda:path/2015-03-31/functions/", ref(alias), "/invocations"))));
        String proxy = id(rest, "AWS::ApiGateway::Resource", Map.of("PathPart", "{proxy+}"));
        rest.hasResourceProperties("AWS::ApiGateway::Method", Map.of("HttpMethod", "ANY", "ResourceId", ref(proxy),
                "AuthorizationType", "NONE", "Integration", integration));
        rest.hasResourceProperties("AWS::ApiGateway::Method", Map.of("HttpMethod", "ANY",
                "ResourceId", getAtt(onlyId(rest, "AWS::ApiGateway::RestApi"), "RootResourceId"), "Integration", integration));
        rest.resourceCountIs("AWS::ApiGateway::Method", 2);
    }

    @Test
    void restApi_mayInvokeTheAlias_fromItsOwnStageOnly() {
        String api = onlyId(rest, "AWS::ApiGateway::RestApi");
        String stage = onlyId(rest, "AWS::ApiGateway::Stage");
        String alias = id(rest, "AWS::Lambda::Alias", Map.of("Name", "live"));
        // One permission per method, each naming the stage: REST API grants are per stage (no test-invoke grant).
        for (String path : List.of("/*/", "/*/*")) {
            rest.hasResourceProperties("AWS::Lambda::Permission", Match.objectEquals(Map.of(
                    "Action", "lambda:InvokeFunction",
                    "FunctionName", ref(alias),
                    "Principal", "apigateway.amazonaws.com",
                    "SourceArn", Map.of("Fn::Join", List.of("", List.of("arn:", ref("AWS::Partition"), ":execute-api:",
                            ref("AWS::Region"), ":", ref("AWS::AccountId"), ":", ref(api), "/", ref(stage), path))))));
        }
        rest.resourceCountIs("AWS::Lambda::Permission", 2);
    }

    @Test
    void function_isTheRestHandler_onX86_withSnapStartOnItsPublishedVersions() {
        String function = onlyId(rest, "AWS::Lambda::Function");
        rest.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java21",
                "Architectures", List.of("x86_64"),
                "Handler", "dev.tollgate.aws.RestApiHandler::handleRequest",
                "MemorySize", 512,
                "Timeout", 29,
                "SnapStart", Map.of("ApplyOn", "PublishedVersions")));
        String version = id(rest, "AWS::Lambda::Version", Map.of("FunctionName", ref(function)));
        rest.hasResourceProperties("AWS::Lambda::Alias", Map.of("Name", "live", "FunctionVersion", getAtt(version, "Version")));
    }

    @Test
    void ecsPermissions_nameEveryClusterOfTheBackendsAndOfTheFile_andNoOther() {
        List<Map<String, Object>> statements = Templates.allStatements(app.templateJson("dev"));
        assertThat(statements).filteredOn(statement -> statement.get("Sid").toString().startsWith("Ecs")).containsExactly(
                Map.of("Sid", "EcsListTasksInNamedClusters", "Effect", "Allow", "Action", "ecs:ListTasks", "Resource", "*",
                        "Condition", Map.of("ArnEquals", Map.of("ecs:cluster", List.of(
                                arn("ecs", "cluster/orders-cluster"), arn("ecs", "cluster/reports-cluster"))))),
                Map.of("Sid", "EcsDescribeTasksInNamedClusters", "Effect", "Allow", "Action", "ecs:DescribeTasks",
                        "Resource", List.of(arn("ecs", "task/orders-cluster/*"), arn("ecs", "task/reports-cluster/*"))));
        assertThat(statements).flatExtracting(Templates::actions).allSatisfy(action -> assertThat(action).doesNotContain("*"));
        rest.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of("SecurityGroupEgress", List.of(
                Map.of("CidrIp", "0.0.0.0/0", "IpProtocol", "tcp", "FromPort", 443, "ToPort", 443),
                Map.of("CidrIp", "10.30.8.0/21", "IpProtocol", "tcp", "FromPort", 9000, "ToPort", 9000),
                Map.of("CidrIp", "172.16.0.0/16", "IpProtocol", "tcp", "FromPort", 9000, "ToPort", 9000))));
    }

    @Test
    void alarms_notifyTheTopic_whenTheyFireAndWhenTheyClear() {
        String topic = "arn:aws:sns:us-east-1:123456789012:tollgate-alarms";
        rest.resourceCountIs("AWS::CloudWatch::Alarm", 5);
        rest.allResourcesProperties("AWS::CloudWatch::Alarm", Map.of("AlarmActions", List.of(topic), "OKActions", List.of(topic)));
        // Defaults where the file names no threshold.
        rest.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "tollgate-dev-5xx-rate", "Threshold", 5));
        rest.hasResourceProperties("AWS::CloudWatch::Alarm", TollgateStackTest.tollgateMetricAlarm("tollgate-dev-latency-p99",
                "Latency", "dev", "p99", 3000, "GreaterThanThreshold"));
        rest.allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 30));
    }

    @Test
    void cdkNag_awsSolutions_findsNothingUnsuppressed_andEverySuppressionSaysWhy() {
        Templates.assertNagClean(app, "dev");
        assertThat(Templates.nagSuppressions(app.templateJson("dev"))).extracting(s -> s.get("id"))
                .contains("AwsSolutions-APIG2", "AwsSolutions-APIG3", "AwsSolutions-APIG6", "AwsSolutions-APIG4",
                        "AwsSolutions-COG4", "AwsSolutions-IAM5");
    }
}
