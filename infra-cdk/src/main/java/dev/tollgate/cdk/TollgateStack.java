package dev.tollgate.cdk;

import dev.tollgate.aws.AwsGateway;
import dev.tollgate.aws.DynamoDbCounterStore;
import dev.tollgate.aws.DynamoDbKeyStore;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LambdaIntegrationOptions;
import software.amazon.awscdk.services.apigateway.ProxyResourceOptions;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.PayloadFormatVersion;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegrationProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.constructs.Construct;

/**
 * Tollgate on one stage: API Gateway (HTTP API, or REST API) with the stage and its variables, in
 * front of the Tollgate function's {@value #ALIAS} alias; the function in the VPC's private subnets;
 * its DynamoDB tables; a role with exactly what the function does; logs, alarms and a dashboard.
 * Promotion from one stage to the next changes the stage, never this code.
 */
public final class TollgateStack extends Stack {

    /** The alias API Gateway invokes: each deployment publishes a version and moves it there. */
    public static final String ALIAS = "live";
    /** What the function does to each table, and nothing more (see DynamoDbCounterStore and DynamoDbKeyStore). */
    static final List<String> COUNTER_ACTIONS = List.of("dynamodb:GetItem", "dynamodb:UpdateItem");
    static final List<String> KEY_ACTIONS = List.of("dynamodb:GetItem");
    /** What EcsBackendResolver asks of the ECS API. */
    static final String LIST_TASKS = "ecs:ListTasks";
    static final String DESCRIBE_TASKS = "ecs:DescribeTasks";
    /** Lambda's VPC networking: the actions of AWSLambdaVPCAccessExecutionRole, inline rather than a managed policy. */
    static final List<String> NETWORK_INTERFACE_ACTIONS = List.of("ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses");
    static final List<String> LOG_ACTIONS = List.of("logs:CreateLogStream", "logs:PutLogEvents");

    /** CloudWatch Logs' retention periods by their days, as the stages file writes them. */
    private static final Map<Integer, RetentionDays> RETENTIONS = Map.ofEntries(
            Map.entry(1, RetentionDays.ONE_DAY), Map.entry(3, RetentionDays.THREE_DAYS),
            Map.entry(5, RetentionDays.FIVE_DAYS), Map.entry(7, RetentionDays.ONE_WEEK),
            Map.entry(14, RetentionDays.TWO_WEEKS), Map.entry(30, RetentionDays.ONE_MONTH),
            Map.entry(60, RetentionDays.TWO_MONTHS), Map.entry(90, RetentionDays.THREE_MONTHS),
            Map.entry(120, RetentionDays.FOUR_MONTHS), Map.entry(150, RetentionDays.FIVE_MONTHS),
            Map.entry(180, RetentionDays.SIX_MONTHS), Map.entry(365, RetentionDays.ONE_YEAR),
            Map.entry(400, RetentionDays.THIRTEEN_MONTHS), Map.entry(545, RetentionDays.EIGHTEEN_MONTHS),
            Map.entry(731, RetentionDays.TWO_YEARS), Map.entry(1096, RetentionDays.THREE_YEARS),
            Map.entry(1827, RetentionDays.FIVE_YEARS), Map.entry(2192, RetentionDays.SIX_YEARS),
            Map.entry(2557, RetentionDays.SEVEN_YEARS), Map.entry(2922, RetentionDays.EIGHT_YEARS),
            Map.entry(3288, RetentionDays.NINE_YEARS), Map.entry(3653, RetentionDays.TEN_YEARS));

    private final Function function;
    private final Alias alias;

    public TollgateStack(Construct scope, String id, Stage stage, FunctionBundle bundle, boolean demo) {
        super(scope, id, stackProps(stage, demo));
        String name = "tollgate-" + stage.name();
        RemovalPolicy removal = stage.protectData() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

        // The network: the platform team's VPC, imported by its attributes; or the demo's.
        IVpc vpc;
        List<String> backendRanges = List.of();
        Map<String, String> variables;
        List<String> clusters;
        List<Integer> ports;
        DemoBackend demoBackend = null;
        if (demo) {
            demoBackend = new DemoBackend(this, "Demo", stage.name());
            vpc = demoBackend.vpc();
            variables = demoBackend.variables(stage);
            clusters = List.of(demoBackend.clusterName());
            ports = List.of(); // opened security group to security group, below
        } else {
            Stage.Network network = stage.network();
            vpc = Vpc.fromVpcAttributes(this, "Vpc", VpcAttributes.builder()
                    .vpcId(network.vpcId())
                    .availabilityZones(network.availabilityZones())
                    .privateSubnetIds(network.privateSubnetIds())
                    .vpcCidrBlock(network.vpcCidr())
                    .build());
            // The function only puts its network interfaces in these subnets; it needs none of their route tables.
            vpc.getPrivateSubnets().forEach(subnet -> Annotations.of(subnet).acknowledgeWarning(
                    "@aws-cdk/aws-ec2:noSubnetRouteTableId", "no route is added to the imported subnets"));
            backendRanges = network.backendCidrs();
            variables = stage.variables();
            clusters = List.copyOf(stage.ecsClusters());
            ports = List.copyOf(stage.backendPorts());
        }
        SecurityGroup securityGroup = SecurityGroup.Builder.create(this, "FunctionSecurityGroup")
                .vpc(vpc)
                .description("Tollgate " + stage.name() + ": out to AWS APIs and to the backends, nothing in")
                .allowAllOutbound(false)
                .build();
        securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443),
                "HTTPS to AWS APIs (DynamoDB, ECS) through the VPC's NAT gateway or endpoints, and https backends");
        for (String range : backendRanges) {
            for (int port : ports) {
                if (port != 443) {
                    securityGroup.addEgressRule(Peer.ipv4(range), Port.tcp(port), "Backends (NLB listeners, ECS tasks)");
                }
            }
        }
        if (demoBackend != null) {
            demoBackend.allowFrom(securityGroup);
        }

        // The tables, defined once by the stores that use them.
        Table counters = table("CountersTable", name + "-counters", DynamoDbCounterStore.tableDefinition(name + "-counters"),
                Optional.of(DynamoDbCounterStore.EXPIRES_AT), stage.protectData(), removal);
        Table keys = table("KeysTable", name + "-keys", DynamoDbKeyStore.tableDefinition(name + "-keys"),
                Optional.empty(), stage.protectData(), removal);

        LogGroup functionLogs = LogGroup.Builder.create(this, "FunctionLogs")
                .logGroupName("/aws/lambda/" + name)
                .retention(retention(stage.logRetentionDays()))
                .removalPolicy(removal)
                .build();
        LogGroup accessLogs = LogGroup.Builder.create(this, "ApiAccessLogs")
                .retention(retention(stage.logRetentionDays()))
                .removalPolicy(removal)
                .build();

        Role role = Role.Builder.create(this, "FunctionRole")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Tollgate " + stage.name() + ": its log group, its two tables, the tasks of its ECS clusters")
                .inlinePolicies(Map.of("tollgate", PolicyDocument.Builder.create()
                        .statements(statements(functionLogs, counters, keys, clusters)).build()))
                .build();

        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(AwsGateway.CONFIG, FunctionBundle.configPath());
        // The configuration stage events of API Gateway's $default stage reach; a stack is one stage.
        environment.put(AwsGateway.STAGE, stage.name());
        environment.put(AwsGateway.COUNTERS_TABLE, counters.getTableName());
        environment.put(AwsGateway.KEYS_TABLE, keys.getTableName());
        environment.put("JAVA_TOOL_OPTIONS", stage.function().javaToolOptions());
        Stage.FunctionSettings settings = stage.function();
        function = Function.Builder.create(this, "Function")
                .functionName(name)
                .description("Tollgate API gateway, stage " + stage.name())
                .runtime(settings.runtime() == Stage.Runtime.AOT ? Runtime.PROVIDED_AL2023 : Runtime.JAVA_21)
                .architecture(settings.architecture() == Stage.Architecture.ARM64 ? Architecture.ARM_64 : Architecture.X86_64)
                .handler(stage.api().handler())
                .code(Code.fromAsset(bundle.directory().toString()))
                .memorySize(settings.memoryMb())
                .timeout(Duration.seconds(settings.timeout().toSeconds()))
                .environment(environment)
                .role(role)
                .vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnets(vpc.getPrivateSubnets()).build())
                .securityGroups(List.of(securityGroup))
                .logGroup(functionLogs)
                .snapStart(settings.snapStart() ? SnapStartConf.ON_PUBLISHED_VERSIONS : null)
                .reservedConcurrentExecutions(settings.reservedConcurrency().orElse(null))
                .build();
        // Each change publishes a version (SnapStart snapshots it) and moves the alias; API Gateway invokes the alias.
        if (settings.snapStart()) {
            Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                    "the stack publishes a version on every change and the API invokes it through the alias");
        }
        alias = Alias.Builder.create(this, "Alias").aliasName(ALIAS).version(function.getCurrentVersion()).build();

        String url = stage.api() == Stage.Api.HTTP
                ? httpApi(stage, name, variables, accessLogs)
                : restApi(stage, name, variables, accessLogs);

        new Monitoring(this, "Monitoring", stage, function);

        CfnOutput.Builder.create(this, "Url").value(url).description("The stage's invoke URL").build();
        CfnOutput.Builder.create(this, "FunctionName").value(function.getFunctionName()).build();
        CfnOutput.Builder.create(this, "CountersTableName").value(counters.getTableName()).build();
        CfnOutput.Builder.create(this, "KeysTableName").value(keys.getTableName())
                .description("./tollgate keys --aws --table this").build();
        CfnOutput.Builder.create(this, "FunctionSecurityGroupId").value(securityGroup.getSecurityGroupId())
                .description("Allow it in to the backends' security groups").build();

        suppressions(stage, role, clusters);
    }

    public Function function() {
        return function;
    }

    public Alias alias() {
        return alias;
    }

    private static StackProps stackProps(Stage stage, boolean demo) {
        StackProps.Builder props = StackProps.builder()
                .description("Tollgate API gateway, stage " + stage.name() + (demo ? ", with demo backends" : ""))
                .terminationProtection(stage.protectData());
        if (stage.account().isPresent() || stage.region().isPresent()) {
            props.env(Environment.builder().account(stage.account().orElse(null)).region(stage.region().orElse(null)).build());
        }
        return props.build();
    }

    private Table table(String id, String tableName, CreateTableRequest definition, Optional<String> ttl, boolean protect,
                        RemovalPolicy removal) {
        KeySchemaElement hash = definition.keySchema().stream().filter(k -> k.keyType() == KeyType.HASH).findFirst()
                .orElseThrow();
        if (definition.keySchema().size() != 1) {
            throw new IllegalStateException(tableName + ": only a partition key is expected, not " + definition.keySchema());
        }
        Table.Builder table = Table.Builder.create(this, id)
                .tableName(tableName)
                .partitionKey(Attribute.builder().name(hash.attributeName()).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .deletionProtection(protect)
                .removalPolicy(removal);
        ttl.ifPresent(table::timeToLiveAttribute);
        return table.build();
    }

    /**
     * The function's permissions, exactly: its own log streams; GetItem and UpdateItem on the counters;
     * GetItem on the keys; ListTasks and DescribeTasks in the named clusters only; Lambda's VPC networking.
     */
    private List<PolicyStatement> statements(LogGroup logs, Table counters, Table keys, List<String> clusters) {
        List<PolicyStatement> statements = new ArrayList<>();
        statements.add(PolicyStatement.Builder.create().sid("OwnLogStreams").effect(Effect.ALLOW)
                .actions(LOG_ACTIONS).resources(List.of(logs.getLogGroupArn())).build());
        statements.add(PolicyStatement.Builder.create().sid("CountersTable").effect(Effect.ALLOW)
                .actions(COUNTER_ACTIONS).resources(List.of(counters.getTableArn())).build());
        statements.add(PolicyStatement.Builder.create().sid("KeysTable").effect(Effect.ALLOW)
                .actions(KEY_ACTIONS).resources(List.of(keys.getTableArn())).build());
        if (!clusters.isEmpty()) {
            List<String> clusterArns = clusters.stream().map(this::clusterArn).toList();
            // ListTasks names no task: its resource is the container instance, which Fargate tasks lack, so the
            // statement allows "*" and the ecs:cluster condition limits it to the named clusters.
            statements.add(PolicyStatement.Builder.create().sid("EcsListTasksInNamedClusters").effect(Effect.ALLOW)
                    .actions(List.of(LIST_TASKS)).resources(List.of("*"))
                    .conditions(Map.of("ArnEquals", Map.of("ecs:cluster", clusterArns))).build());
            statements.add(PolicyStatement.Builder.create().sid("EcsDescribeTasksInNamedClusters").effect(Effect.ALLOW)
                    .actions(List.of(DESCRIBE_TASKS)).resources(clusters.stream().map(this::tasksArn).toList()).build());
        }
        // DescribeNetworkInterfaces and DescribeSubnets support no resource-level permissions; Lambda checks the
        // others on "*" when it creates the function's network interfaces (as AWSLambdaVPCAccessExecutionRole grants).
        statements.add(PolicyStatement.Builder.create().sid("LambdaVpcNetworking").effect(Effect.ALLOW)
                .actions(NETWORK_INTERFACE_ACTIONS).resources(List.of("*")).build());
        return statements;
    }

    String clusterArn(String cluster) {
        return formatArn(ArnComponents.builder().service("ecs").resource("cluster")
                .resourceName(cluster).build());
    }

    String tasksArn(String cluster) {
        return formatArn(ArnComponents.builder().service("ecs").resource("task")
                .resourceName(cluster + "/*").build());
    }

    private String httpApi(Stage stage, String name, Map<String, String> variables, LogGroup accessLogs) {
        HttpApi api = HttpApi.Builder.create(this, "HttpApi")
                .apiName(name)
                .description("Tollgate " + stage.name() + ": every route to the gateway function")
                .createDefaultStage(false)
                .defaultIntegration(new HttpLambdaIntegration("Tollgate", alias, HttpLambdaIntegrationProps.builder()
                        .payloadFormatVersion(PayloadFormatVersion.VERSION_2_0).build()))
                .build();
        HttpStage httpStage = HttpStage.Builder.create(this, "HttpStage")
                .httpApi(api)
                .stageName(stage.name())
                .autoDeploy(true)
                .stageVariables(variables)
                .throttle(ThrottleSettings.builder().rateLimit(stage.throttle().rate()).burstLimit(stage.throttle().burst())
                        .build())
                .accessLogSettings(new IAccessLogSettings() {
                    @Override
                    public software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination getDestination() {
                        return new software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination(accessLogs);
                    }

                    @Override
                    public AccessLogFormat getFormat() {
                        return AccessLogFormat.jsonWithStandardFields();
                    }
                })
                .build();
        return httpStage.getUrl();
    }

    private String restApi(Stage stage, String name, Map<String, String> variables, LogGroup accessLogs) {
        RestApi api = RestApi.Builder.create(this, "RestApi")
                .restApiName(name)
                .description("Tollgate " + stage.name() + ": every path to the gateway function")
                .endpointTypes(List.of(EndpointType.REGIONAL))
                // Execution logs need the account-wide CloudWatch role, a platform setting: access logs only here.
                .cloudWatchRole(false)
                // Bodies pass through as they are, binary or not; the handler decodes base64.
                .binaryMediaTypes(List.of("*/*"))
                .deployOptions(StageOptions.builder()
                        .stageName(stage.name())
                        .variables(variables)
                        .throttlingRateLimit(stage.throttle().rate())
                        .throttlingBurstLimit(stage.throttle().burst())
                        .accessLogDestination(new software.amazon.awscdk.services.apigateway.LogGroupLogDestination(accessLogs))
                        .accessLogFormat(AccessLogFormat.jsonWithStandardFields())
                        .build())
                .build();
        // Each method's permission names this stage (REST grants per stage: a second stage would need its own).
        LambdaIntegration integration = new LambdaIntegration(alias, LambdaIntegrationOptions.builder()
                .proxy(true).allowTestInvoke(false).build());
        api.getRoot().addMethod("ANY", integration);
        api.getRoot().addProxy(ProxyResourceOptions.builder().defaultIntegration(integration).anyMethod(true).build());
        return api.getDeploymentStage().urlForPath("/");
    }

    /** Each finding of the AwsSolutions pack this stack accepts, with its reason. */
    private void suppressions(Stage stage, Role role, List<String> clusters) {
        List<NagPackSuppression> iam = new ArrayList<>();
        iam.add(NagPackSuppression.builder().id("AwsSolutions-IAM5")
                .reason("Resource * where AWS allows no narrower one. Lambda VPC networking (the actions of"
                        + " AWSLambdaVPCAccessExecutionRole): DescribeNetworkInterfaces and DescribeSubnets have no"
                        + " resource-level permissions, and Lambda checks the network interface actions on * when it"
                        + " creates the function's interfaces."
                        + (clusters.isEmpty() ? "" : " ecs:ListTasks: its only resource type is the container instance,"
                        + " which Fargate tasks lack, so * with the ecs:cluster condition naming the stage's clusters."))
                .appliesTo(List.of("Resource::*")).build());
        if (!clusters.isEmpty()) {
            iam.add(NagPackSuppression.builder().id("AwsSolutions-IAM5")
                    .reason("ecs:DescribeTasks on the tasks of the stage's clusters only: task ids are not known before"
                            + " the tasks run, so task/CLUSTER/* per named cluster.")
                    .appliesTo(clusters.stream().map(c -> "Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>"
                            + ":task/" + c + "/*").map(Object.class::cast).toList()).build());
        }
        NagSuppressions.addResourceSuppressions(role, iam, true);
        NagSuppressions.addStackSuppressions(this, List.of(
                NagPackSuppression.builder().id("AwsSolutions-APIG4")
                        .reason("Tollgate is the authorizer: the function checks API keys and JWTs on every route,"
                                + " per the gateway configuration; an API Gateway authorizer would check them twice.")
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-COG4")
                        .reason("Callers are not Cognito users: the function authenticates API keys and JWTs of the"
                                + " configured issuers.")
                        .build()));
        if (stage.api() == Stage.Api.REST) {
            NagSuppressions.addStackSuppressions(this, List.of(
                    NagPackSuppression.builder().id("AwsSolutions-APIG2")
                            .reason("A proxy to one function that validates each request itself (size, shape,"
                                    + " credentials) against the gateway configuration.")
                            .build(),
                    NagPackSuppression.builder().id("AwsSolutions-APIG3")
                            .reason("A web ACL is the platform team's choice per account; attach one to the stage if"
                                    + " wanted. Rate limits and quotas are the function's, per key and exact.")
                            .build(),
                    NagPackSuppression.builder().id("AwsSolutions-APIG6")
                            .reason("Execution logging needs the account-wide API Gateway CloudWatch role, a platform"
                                    + " setting; the stage writes access logs and the function logs every request.")
                            .build()));
        }
    }

    static RetentionDays retention(int days) {
        RetentionDays retention = RETENTIONS.get(days);
        if (retention == null) {
            throw new IllegalArgumentException(days + " days is not a CloudWatch Logs retention");
        }
        return retention;
    }
}
