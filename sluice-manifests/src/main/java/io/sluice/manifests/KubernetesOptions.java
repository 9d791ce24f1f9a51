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
 */
public record KubernetesOptions(
        String image,
        String namespace,
        String bootstrap,
        String cpu,
        String memory,
        String apiTokenSecret,
        String schedule) {

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
        return new KubernetesOptions("sluice/sluice:0.1.0", "default", bootstrap, "250m", "512Mi", null, null);
    }

    public KubernetesOptions withImage(String image) {
        return new KubernetesOptions(image, namespace, bootstrap, cpu, memory, apiTokenSecret, schedule);
    }

    public KubernetesOptions withNamespace(String namespace) {
        return new KubernetesOptions(image, namespace, bootstrap, cpu, memory, apiTokenSecret, schedule);
    }

    /**
     * Runs the pipeline as a batch at the times of a five-field cron expression, in UTC ({@code "0 3 * * *"}: every day
     * at 03:00): a CronJob instead of Deployments. {@code null} runs it until stopped.
     *
     * @throws IllegalArgumentException if the expression is not one, naming the field at fault
     */
    public KubernetesOptions withSchedule(String schedule) {
        return new KubernetesOptions(image, namespace, bootstrap, cpu, memory, apiTokenSecret, schedule);
    }

    /** The Secret holding the API's token under the key {@code token}, instead of {@code <graph>-api-token}. */
    public KubernetesOptions withApiTokenSecret(String apiTokenSecret) {
        return new KubernetesOptions(image, namespace, bootstrap, cpu, memory, apiTokenSecret, schedule);
    }
}
