package io.sluice.cli;

import io.sluice.manifests.EcsManifests;
import io.sluice.manifests.EcsOptions;
import io.sluice.manifests.KubernetesManifests;
import io.sluice.manifests.KubernetesOptions;
import io.sluice.yaml.Pipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice generate k8s|ecs FILE -o DIR}: Kubernetes manifests or ECS task definitions that run a pipeline on
 * Kafka — until stopped, or as a batch at the times of its {@code runtime.schedule}.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Generate deployment manifests for a pipeline: k8s (a ConfigMap with the pipeline, a topic Job,"
                + " a Deployment per node with probes, and the API's Deployment and Service) or ecs (Fargate task"
                + " definitions and services as --cli-input-json files). A pipeline with runtime.schedule runs as a"
                + " batch at those times instead: a CronJob, or an ECS task started by an EventBridge rule.")
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TARGET", description = "k8s or ecs")
    String target;

    @Parameters(index = "1", paramLabel = "FILE", description = "the pipeline (YAML)")
    Path file;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "DIR",
            description = "where to write")
    Path output;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "the Kafka cluster as the pods reach it (default: the pipeline's runtime.bootstrap)")
    String bootstrap;

    @Option(
            names = "--image",
            defaultValue = "sluice/sluice:0.1.0",
            paramLabel = "IMAGE",
            description = "the image built from docker/Dockerfile (default: ${DEFAULT-VALUE})")
    String image;

    @Option(
            names = "--namespace",
            defaultValue = "default",
            paramLabel = "NAME",
            description = "(default: ${DEFAULT-VALUE})")
    String namespace;

    @Option(
            names = "--cluster",
            defaultValue = "sluice",
            paramLabel = "NAME|ARN",
            description = "ecs: the ECS cluster; a scheduled pipeline's by ARN (default: ${DEFAULT-VALUE})")
    String ecsCluster;

    @Option(
            names = "--schedule-role",
            paramLabel = "ARN",
            description = "ecs, scheduled pipelines: the role EventBridge starts the task with (allowed ecs:RunTask"
                    + " and iam:PassRole)")
    String scheduleRole;

    @Option(names = "--subnets", split = ",", paramLabel = "ID", description = "ecs: the tasks' subnets")
    List<String> subnets = List.of();

    @Option(
            names = "--security-groups",
            split = ",",
            paramLabel = "ID",
            description = "ecs: the tasks' security groups")
    List<String> securityGroups = List.of();

    @Option(
            names = "--instance-per-pod",
            description = "run each instance of a node in a pod of its own: k8s, a StatefulSet per node whose pods'"
                    + " ordinals are the instances; ecs, a task definition and service per instance")
    boolean instancePerPod;

    @Override
    public Integer call() throws IOException {
        if (!target.equals("k8s") && !target.equals("ecs")) {
            throw new IllegalArgumentException("TARGET must be k8s or ecs, found '" + target + "'");
        }
        Pipeline pipeline = Pipeline.load(file);
        String kafka = bootstrap != null ? bootstrap : pipeline.runtime().bootstrap();
        if (kafka == null) {
            throw new IllegalArgumentException(
                    "no Kafka cluster: pass --bootstrap HOST:PORT or set runtime.bootstrap in " + file);
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Files.createDirectories(output);
        PrintWriter out = spec.commandLine().getOut();
        String schedule = pipeline.runtime().schedule();
        if (target.equals("ecs")) {
            EcsOptions options = new EcsOptions(image, ecsCluster, kafka, subnets, securityGroups, null, "512", "1024")
                    .withSchedule(schedule)
                    .withScheduleRoleArn(scheduleRole)
                    .withInstancePerTask(instancePerPod);
            Map<String, Object> files = EcsManifests.generate(pipeline.graph(), text, options);
            for (Map.Entry<String, Object> entry : files.entrySet()) {
                Files.writeString(output.resolve(entry.getKey()), EcsManifests.json(entry.getValue()));
            }
            if (schedule != null) {
                List<String> names = List.copyOf(files.keySet());
                out.println("Wrote " + files.size() + " files to " + output + ": the graph runs as a batch at '"
                        + schedule + "' (UTC). Register the task definition with: aws ecs register-task-definition"
                        + " --cli-input-json file://" + output.resolve(names.get(0)) + ", then create the schedule"
                        + " with: aws events put-rule --cli-input-json file://" + output.resolve(names.get(1))
                        + " and: aws events put-targets --cli-input-json file://" + output.resolve(names.get(2)));
            } else {
                out.println("Wrote " + files.size() + " files to " + output + "; register each task definition with:"
                        + " aws ecs register-task-definition --cli-input-json file://FILE, run the topics task once,"
                        + " then create each service with: aws ecs create-service --cli-input-json file://FILE");
            }
        } else {
            KubernetesOptions options = KubernetesOptions.of(kafka)
                    .withImage(image)
                    .withNamespace(namespace)
                    .withSchedule(schedule)
                    .withInstancePerPod(instancePerPod);
            Path written = output.resolve(pipeline.graph().name() + "-kubernetes.yaml");
            Files.writeString(
                    written, KubernetesManifests.yaml(KubernetesManifests.generate(pipeline.graph(), text, options)));
            out.println("Wrote " + written
                    + (schedule == null ? "" : " (a CronJob: the graph runs as a batch at '" + schedule + "', UTC)")
                    + "; apply it with: sluice apply " + written);
        }
        out.flush();
        return 0;
    }
}
