package io.sluice.manifests;

import java.util.Objects;

/**
 * What the generated Kubernetes manifests need to know beyond the graph.
 *
 * @param image the worker image, built from the distribution (see {@code docker/Dockerfile})
 * @param namespace the namespace of every resource
 * @param bootstrap the Kafka cluster, as the pods reach it
 * @param cpu the CPU each worker requests, e.g. {@code 250m}
 * @param memory the memory each worker requests and is limited to, e.g. {@code 512Mi}
 */
public record KubernetesOptions(String image, String namespace, String bootstrap, String cpu, String memory) {

    public KubernetesOptions {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(namespace, "namespace");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("KubernetesOptions.bootstrap: the pods need the Kafka cluster's"
                    + " address, host:port; found none");
        }
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
    }

    /** The {@code sluice/sluice:0.1.0} image, namespace {@code default}, 250m CPU, 512Mi memory. */
    public static KubernetesOptions of(String bootstrap) {
        return new KubernetesOptions("sluice/sluice:0.1.0", "default", bootstrap, "250m", "512Mi");
    }

    public KubernetesOptions withImage(String image) {
        return new KubernetesOptions(image, namespace, bootstrap, cpu, memory);
    }

    public KubernetesOptions withNamespace(String namespace) {
        return new KubernetesOptions(image, namespace, bootstrap, cpu, memory);
    }
}
