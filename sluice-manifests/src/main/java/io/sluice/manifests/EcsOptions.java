package io.sluice.manifests;

import java.util.List;
import java.util.Objects;

/**
 * What the generated ECS task definitions and services need beyond the graph (Fargate, awsvpc networking).
 *
 * @param image the Sluice image (see {@code docker/Dockerfile})
 * @param cluster the ECS cluster the services run in: its name or ARN; a scheduled pipeline's needs the ARN ({@code
 *     arn:aws:ecs:REGION:ACCOUNT:cluster/NAME}), by which an EventBridge target names it
 * @param bootstrap the Kafka cluster, as the tasks reach it
 * @param subnets the subnets of the tasks
 * @param securityGroups the security groups of the tasks
 * @param executionRoleArn the role ECS uses to pull the image, write logs and read the API's token; {@code null} to
 *     leave it out — but ECS registers the API's task definition, which reads a secret, only with one
 * @param cpu CPU units per task (256 = ¼ vCPU)
 * @param memory MiB per task
 * @param apiTokenSecret where the API's task reads its token ({@code valueFrom} of its {@code SLUICE_API_TOKEN}
 *     secret): the ARN of a Secrets Manager secret (plain text, or {@code ARN:token::} for the key {@code token} of a
 *     JSON one), or the ARN or, in the task's region, the name of an SSM parameter; {@code null} for the SSM parameter
 *     {@code <graph>-api-token}. The task definitions name it and never hold it (see {@link EcsManifests})
 * @param schedule a five-field cron expression, in UTC, to run the pipeline as a batch at those times — one task
 *     started by an EventBridge rule instead of services — or {@code null} to run it until stopped
 * @param scheduleRoleArn the role EventBridge assumes to start a scheduled pipeline's task: allowed {@code ecs:RunTask}
 *     on its task definition and {@code iam:PassRole} on the execution role; a schedule needs it
 */
public record EcsOptions(
        String image,
        String cluster,
        String bootstrap,
        List<String> subnets,
        List<String> securityGroups,
        String executionRoleArn,
        String cpu,
        String memory,
        String apiTokenSecret,
        String schedule,
        String scheduleRoleArn,
        boolean instancePerTask) {

    public EcsOptions {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(cluster, "cluster");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException(
                    "EcsOptions.bootstrap: the tasks need the Kafka cluster's address," + " host:port; found none");
        }
        subnets = List.copyOf(subnets);
        securityGroups = List.copyOf(securityGroups);
        if (apiTokenSecret != null
                && (apiTokenSecret.isEmpty() || apiTokenSecret.chars().anyMatch(c -> c <= ' '))) {
            throw new IllegalArgumentException("EcsOptions.apiTokenSecret: must be the ARN of a Secrets Manager secret,"
                    + " or the ARN or name of an SSM parameter, found '" + apiTokenSecret + "'");
        }
        if (schedule != null) {
            try {
                Cron cron = Cron.parse(schedule);
                cron.eventBridge(); // refused here, where it was given, rather than when the files are written
                schedule = cron.toString();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("EcsOptions.schedule: " + e.getMessage(), e);
            }
        }
    }

    /** As the canonical constructor, every instance of a node in one task. */
    public EcsOptions(
            String image,
            String cluster,
            String bootstrap,
            List<String> subnets,
            List<String> securityGroups,
            String executionRoleArn,
            String cpu,
            String memory,
            String apiTokenSecret,
            String schedule,
            String scheduleRoleArn) {
        this(
                image,
                cluster,
                bootstrap,
                subnets,
                securityGroups,
                executionRoleArn,
                cpu,
                memory,
                apiTokenSecret,
                schedule,
                scheduleRoleArn,
                false);
    }

    /** As the canonical constructor, with no schedule. */
    public EcsOptions(
            String image,
            String cluster,
            String bootstrap,
            List<String> subnets,
            List<String> securityGroups,
            String executionRoleArn,
            String cpu,
            String memory,
            String apiTokenSecret) {
        this(
                image,
                cluster,
                bootstrap,
                subnets,
                securityGroups,
                executionRoleArn,
                cpu,
                memory,
                apiTokenSecret,
                null,
                null);
    }

    /** As the canonical constructor, the API's token in the SSM parameter {@code <graph>-api-token}. */
    public EcsOptions(
            String image,
            String cluster,
            String bootstrap,
            List<String> subnets,
            List<String> securityGroups,
            String executionRoleArn,
            String cpu,
            String memory) {
        this(image, cluster, bootstrap, subnets, securityGroups, executionRoleArn, cpu, memory, null, null, null);
    }

    /**
     * Image {@code sluice/sluice:0.1.0}, cluster {@code sluice}, no subnets or groups yet, no execution role, 512 CPU
     * units, 1024 MiB, the API's token in the SSM parameter {@code <graph>-api-token}.
     */
    public static EcsOptions of(String bootstrap) {
        return new EcsOptions("sluice/sluice:0.1.0", "sluice", bootstrap, List.of(), List.of(), null, "512", "1024");
    }

    public EcsOptions withNetwork(List<String> subnets, List<String> securityGroups) {
        return new EcsOptions(
                image,
                cluster,
                bootstrap,
                subnets,
                securityGroups,
                executionRoleArn,
                cpu,
                memory,
                apiTokenSecret,
                schedule,
                scheduleRoleArn,
                instancePerTask);
    }

    public EcsOptions withImage(String image) {
        return new EcsOptions(
                image,
                cluster,
                bootstrap,
                subnets,
                securityGroups,
                executionRoleArn,
                cpu,
                memory,
                apiTokenSecret,
                schedule,
                scheduleRoleArn,
                instancePerTask);
    }

    /**
     * The task execution role; it must be allowed to read the API's token ({@code ssm:GetParameters} or {@code
     * secretsmanager:GetSecretValue} on it).
     */
    public EcsOptions withExecutionRoleArn(String executionRoleArn) {
        return new EcsOptions(
                image,
                cluster,
                bootstrap,
                subnets,
                securityGroups,
                executionRoleArn,
                cpu,
                memory,
                apiTokenSecret,
                schedule,
                scheduleRoleArn,
                instancePerTask);
    }

    /** The cluster, by name or ARN; a scheduled pipeline's by ARN. */
    public EcsOptions withCluster(String cluster) {
        return new EcsOptions(
                image,
                cluster,
                bootstrap,
                subnets,
                securityGroups,
                executionRoleArn,
                cpu,
                memory,
                apiTokenSecret,
                schedule,
                scheduleRoleArn,
                instancePerTask);
    }

    /**
     * Runs the pipeline as a batch at the times of a five-field cron expression, in UTC: one task started by an
     * EventBridge rule instead of services. It then needs the cluster's ARN ({@link #withCluster}), subnets ({@link
     * #withNetwork}) and the role EventBridge starts the task with ({@link #withScheduleRoleArn}).
     *
     * @throws IllegalArgumentException if the expression is not one, or restricts both the day of month and the day of
     *     week, which an EventBridge schedule cannot say
     */
    public EcsOptions withSchedule(String schedule) {
        return new EcsOptions(
                image,
                cluster,
                bootstrap,
                subnets,
                securityGroups,
                executionRoleArn,
                cpu,
                memory,
                apiTokenSecret,
                schedule,
                scheduleRoleArn,
                instancePerTask);
    }

    /** The role EventBridge assumes to start a scheduled pipeline's task. */
    public EcsOptions withScheduleRoleArn(String scheduleRoleArn) {
        return new EcsOptions(
                image,
                cluster,
                bootstrap,
                subnets,
                securityGroups,
                executionRoleArn,
                cpu,
                memory,
                apiTokenSecret,
                schedule,
                scheduleRoleArn,
                instancePerTask);
    }

    /** Where the API's task reads its token, instead of the SSM parameter {@code <graph>-api-token}. */
    public EcsOptions withApiTokenSecret(String apiTokenSecret) {
        return new EcsOptions(
                image,
                cluster,
                bootstrap,
                subnets,
                securityGroups,
                executionRoleArn,
                cpu,
                memory,
                apiTokenSecret,
                schedule,
                scheduleRoleArn,
                instancePerTask);
    }

    /**
     * Runs each instance of a node as a task of its own: per instance a task definition running {@code sluice worker
     * --instance N} and a service of one task, so a node of parallelism 8 can use 8 machines — ECS's counterpart of a
     * StatefulSet, whose services cannot give their tasks an ordinal.
     */
    public EcsOptions withInstancePerTask(boolean instancePerTask) {
        return new EcsOptions(
                image,
                cluster,
                bootstrap,
                subnets,
                securityGroups,
                executionRoleArn,
                cpu,
                memory,
                apiTokenSecret,
                schedule,
                scheduleRoleArn,
                instancePerTask);
    }
}
