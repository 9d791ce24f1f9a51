package io.sluice.manifests;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the generated Kubernetes manifests need to know beyond the graph.
 *
 * @param image the worker image, built from the distribution (see {@code docker/Dockerfile})
 * @param namespace the namespace of every resource
 * @param bootstrap the Kafka cluster, as the pods reach it
 * @param cpu the CPU each worker requests, e.g. {@code 250m}
 * @param memory the memory each worker requests and is limited to, e.g. {@code 512Mi}
 * @param apiTokenSecret the Secret, in {@code namespace}, whose key {@code token} holds the API's token; {@code null}
 *     for {@code <graph>-api-token}. The manifests name it and never hold it: create it before applying them (see
 *     {@link KubernetesManifests})
 * @param schedule a five-field cron expression, in UTC, to run the pipeline as a batch at those times — a CronJob
 *     instead of Deployments — or {@code null} to run it until stopped
 * @param instancePerPod whether each instance of a node runs in a pod of its own — a StatefulSet per node with as many
 *     replicas as the node's parallelism, each pod running the instance its ordinal names — rather than every instance
 *     of a node in one pod of a Deployment
 */
public record KubernetesOptions(
        String image,
        String namespace,
        String bootstrap,
        String cpu,
        String memory,
        String apiTokenSecret,
        String schedule,
        boolean instancePerPod) {

    /** A DNS-1123 subdomain, as Kubernetes names Secrets. */
    private static final Pattern SECRET_NAME =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    public KubernetesOptions {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(namespace, "namespace");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("KubernetesOptions.bootstrap: the pods need the Kafka cluster's"
                    + " address, host:port; found none");
        }
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
        if (apiTokenSecret != null
                && (apiTokenSecret.length() > 253
                        || !SECRET_NAME.matcher(apiTokenSecret).matches())) {
            throw new IllegalArgumentException("KubernetesOptions.apiTokenSecret: must be a Kubernetes name (lower case"
                    + " letters, digits, '-' and '.', at most 253), found '" + apiTokenSecret + "'");
        }
        if (schedule != null) {
            try {
                schedule = Cron.parse(schedule).toString();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("KubernetesOptions.schedule: " + e.getMessage(), e);
            }
        }
    }

    /** As the canonical constructor, every instance of a node in one pod. */
    public KubernetesOptions(
            String image,
            String namespace,
            String bootstrap,
            String cpu,
            String memory,
            String apiTokenSecret,
            String schedule) {
        this(image, namespace, bootstrap, cpu, memory, apiTokenSecret, schedule, false);
    }

    /** As the canonical constructor, with no schedule. */
    public KubernetesOptions(
            String image, String namespace, String bootstrap, String cpu, String memory, String apiTokenSecret) {
        this(image, namespace, bootstrap, cpu, memory, apiTokenSecret, null);
    }

    /**
     * The {@code sluice/sluice:0.1.0} image, namespace {@code default}, 250m CPU, 512Mi memory, the API's token in the
     * Secret {@code <graph>-api-token}.
     */
    public static KubernetesOptions of(String bootstrap) {
        return new KubernetesOptions("sluice/sluice:0.1.0", "default", bootstrap, "250m", "512Mi", null, null, false);
    }

    public KubernetesOptions withImage(String image) {
        return new KubernetesOptions(
                image, namespace, bootstrap, cpu, memory, apiTokenSecret, schedule, instancePerPod);
    }

    public KubernetesOptions withNamespace(String namespace) {
        return new KubernetesOptions(
                image, namespace, bootstrap, cpu, memory, apiTokenSecret, schedule, instancePerPod);
    }

    /**
     * Runs the pipeline as a batch at the times of a five-field cron expression, in UTC ({@code "0 3 * * *"}: every day
     * at 03:00): a CronJob instead of Deployments. {@code null} runs it until stopped.
     *
     * @throws IllegalArgumentException if the expression is not one, naming the field at fault
     */
    public KubernetesOptions withSchedule(String schedule) {
        return new KubernetesOptions(
                image, namespace, bootstrap, cpu, memory, apiTokenSecret, schedule, instancePerPod);
    }

    /** The Secret holding the API's token under the key {@code token}, instead of {@code <graph>-api-token}. */
    public KubernetesOptions withApiTokenSecret(String apiTokenSecret) {
        return new KubernetesOptions(
                image, namespace, bootstrap, cpu, memory, apiTokenSecret, schedule, instancePerPod);
    }

    /**
     * Runs each instance of a node in a pod of its own: a StatefulSet per node with as many replicas as its
     * parallelism, whose pods run {@code sluice worker --instance ordinal}, so a node of parallelism 8 can use 8
     * machines. A headless Service per node governs its StatefulSet.
     */
    public KubernetesOptions withInstancePerPod(boolean instancePerPod) {
        return new KubernetesOptions(
                image, namespace, bootstrap, cpu, memory, apiTokenSecret, schedule, instancePerPod);
    }
}
