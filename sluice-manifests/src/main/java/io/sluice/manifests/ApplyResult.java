package io.sluice.manifests;

import java.util.List;
import java.util.Objects;

/**
 * What {@link KubernetesCluster#apply} did, or with a dry run would do, to each resource.
 *
 * @param context the kube config context applied to
 * @param server the API server's address
 * @param dryRun whether nothing was changed
 * @param resources each resource in the order applied
 */
public record ApplyResult(String context, String server, boolean dryRun, List<Resource> resources) {

    public ApplyResult {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(server, "server");
        resources = List.copyOf(resources);
    }

    /** What happened to a resource. */
    public enum Change {
        /** It did not exist. */
        CREATED,
        /** It existed and some of its fields changed; {@link Resource#fields()} names them. */
        CHANGED,
        /** It existed as applied. */
        UNCHANGED
    }

    /**
     * One resource.
     *
     * @param kind its kind, such as {@code Deployment}
     * @param namespace its namespace, or {@code null} for a resource of the whole cluster
     * @param name its name
     * @param change what happened to it
     * @param fields for {@link Change#CHANGED}, the paths that changed ({@code spec.template.spec.containers[0].image}),
     *     cut to the first few
     */
    public record Resource(String kind, String namespace, String name, Change change, List<String> fields) {
        public Resource {
            fields = List.copyOf(fields);
        }
    }

    /** How many resources had {@code change}. */
    public long count(Change change) {
        return resources.stream().filter(r -> r.change() == change).count();
    }
}
