package io.sluice.manifests;

import java.nio.file.Path;

/**
 * How {@link KubernetesCluster} reaches a cluster and applies to it.
 *
 * @param kubeconfig the kube config file, or {@code null} for kubectl's: {@code KUBECONFIG}, else {@code
 *     ~/.kube/config}, else — inside a pod — its service account
 * @param context the kube config's context to use, or {@code null} for its current context
 * @param namespace the namespace of resources that name none, and the one a resource naming another is refused
 *     for; {@code null} for the context's namespace, else {@code default}
 * @param dryRun ask the cluster what would change (a server-side dry run) and change nothing
 * @param forceConflicts take over fields another field manager set, instead of refusing to change them
 */
public record ApplyOptions(Path kubeconfig, String context, String namespace, boolean dryRun, boolean forceConflicts) {

    /** kubectl's kube config and its current context and namespace; apply for real; refuse conflicts. */
    public static ApplyOptions defaults() {
        return new ApplyOptions(null, null, null, false, false);
    }

    public ApplyOptions withKubeconfig(Path kubeconfig) {
        return new ApplyOptions(kubeconfig, context, namespace, dryRun, forceConflicts);
    }

    public ApplyOptions withContext(String context) {
        return new ApplyOptions(kubeconfig, context, namespace, dryRun, forceConflicts);
    }

    public ApplyOptions withNamespace(String namespace) {
        return new ApplyOptions(kubeconfig, context, namespace, dryRun, forceConflicts);
    }

    public ApplyOptions withDryRun(boolean dryRun) {
        return new ApplyOptions(kubeconfig, context, namespace, dryRun, forceConflicts);
    }

    public ApplyOptions withForceConflicts(boolean forceConflicts) {
        return new ApplyOptions(kubeconfig, context, namespace, dryRun, forceConflicts);
    }
}
