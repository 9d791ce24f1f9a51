package io.sluice.manifests;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.ComputationalGraph;
import io.sluice.NodeSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Secret;

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
 */
public final class EcsManifests {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
            .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
            .defaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_EMPTY))
            .build();

    private EcsManifests() {}

    /** The requests by file name ({@code <name>-task-definition.json}, {@code <name>-service.json}), in order. */
    public static Map<String, Object> generate(ComputationalGraph graph, String pipelineText, EcsOptions options) {
        String app = KubernetesManifests.dns(graph.name());
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
            String name = app + "-" + KubernetesManifests.dns(node.id());
            files.put(
                    name + "-task-definition.json",
                    task(
                            name,
                            options,
                            pipelineText,
                            "worker /tmp/pipeline.yaml --node " + node.id() + " --bootstrap " + options.bootstrap()
                                    + " --health-port " + KubernetesManifests.HEALTH_PORT,
                            KubernetesManifests.HEALTH_PORT,
                            null));
            files.put(name + "-service.json", service(name, options));
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

    /** One request as the JSON {@code --cli-input-json} reads. */
    public static String json(Object request) {
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
        ContainerDefinition.Builder container = ContainerDefinition.builder()
                .name("sluice")
                .image(options.image())
                .essential(true)
                .entryPoint("sh", "-c")
                .command("printf '%s' \"$SLUICE_PIPELINE\" > /tmp/pipeline.yaml && exec /opt/sluice/bin/sluice "
                        + sluiceArgs)
                .environment(KeyValuePair.builder()
                        .name("SLUICE_PIPELINE")
                        .value(pipeline)
                        .build());
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
        if (fileName.endsWith("-service.json")) {
            return JSON.readValue(json, CreateServiceRequest.serializableBuilderClass())
                    .build();
        }
        return JSON.readValue(json, RegisterTaskDefinitionRequest.serializableBuilderClass())
                .build();
    }
}
