package dev.tollgate.cdk;

import dev.tollgate.backend.EcsService;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.IConnectable;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.elasticloadbalancingv2.AddNetworkTargetsProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseNetworkListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkLoadBalancer;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * What {@code -c demo=true} adds so that the whole path can be tried in an empty account: a VPC
 * (two zones, one NAT gateway), an ECS cluster with a Fargate service of {@value #IMAGE}, which
 * answers any path with a JSON echo of the request it received, and an internal NLB in front of it.
 * The stage's backend variables are pointed at it: an {@code ecs://} one at the service, found
 * through the ECS API; an http(s) one at the NLB. Nothing is pulled at synthesis: ECS pulls the
 * public image when the tasks start.
 */
final class DemoBackend extends Construct {

    /** A public image that echoes each request as JSON (path, headers, body) on port {@value #CONTAINER_PORT}. */
    static final String IMAGE = "mendhak/http-https-echo:31";
    static final int CONTAINER_PORT = 8080;
    static final int LISTENER_PORT = 80;
    static final String SERVICE = "demo";

    private final Vpc vpc;
    private final String clusterName;
    private final FargateService service;
    private final NetworkLoadBalancer loadBalancer;

    DemoBackend(Construct scope, String id, String stage) {
        super(scope, id);
        vpc = Vpc.Builder.create(this, "Vpc")
                .maxAzs(2)
                .natGateways(1)
                .restrictDefaultSecurityGroup(false)
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build(),
                        SubnetConfiguration.builder().name("private").subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                                .cidrMask(24).build()))
                .build();
        SubnetSelection privateSubnets = SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build();

        clusterName = "tollgate-" + stage + "-demo";
        Cluster cluster = Cluster.Builder.create(this, "Cluster").clusterName(clusterName).vpc(vpc).build();
        FargateTaskDefinition task = FargateTaskDefinition.Builder.create(this, "Task").cpu(256).memoryLimitMiB(512).build();
        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                .retention(RetentionDays.ONE_WEEK)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        task.addContainer("echo", ContainerDefinitionOptions.builder()
                .image(ContainerImage.fromRegistry(IMAGE))
                .portMappings(List.of(PortMapping.builder().containerPort(CONTAINER_PORT).build()))
                .logging(LogDriver.awsLogs(AwsLogDriverProps.builder().logGroup(logs).streamPrefix(SERVICE).build()))
                .build());
        SecurityGroup tasks = SecurityGroup.Builder.create(this, "TaskSecurityGroup")
                .vpc(vpc)
                .description("Demo tasks: HTTP from the NLB and the Tollgate function")
                .allowAllOutbound(true)
                .build();
        service = FargateService.Builder.create(this, "Service")
                .serviceName(SERVICE)
                .cluster(cluster)
                .taskDefinition(task)
                .desiredCount(2)
                .minHealthyPercent(100)
                .assignPublicIp(false)
                .vpcSubnets(privateSubnets)
                .securityGroups(List.of(tasks))
                .build();

        SecurityGroup balancer = SecurityGroup.Builder.create(this, "NlbSecurityGroup")
                .vpc(vpc)
                .description("Demo NLB: HTTP from the Tollgate function, on to the tasks")
                .allowAllOutbound(false)
                .build();
        loadBalancer = NetworkLoadBalancer.Builder.create(this, "Nlb")
                .vpc(vpc)
                .internetFacing(false)
                .vpcSubnets(privateSubnets)
                .securityGroups(List.of(balancer))
                .build();
        service.getConnections().allowFrom(loadBalancer, Port.tcp(CONTAINER_PORT), "HTTP from the demo NLB");
        NetworkListener listener = loadBalancer.addListener("Http", BaseNetworkListenerProps.builder().port(LISTENER_PORT).build());
        listener.addTargets("Tasks", AddNetworkTargetsProps.builder()
                .port(CONTAINER_PORT)
                .targets(List.of(service))
                .deregistrationDelay(Duration.seconds(10))
                .build());

        String reason = "Demo only (-c demo=true): a short-lived stand-in for the platform team's network and services,"
                + " to try Tollgate in an empty account; production stages import the real VPC and services instead.";
        NagSuppressions.addResourceSuppressions(this, List.of(
                suppression("AwsSolutions-VPC7", "No VPC flow logs. " + reason),
                suppression("AwsSolutions-ECS4", "No Container Insights. " + reason),
                suppression("AwsSolutions-ELB2", "No NLB access logs (they need an S3 bucket of their own). " + reason)), true);
    }

    /** Lets the function reach the service's tasks directly (ecs://) and through the NLB, and nothing else there. */
    void allowFrom(IConnectable function) {
        service.getConnections().allowFrom(function, Port.tcp(CONTAINER_PORT), "HTTP from the Tollgate function (ecs://)");
        loadBalancer.getConnections().allowFrom(function, Port.tcp(LISTENER_PORT), "HTTP from the Tollgate function");
    }

    IVpc vpc() {
        return vpc;
    }

    String clusterName() {
        return clusterName;
    }

    /** The stage variables with each backend variable pointed at the demo service: ecs:// ones directly, others via the NLB. */
    Map<String, String> variables(Stage stage) {
        Map<String, String> variables = new LinkedHashMap<>(stage.variables());
        for (String name : stage.backendVariables()) {
            String value = stage.effectiveVariables().get(name);
            variables.put(name, EcsService.isEcsUrl(value)
                    ? "ecs://" + clusterName + "/" + SERVICE + ":" + CONTAINER_PORT
                    : "http://" + loadBalancer.getLoadBalancerDnsName() + ":" + LISTENER_PORT);
        }
        return variables;
    }

    private static NagPackSuppression suppression(String id, String reason) {
        return NagPackSuppression.builder().id(id).reason(reason).build();
    }
}
