package dev.tollgate.cdk;

import static dev.tollgate.cdk.Templates.arn;
import static dev.tollgate.cdk.Templates.getAtt;
import static dev.tollgate.cdk.Templates.id;
import static dev.tollgate.cdk.Templates.onlyId;
import static dev.tollgate.cdk.Templates.ref;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.Deployable;
import dev.tollgate.config.YamlDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The stacks of the committed {@code deploy/stages.yaml}, dev and prod, synthesized once: what each
 * stage gets, and how the two differ only where the stages file says so.
 */
class TollgateStackTest {

    private static Synthesized app;
    private static Template dev;
    private static Template prod;

    @BeforeAll
    static void synthesize() {
        app = Synthesized.app("committed", Map.of());
        dev = app.template("dev");
        prod = app.template("prod");
    }

    @Test
    void eachStage_hasItsApiGatewayStage_withTheStagesFileVariablesAndLimits() {
        dev.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "StageName", "dev",
                "AutoDeploy", true,
                "StageVariables", Match.objectEquals(Map.of(
                        "ordersBackend", "ecs://tollgate-dev/orders:8080",
                        "tokenAudience", "tollgate-dev")),
                "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 50, "ThrottlingBurstLimit", 100)));
        prod.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "StageName", "prod",
                "StageVariables", Match.objectEquals(Map.of(
                        "ordersBackend", "http://internal-orders-prod-0123456789.eu-west-1.elb.amazonaws.com:8080",
                        "tokenAudience", "tollgate-prod")),
                "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 500, "ThrottlingBurstLimit", 1000)));
        dev.resourceCountIs("AWS::ApiGatewayV2::Stage", 1);
        prod.resourceCountIs("AWS::ApiGatewayV2::Stage", 1);
    }

    @Test
    void everyPath_goesToTheLiveAlias_asPayload2() {
        for (Template template : List.of(dev, prod)) {
            String alias = id(template, "AWS::Lambda::Alias", Map.of("Name", "live"));
            String integration = id(template, "AWS::ApiGatewayV2::Integration", Map.of(
                    "IntegrationType", "AWS_PROXY",
                    "IntegrationUri", ref(alias),
                    "PayloadFormatVersion", "2.0"));
            template.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of(
                    "RouteKey", "$default",
                    "Target", Map.of("Fn::Join", List.of("", List.of("integrations/", ref(integration))))));
            template.resourceCountIs("AWS::ApiGatewayV2::Route", 1);
            template.hasResourceProperties("AWS::Lambda::Permission", Map.of(
                    "Action", "lambda:InvokeFunction",
                    "FunctionName", ref(alias),
                    "Principal", "apigateway.amazonaws.com"));
        }
    }

    @Test
    void function_isJava21OnArm64_withTheStagesFileSizes() {
        dev.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "tollgate-dev",
                "Runtime", "java21",
                "Architectures", List.of("arm64"),
                "Handler", "dev.tollgate.aws.HttpApiHandler::handleRequest",
                "MemorySize", 1024,
                "Timeout", 30,
                "ReservedConcurrentExecutions", Match.absent()));
        prod.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "tollgate-prod",
                "Runtime", "java21",
                "Architectures", List.of("arm64"),
                "MemorySize", 2048,
                "Timeout", 30,
                "ReservedConcurrentExecutions", 200));
    }

    @Test
    void function_knowsItsConfigurationStageAndTables_andStartsWithC1() {
        String counters = id(dev, "AWS::DynamoDB::Table", Map.of("TableName", "tollgate-dev-counters"));
        String keys = id(dev, "AWS::DynamoDB::Table", Map.of("TableName", "tollgate-dev-keys"));
        dev.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Match.objectEquals(Map.of(
                "TOLLGATE_CONFIG", "/var/task/tollgate.yaml",
                "TOLLGATE_STAGE", "dev",
                "TOLLGATE_COUNTERS_TABLE", ref(counters),
                "TOLLGATE_KEYS_TABLE", ref(keys),
                "JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1")))));
        prod.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables",
                Match.objectLike(Map.of("TOLLGATE_STAGE", "prod")))));
    }

    @Test
    void eachDeployment_publishesAVersion_thatTheAliasPointsAt_withSnapStartAsTheStagesFileSays() {
        for (Template template : List.of(dev, prod)) {
            String function = onlyId(template, "AWS::Lambda::Function");
            String version = id(template, "AWS::Lambda::Version", Map.of("FunctionName", ref(function)));
            template.hasResourceProperties("AWS::Lambda::Alias", Map.of(
                    "Name", "live",
                    "FunctionName", ref(function),
                    "FunctionVersion", getAtt(version, "Version")));
            template.hasResourceProperties("AWS::Lambda::Function", Map.of("SnapStart", Map.of("ApplyOn", "PublishedVersions")));
        }
    }

    @Test
    void function_runsInThePrivateSubnets_withASecurityGroupOpenOnlyToAwsApisAndTheBackends() {
        String group = onlyId(dev, "AWS::EC2::SecurityGroup");
        dev.hasResourceProperties("AWS::Lambda::Function", Map.of("VpcConfig", Match.objectEquals(Map.of(
                "SubnetIds", List.of("subnet-0d0e0f0a0b0c0d011", "subnet-0d0e0f0a0b0c0d012"),
                "SecurityGroupIds", List.of(getAtt(group, "GroupId"))))));
        dev.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of(
                "SecurityGroupIngress", Match.absent(),
                "SecurityGroupEgress", List.of(
                        Map.of("CidrIp", "0.0.0.0/0", "IpProtocol", "tcp", "FromPort", 443, "ToPort", 443),
                        Map.of("CidrIp", "10.10.0.0/16", "IpProtocol", "tcp", "FromPort", 8080, "ToPort", 8080))));
        prod.hasResourceProperties("AWS::Lambda::Function", Map.of("VpcConfig", Map.of("SubnetIds",
                List.of("subnet-0a0b0c0d0e0f0a011", "subnet-0a0b0c0d0e0f0a012", "subnet-0a0b0c0d0e0f0a013"))));
        prod.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of("SecurityGroupEgress", List.of(
                Map.of("CidrIp", "0.0.0.0/0", "IpProtocol", "tcp", "FromPort", 443, "ToPort", 443),
                Map.of("CidrIp", "10.20.0.0/16", "IpProtocol", "tcp", "FromPort", 8080, "ToPort", 8080))));
    }

    @Test
    void tables_areOnDemand_withPointInTimeRecovery_andTtlOnTheCountersWindow() {
        for (String stage : List.of("dev", "prod")) {
            Template template = app.template(stage);
            template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectEquals(Map.of(
                    "TableName", "tollgate-" + stage + "-counters",
                    "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH")),
                    "AttributeDefinitions", List.of(Map.of("AttributeName", "pk", "AttributeType", "S")),
                    "BillingMode", "PAY_PER_REQUEST",
                    "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                    "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                    "DeletionProtectionEnabled", stage.equals("prod"))));
            template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectEquals(Map.of(
                    "TableName", "tollgate-" + stage + "-keys",
                    "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH")),
                    "AttributeDefinitions", List.of(Map.of("AttributeName", "pk", "AttributeType", "S")),
                    "BillingMode", "PAY_PER_REQUEST",
                    "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                    "DeletionProtectionEnabled", stage.equals("prod"))));
        }
    }

    @Test
    void onlyProd_retainsItsTables_andIsProtectedFromDeletion() {
        prod.allResources("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain"));
        dev.allResources("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Delete", "UpdateReplacePolicy", "Delete"));
        assertThat(app.stack("prod").getTerminationProtection()).isTrue();
        assertThat(app.stack("dev").getTerminationProtection()).isFalse();
    }

    @Test
    void role_grantsExactlyTheActionsTheFunctionUses_onItsOwnResources() {
        String logs = id(dev, "AWS::Logs::LogGroup", Map.of("LogGroupName", "/aws/lambda/tollgate-dev"));
        String counters = id(dev, "AWS::DynamoDB::Table", Map.of("TableName", "tollgate-dev-counters"));
        String keys = id(dev, "AWS::DynamoDB::Table", Map.of("TableName", "tollgate-dev-keys"));
        assertThat(Templates.allStatements(app.templateJson("dev"))).containsExactly(
                Map.of("Sid", "OwnLogStreams", "Effect", "Allow",
                        "Action", List.of("logs:CreateLogStream", "logs:PutLogEvents"), "Resource", getAtt(logs, "Arn")),
                Map.of("Sid", "CountersTable", "Effect", "Allow",
                        "Action", List.of("dynamodb:GetItem", "dynamodb:UpdateItem"), "Resource", getAtt(counters, "Arn")),
                Map.of("Sid", "KeysTable", "Effect", "Allow", "Action", "dynamodb:GetItem", "Resource", getAtt(keys, "Arn")),
                Map.of("Sid", "EcsListTasksInNamedClusters", "Effect", "Allow", "Action", "ecs:ListTasks", "Resource", "*",
                        "Condition", Map.of("ArnEquals", Map.of("ecs:cluster", List.of(arn("ecs", "cluster/tollgate-dev"))))),
                Map.of("Sid", "EcsDescribeTasksInNamedClusters", "Effect", "Allow", "Action", "ecs:DescribeTasks",
                        "Resource", arn("ecs", "task/tollgate-dev/*")),
                Map.of("Sid", "LambdaVpcNetworking", "Effect", "Allow", "Action", TollgateStack.NETWORK_INTERFACE_ACTIONS,
                        "Resource", "*"));
        // prod's backend is an NLB: no ECS permission at all.
        assertThat(Templates.allStatements(app.templateJson("prod"))).extracting(statement -> statement.get("Sid"))
                .containsExactly("OwnLogStreams", "CountersTable", "KeysTable", "LambdaVpcNetworking");
        for (Template template : List.of(dev, prod)) {
            template.resourceCountIs("AWS::IAM::Role", 1);
            template.resourceCountIs("AWS::IAM::Policy", 0);
            template.hasResourceProperties("AWS::IAM::Role", Map.of(
                    "ManagedPolicyArns", Match.absent(),
                    "AssumeRolePolicyDocument", Map.of("Statement", List.of(Map.of("Action", "sts:AssumeRole",
                            "Effect", "Allow", "Principal", Map.of("Service", "lambda.amazonaws.com"))))));
        }
    }

    @Test
    void noPolicy_grantsAWildcardAction() {
        for (String stage : List.of("dev", "prod")) {
            assertThat(Templates.allStatements(app.templateJson(stage))).isNotEmpty()
                    .flatExtracting(Templates::actions)
                    .allSatisfy(action -> assertThat(action).doesNotContain("*"));
        }
    }

    @Test
    void logs_keepTheirStagesRetention_andTheStageWritesAccessLogs() {
        String devLogs = id(dev, "AWS::Logs::LogGroup", Map.of("LogGroupName", "/aws/lambda/tollgate-dev", "RetentionInDays", 14));
        dev.hasResourceProperties("AWS::Lambda::Function", Map.of("LoggingConfig", Map.of("LogGroup", ref(devLogs))));
        dev.allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 14));
        prod.allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 90));
        dev.resourceCountIs("AWS::Logs::LogGroup", 2);
        String access = id(dev, "AWS::Logs::LogGroup", Map.of("LogGroupName", Match.absent()));
        dev.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of("AccessLogSettings", Map.of(
                "DestinationArn", getAtt(access, "Arn"), "Format", Match.stringLikeRegexp(".*requestId.*status.*"))));
        prod.hasResource("AWS::Logs::LogGroup", Map.of("DeletionPolicy", "Retain"));
    }

    @Test
    void alarms_watchTheFunctionsMetrics_withTheStagesThresholds() {
        Map<String, Object> stageDimension = Map.of("Name", "stage", "Value", "dev");
        dev.resourceCountIs("AWS::CloudWatch::Alarm", 5);
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmName", "tollgate-dev-5xx-rate",
                "Threshold", 10,
                "ComparisonOperator", "GreaterThanThreshold",
                "TreatMissingData", "notBreaching",
                "Metrics", Match.arrayWith(List.of(Match.objectLike(Map.of("Id", "expr_1",
                        "Expression", "IF(requests > 0, 100 * errors / requests, 0)", "ReturnData", true))))));
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "tollgate-dev-5xx-rate",
                "Metrics", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Id", "errors", "MetricStat", Map.of("Metric", Map.of("Namespace", "Tollgate",
                                "MetricName", "5xx", "Dimensions", List.of(stageDimension)), "Stat", "Sum", "Period", 300))),
                        Match.objectLike(Map.of("Id", "requests", "MetricStat", Map.of("Metric", Map.of("Namespace", "Tollgate",
                                "MetricName", "Requests", "Dimensions", List.of(stageDimension)), "Stat", "Sum", "Period", 300)))))));
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", tollgateMetricAlarm("tollgate-dev-latency-p99", "Latency",
                "dev", "p99", 5000, "GreaterThanThreshold"));
        String function = onlyId(dev, "AWS::Lambda::Function");
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "tollgate-dev-throttles",
                "Namespace", "AWS/Lambda", "MetricName", "Throttles",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", ref(function))),
                "Statistic", "Sum", "Threshold", 1, "ComparisonOperator", "GreaterThanOrEqualToThreshold"));
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", tollgateMetricAlarm("tollgate-dev-counter-store-errors",
                "CounterStoreErrors", "dev", "Sum", 5, "GreaterThanOrEqualToThreshold"));
        dev.hasResourceProperties("AWS::CloudWatch::Alarm", tollgateMetricAlarm("tollgate-dev-auth-failures",
                "AuthFailures", "dev", "Sum", 500, "GreaterThanThreshold"));
        prod.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "tollgate-prod-5xx-rate", "Threshold", 1));
        prod.hasResourceProperties("AWS::CloudWatch::Alarm", tollgateMetricAlarm("tollgate-prod-latency-p99", "Latency",
                "prod", "p99", 2000, "GreaterThanThreshold"));
        dev.allResourcesProperties("AWS::CloudWatch::Alarm", Map.of("AlarmActions", Match.absent()));
    }

    /** An alarm on one metric of the namespace Tollgate, per stage, over five minutes. */
    static Map<String, Object> tollgateMetricAlarm(String name, String metric, String stage, String statistic, int threshold,
                                                   String comparison) {
        return Map.of("AlarmName", name, "Threshold", threshold, "ComparisonOperator", comparison,
                "EvaluationPeriods", 1, "TreatMissingData", "notBreaching",
                "Metrics", List.of(Match.objectLike(Map.of("ReturnData", true, "MetricStat", Map.of(
                        "Metric", Map.of("Namespace", "Tollgate", "MetricName", metric,
                                "Dimensions", List.of(Map.of("Name", "stage", "Value", stage))),
                        "Period", 300, "Stat", statistic)))));
    }

    @Test
    void dashboard_showsTheStagesMetrics() {
        dev.hasResourceProperties("AWS::CloudWatch::Dashboard", Map.of("DashboardName", "tollgate-dev"));
        String body = dev.findResources("AWS::CloudWatch::Dashboard").values().iterator().next().toString();
        assertThat(body).contains("[\"Tollgate\",\"Requests\",\"stage\",\"dev\"",
                "CounterStoreErrors", "AuthFailures", "BackendLatency", "Throttles", "alarm");
    }

    @Test
    void withoutDemo_thereIsNoVpcNorServiceNorLoadBalancer() {
        for (Template template : List.of(dev, prod)) {
            template.resourceCountIs("AWS::EC2::VPC", 0);
            template.resourceCountIs("AWS::ECS::Cluster", 0);
            template.resourceCountIs("AWS::ECS::Service", 0);
            template.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 0);
        }
    }

    @Test
    void cdkNag_awsSolutions_findsNothingUnsuppressed_andEverySuppressionSaysWhy() {
        Templates.assertNagClean(app, "dev");
        Templates.assertNagClean(app, "prod");
    }

    @Test
    void theFunctionsCode_isTheLambdaArtifactUnchanged_besideTheBundledConfiguration() throws IOException {
        Path asset = functionAsset(dev);
        assertThat(Files.mismatch(asset.resolve("lib/tollgate-lambda.jar"),
                Synthesized.ROOT.resolve("functions-aws/target/tollgate-lambda.jar"))).isEqualTo(-1L);
        assertThat(Files.mismatch(asset.resolve("tollgate.yaml"), Synthesized.ROOT.resolve("deploy/tollgate.yaml")))
                .isEqualTo(-1L);
        try (var files = Files.walk(asset)) {
            assertThat(files.filter(Files::isRegularFile).map(path -> asset.relativize(path).toString()))
                    .containsExactlyInAnyOrder("lib/tollgate-lambda.jar", "tollgate.yaml");
        }
    }

    @Test
    void theBundledConfiguration_holdsNoKeyInPlainText_norLoopbackAddress() throws IOException {
        for (Template template : List.of(dev, prod)) {
            Path bundled = functionAsset(template).resolve("tollgate.yaml");
            JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(bundled.toFile());

            assertThat(tree.path("apiKeys").findValues("value")).isEmpty();
            assertThat(tree.path("jwt").findValues("jwksUri")).extracting(JsonNode::asText)
                    .noneMatch(uri -> uri.contains("127.0.0.1"));
            String text = Files.readString(bundled);
            assertThat(Deployable.problems(YamlDocument.parse(text, "tollgate.yaml"), "tollgate.yaml",
                    ConfigLoader.parse(text, "tollgate.yaml"), Deployable.publishedKeys(Synthesized.ROOT.resolve(
                            "examples/tollgate.yaml"), "examples/tollgate.yaml"))).isEmpty();
        }
    }

    /** The directory of the function's code, as the template's asset names it. */
    private static Path functionAsset(Template template) {
        @SuppressWarnings("unchecked")
        Map<String, Object> code = (Map<String, Object>) ((Map<String, Object>) template.findResources("AWS::Lambda::Function")
                .values().iterator().next().get("Properties")).get("Code");
        return app.directory().resolve("asset." + code.get("S3Key").toString().replace(".zip", ""));
    }

    @Test
    void outputs_nameTheUrlTablesAndSecurityGroup() {
        for (String output : List.of("Url", "FunctionName", "CountersTableName", "KeysTableName", "FunctionSecurityGroupId")) {
            dev.hasOutput(output, Map.of());
        }
    }
}
