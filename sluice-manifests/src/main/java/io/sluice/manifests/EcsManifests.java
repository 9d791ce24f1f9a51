package io.sluice.manifests;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.ComputationalGraph;
import io.sluice.NodeSpec;
import io.sluice.SluiceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.eventbridge.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.eventbridge.model.EcsParameters;
import software.amazon.awssdk.services.eventbridge.model.PutRuleRequest;
import software.amazon.awssdk.services.eventbridge.model.PutTargetsRequest;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;

/**
 * ECS (Fargate) task definitions and services that run a pipeline on Kafka, built with the AWS SDK's model classes and
 * written in the {@code --cli-input-json} form of {@code aws ecs register-task-definition} and {@code aws ecs
 * create-service}. The pipeline file travels in the {@code SLUICE_PIPELINE} environment variable, written to
 * {@code /tmp/pipeline.yaml} before {@code sluice} starts. Per node one task definition and one service (one task:
 * a worker runs all of its node's instances); a {@code <graph>-topics} task definition to run once ({@code aws ecs
 * run-task}) before the services; and the API's task definition and service.
 *
 * <p><b>The API's token.</b> The API listens on {@code 0.0.0.0}, so every route but the dashboard page and the health
 * probes needs its bearer token. Its task reads {@code SLUICE_API_TOKEN} through a {@code secrets} entry whose {@code
 * valueFrom} is {@link EcsOptions#apiTokenSecret()}, by default the SSM parameter {@code <graph>-api-token} of the
 * task's region, which the user creates once:
 *
 * <pre>
 * aws ssm put-parameter --name shop-api-token --type SecureString --value "$(openssl rand -hex 32)"
 * </pre>
 *
 * <p>ECS reads it with the task execution role ({@link EcsOptions#executionRoleArn()}, allowed {@code
 * ssm:GetParameters} on it), and registers a task definition with secrets only when it names that role. The files name
 * the secret and never hold a token: a placeholder would be accepted as one, known to all, and a real token in {@code
 * environment} could be read by anyone allowed to describe the task definition. Without the secret the API's task
 * does not start. Its health check reads {@code /health/live}, which needs no token.
 *
 * <p><b>A schedule.</b> With {@link EcsOptions#schedule()} the pipeline is a batch, started by an EventBridge rule:
 * {@code <graph>-task-definition.json}, one task per run; {@code <graph>-schedule-rule.json} for {@code aws events
 * put-rule}, its expression in EventBridge's six fields ({@code 0 3 * * *} becomes {@code cron(0 3 * * ? *)}, in
 * UTC); and {@code <graph>-schedule-targets.json} for {@code aws events put-targets}, running the task definition's
 * latest revision on Fargate. In the task, container {@code topics} creates the graph's topics afresh (a run starts
 * from nothing); one container per node runs {@code sluice worker} once {@code topics} succeeded; and the one essential
 * container, {@code done}, starts once every worker succeeded and ends the task. Workers are not essential, because
 * the first to finish would stop the others; a worker that fails leaves {@code done} unable to start, and ECS stops
 * the task. No services and no API: the API follows one deployment's topics, and each run replaces them.
 */
public final class EcsManifests {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
            .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
            .defaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_EMPTY))
            .build();

    /** A cluster's ARN: partition, region, account, name. */
    private static final Pattern CLUSTER_ARN =
            Pattern.compile("arn:(aws[a-z-]*):ecs:([a-z0-9-]+):([0-9]{12}):cluster/([A-Za-z0-9_-]{1,255})");

    private EcsManifests() {}

    /**
     * The requests by file name ({@code <name>-task-definition.json}, {@code <name>-service.json}; with a schedule
     * {@code <graph>-task-definition.json}, {@code <graph>-schedule-rule.json}, {@code <graph>-schedule-targets.json}),
     * in order.
     *
     * @throws IllegalArgumentException if the options have a schedule but not what EventBridge needs to start the task:
     *     the cluster's ARN, subnets, and the role to start it with
     * @throws SluiceException if two node ids of a scheduled graph become the same container name
     */
    public static Map<String, Object> generate(ComputationalGraph graph, String pipelineText, EcsOptions options) {
        String app = KubernetesManifests.dns(graph.name());
        if (options.schedule() != null) {
            return scheduled(graph, pipelineText, options, app);
        }
        Map<String, Object> files = new LinkedHashMap<>();
        files.put(
                app + "-topics-task-definition.json",
                task(
                        app + "-topics",
                        options,
                        pipelineText,
                        "kafka plan /tmp/pipeline.yaml --create --on-existing continue --bootstrap "
                                + options.bootstrap(),
                        null,
                        null));
        for (NodeSpec node : graph.nodes()) {
            String nodeName = app + "-" + KubernetesManifests.dns(node.id());
            String command = "worker /tmp/pipeline.yaml --node " + node.id() + " --bootstrap " + options.bootstrap()
                    + " --health-port " + KubernetesManifests.HEALTH_PORT;
            // a task per node, or with an instance per task one per instance: a service cannot number its tasks
            int tasks = options.instancePerTask() ? node.parallelism() : 1;
            for (int i = 0; i < tasks; i++) {
                String name = options.instancePerTask() ? nodeName + "-" + i : nodeName;
                files.put(
                        name + "-task-definition.json",
                        task(
                                name,
                                options,
                                pipelineText,
                                options.instancePerTask() ? command + " --instance " + i : command,
                                KubernetesManifests.HEALTH_PORT,
                                null));
                files.put(name + "-service.json", service(name, options));
            }
        }
        files.put(
                app + "-api-task-definition.json",
                task(
                        app + "-api",
                        options,
                        pipelineText,
                        "serve /tmp/pipeline.yaml --bootstrap " + options.bootstrap() + " --host 0.0.0.0 --port "
                                + KubernetesManifests.API_PORT,
                        KubernetesManifests.API_PORT,
                        Secret.builder()
                                .name(KubernetesManifests.API_TOKEN_VARIABLE)
                                .valueFrom(
                                        options.apiTokenSecret() != null
                                                ? options.apiTokenSecret()
                                                : app + "-api-token")
                                .build()));
        files.put(app + "-api-service.json", service(app + "-api", options));
        return files;
    }

    /** A scheduled pipeline's task definition, EventBridge rule and target: see the class comment. */
    private static Map<String, Object> scheduled(
            ComputationalGraph graph, String pipelineText, EcsOptions options, String app) {
        Matcher cluster = CLUSTER_ARN.matcher(options.cluster());
        List<String> problems = new ArrayList<>();
        if (!cluster.matches()) {
            problems.add("an EventBridge target names the cluster by its ARN, expected"
                    + " arn:aws:ecs:REGION:ACCOUNT:cluster/NAME (--cluster, EcsOptions.withCluster) but found '"
                    + options.cluster() + "'");
        }
        if (options.subnets().isEmpty()) {
            problems.add("the task runs in awsvpc mode and needs subnets (--subnets, EcsOptions.withNetwork), found"
                    + " none");
        }
        if (options.scheduleRoleArn() == null) {
            problems.add("EventBridge starts the task with a role allowed ecs:RunTask and iam:PassRole"
                    + " (--schedule-role, EcsOptions.withScheduleRoleArn), found none");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "ECS schedule of graph '" + graph.name() + "': " + String.join("; ", problems));
        }
        String bootstrap = options.bootstrap();
        Map<String, String> names = new HashMap<>(
                Map.of("topics", "the container that creates the topics", "done", "the container that ends the task"));
        List<ContainerDefinition> containers = new ArrayList<>();
        containers.add(container(
                        "topics",
                        options,
                        pipelineText,
                        "kafka plan /tmp/pipeline.yaml --create --on-existing fresh --bootstrap " + bootstrap)
                .essential(false)
                .build());
        List<ContainerDependency> workers = new ArrayList<>();
        for (NodeSpec node : graph.nodes()) {
            String name = KubernetesManifests.dns(node.id());
            String clash = names.put(name, "node '" + node.id() + "'");
            if (clash != null) {
                throw new SluiceException("Node '" + node.id() + "' and " + clash + " both become the container name '"
                        + name + "' (lower case, '-' for '_'); rename the node");
            }
            containers.add(container(
                            name,
                            options,
                            pipelineText,
                            "worker /tmp/pipeline.yaml --node " + node.id() + " --bootstrap " + bootstrap)
                    .essential(false)
                    .dependsOn(dependency("topics"))
                    .build());
            workers.add(dependency(name));
        }
        containers.add(ContainerDefinition.builder()
                .name("done")
                .image(options.image())
                .essential(true)
                .entryPoint("sh", "-c")
                .command("echo 'every worker of " + graph.name() + " completed'")
                .dependsOn(workers)
                .build());
        RegisterTaskDefinitionRequest.Builder task = RegisterTaskDefinitionRequest.builder()
                .family(app)
                .requiresCompatibilities(Compatibility.FARGATE)
                .networkMode(NetworkMode.AWSVPC)
                .cpu(options.cpu())
                .memory(options.memory())
                .containerDefinitions(containers);
        if (options.executionRoleArn() != null) {
            task.executionRoleArn(options.executionRoleArn());
        }
        String rule = app + "-schedule";
        String taskDefinition = "arn:" + cluster.group(1) + ":ecs:" + cluster.group(2) + ":" + cluster.group(3)
                + ":task-definition/" + app; // no revision: the latest active one
        Map<String, Object> files = new LinkedHashMap<>();
        files.put(app + "-task-definition.json", task.build());
        files.put(
                rule + "-rule.json",
                PutRuleRequest.builder()
                        .name(rule)
                        .scheduleExpression(Cron.parse(options.schedule()).eventBridge())
                        .state(RuleState.ENABLED)
                        .description(
                                "Runs the Sluice pipeline '" + graph.name() + "' at '" + options.schedule() + "' (UTC)")
                        .build());
        files.put(
                rule + "-targets.json",
                PutTargetsRequest.builder()
                        .rule(rule)
                        .targets(Target.builder()
                                .id(app)
                                .arn(options.cluster())
                                .roleArn(options.scheduleRoleArn())
                                .ecsParameters(EcsParameters.builder()
                                        .taskDefinitionArn(taskDefinition)
                                        .taskCount(1)
                                        .launchType(
                                                software.amazon.awssdk.services.eventbridge.model.LaunchType.FARGATE)
                                        .networkConfiguration(n -> n.awsvpcConfiguration(AwsVpcConfiguration.builder()
                                                .subnets(options.subnets())
                                                .securityGroups(options.securityGroups())
                                                .build()))
                                        .build())
                                .build())
                        .build());
        return files;
    }

    private static ContainerDependency dependency(String container) {
        return ContainerDependency.builder()
                .containerName(container)
                .condition(ContainerCondition.SUCCESS)
                .build();
    }

    /** One request as the JSON {@code --cli-input-json} reads. */
    public static String json(Object request) {
        if (request instanceof PutRuleRequest || request instanceof PutTargetsRequest) {
            try {
                return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(AwsJson.write((SdkPojo) request))
                        + "\n";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Object builder = request instanceof RegisterTaskDefinitionRequest r
                ? r.toBuilder()
                : ((CreateServiceRequest) request).toBuilder();
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(builder) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RegisterTaskDefinitionRequest task(
            String family, EcsOptions options, String pipeline, String sluiceArgs, Integer healthPort, Secret secret) {
        ContainerDefinition.Builder container =
                container("sluice", options, pipeline, sluiceArgs).essential(true);
        if (secret != null) {
            container.secrets(secret);
        }
        if (healthPort != null) {
            String path = healthPort == KubernetesManifests.HEALTH_PORT ? "/health/ready" : "/health/live";
            // With a Host header: the API answers a request without one 421, whatever its path.
            container
                    .portMappings(
                            PortMapping.builder().containerPort(healthPort).build())
                    .healthCheck(HealthCheck.builder()
                            .command(
                                    "CMD",
                                    "bash",
                                    "-c",
                                    "exec 3<>/dev/tcp/127.0.0.1/" + healthPort + " && printf 'GET " + path
                                            + " HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3 && grep -q"
                                            + " ' 200 ' <&3")
                            .interval(10)
                            .startPeriod(20)
                            .build());
        }
        RegisterTaskDefinitionRequest.Builder task = RegisterTaskDefinitionRequest.builder()
                .family(family)
                .requiresCompatibilities(Compatibility.FARGATE)
                .networkMode(NetworkMode.AWSVPC)
                .cpu(options.cpu())
                .memory(options.memory())
                .containerDefinitions(container.build());
        if (options.executionRoleArn() != null) {
            task.executionRoleArn(options.executionRoleArn());
        }
        return task.build();
    }

    /** A container running {@code sluice sluiceArgs} on the pipeline file it writes from {@code SLUICE_PIPELINE}. */
    private static ContainerDefinition.Builder container(
            String name, EcsOptions options, String pipeline, String sluiceArgs) {
        return ContainerDefinition.builder()
                .name(name)
                .image(options.image())
                .entryPoint("sh", "-c")
                .command("printf '%s' \"$SLUICE_PIPELINE\" > /tmp/pipeline.yaml && exec /opt/sluice/bin/sluice "
                        + sluiceArgs)
                .environment(KeyValuePair.builder()
                        .name("SLUICE_PIPELINE")
                        .value(pipeline)
                        .build());
    }

    private static CreateServiceRequest service(String name, EcsOptions options) {
        return CreateServiceRequest.builder()
                .cluster(options.cluster())
                .serviceName(name)
                .taskDefinition(name)
                .desiredCount(1)
                .launchType(LaunchType.FARGATE)
                .networkConfiguration(n -> n.awsvpcConfiguration(v -> v.subnets(new ArrayList<>(options.subnets()))
                        .securityGroups(new ArrayList<>(options.securityGroups()))))
                .build();
    }

    /** The request a file holds, read back through the SDK's own model (for tests and tools). */
    public static Object read(String fileName, String json) throws IOException {
        if (fileName.endsWith("-schedule-rule.json")) {
            return AwsJson.read(JSON.readTree(json), PutRuleRequest.builder());
        }
        if (fileName.endsWith("-schedule-targets.json")) {
            return AwsJson.read(JSON.readTree(json), PutTargetsRequest.builder());
        }
        if (fileName.endsWith("-service.json")) {
            return JSON.readValue(json, CreateServiceRequest.serializableBuilderClass())
                    .build();
        }
        return JSON.readValue(json, RegisterTaskDefinitionRequest.serializableBuilderClass())
                .build();
    }
}
