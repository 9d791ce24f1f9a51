package io.sluice.manifests;

import java.util.List;
import java.util.Objects;

/**
 * What the generated ECS task definitions and services need beyond the graph (Fargate, awsvpc networking).
 *
 * @param image the Sluice image (see {@code docker/Dockerfile})
 * @param cluster the ECS cluster the services run in
 * @param bootstrap the Kafka cluster, as the tasks reach it
 * @param subnets the subnets of the tasks
 * @param securityGroups the security groups of the tasks
 * @param executionRoleArn the role ECS uses to pull the image and write logs; {@code null} to leave it out
 * @param cpu CPU units per task (256 = ¼ vCPU)
 * @param memory MiB per task
 */
public record EcsOptions(
        String image,
        String cluster,
        String bootstrap,
        List<String> subnets,
        List<String> securityGroups,
        String executionRoleArn,
        String cpu,
        String memory) {

    public EcsOptions {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(cluster, "cluster");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException(
                    "EcsOptions.bootstrap: the tasks need the Kafka cluster's address," + " host:port; found none");
        }
        subnets = List.copyOf(subnets);
        securityGroups = List.copyOf(securityGroups);
    }

    /** Image {@code sluice/sluice:0.1.0}, cluster {@code sluice}, no subnets or groups yet, 512 CPU units, 1024 MiB. */
    public static EcsOptions of(String bootstrap) {
        return new EcsOptions("sluice/sluice:0.1.0", "sluice", bootstrap, List.of(), List.of(), null, "512", "1024");
    }

    public EcsOptions withNetwork(List<String> subnets, List<String> securityGroups) {
        return new EcsOptions(image, cluster, bootstrap, subnets, securityGroups, executionRoleArn, cpu, memory);
    }

    public EcsOptions withImage(String image) {
        return new EcsOptions(image, cluster, bootstrap, subnets, securityGroups, executionRoleArn, cpu, memory);
    }
}
