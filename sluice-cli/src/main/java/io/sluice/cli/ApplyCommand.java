package io.sluice.cli;

import io.sluice.manifests.ApplyOptions;
import io.sluice.manifests.ApplyResult;
import io.sluice.manifests.KubernetesCluster;
import io.sluice.manifests.KubernetesManifests;
import io.sluice.manifests.KubernetesOptions;
import io.sluice.yaml.Pipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice apply FILE|DIR}: what {@code sluice generate k8s} writes, applied to the cluster of the kube config by
 * server-side apply — from the files it wrote, or generated from a pipeline on the way.
 */
@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        description = "Apply a pipeline's Kubernetes manifests to the cluster of the current kube config context, by"
                + " server-side apply as field manager 'sluice': FILE is a pipeline (the manifests are generated as"
                + " sluice generate k8s would) or what sluice generate k8s wrote (a file, or a directory of them)."
                + " Applying again changes nothing; nothing is deleted. Exit 0 applied, 1 refused or unreachable.")
final class ApplyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE|DIR", description = "a pipeline (YAML), or generated manifests")
    Path path;

    @Option(
            names = "--dry-run",
            description = "ask the cluster what would change (server-side dry run); change nothing")
    boolean dryRun;

    @Option(
            names = {"-n", "--namespace"},
            paramLabel = "NAME",
            description = "the namespace (default: the context's, else default); manifests of another are refused")
    String namespace;

    @Option(names = "--context", paramLabel = "NAME", description = "the kube config context (default: its current)")
    String context;

    @Option(
            names = "--kubeconfig",
            paramLabel = "FILE",
            description = "the kube config (default: KUBECONFIG, else ~/.kube/config, else a pod's service account)")
    Path kubeconfig;

    @Option(
            names = "--force-conflicts",
            description = "take over fields another field manager set (kubectl scale, an operator) instead of refusing")
    boolean forceConflicts;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description =
                    "pipeline: the Kafka cluster as the pods reach it (default: the pipeline's runtime.bootstrap)")
    String bootstrap;

    @Option(
            names = "--image",
            paramLabel = "IMAGE",
            description = "pipeline: the image built from docker/Dockerfile (default: sluice/sluice:0.1.0)")
    String image;

    @Override
    public Integer call() throws IOException {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(path + " does not exist");
        }
        boolean manifests = KubernetesManifests.holdsManifests(path);
        Pipeline pipeline = null;
        String kafka = null;
        if (manifests) {
            if (bootstrap != null || image != null) {
                throw new IllegalArgumentException("--bootstrap and --image shape the manifests of a pipeline; " + path
                        + " holds manifests already (generate them again with sluice generate k8s to change them)");
            }
        } else {
            pipeline = Pipeline.load(path);
            kafka = bootstrap != null ? bootstrap : pipeline.runtime().bootstrap();
            if (kafka == null) {
                throw new IllegalArgumentException(
                        "no Kafka cluster: pass --bootstrap HOST:PORT or set runtime.bootstrap in " + path);
            }
        }
        // Read before connecting: a mistake in the files is reported without a cluster.
        var resources = manifests ? KubernetesManifests.read(path) : null;
        ApplyOptions options = ApplyOptions.defaults()
                .withKubeconfig(kubeconfig)
                .withContext(context)
                .withNamespace(namespace)
                .withDryRun(dryRun)
                .withForceConflicts(forceConflicts);
        PrintWriter out = spec.commandLine().getOut();
        try (KubernetesCluster cluster = KubernetesCluster.connect(options)) {
            if (!manifests) {
                KubernetesOptions generated = KubernetesOptions.of(kafka)
                        .withNamespace(cluster.namespace())
                        .withSchedule(pipeline.runtime().schedule());
                if (image != null) {
                    generated = generated.withImage(image);
                }
                resources = KubernetesManifests.generate(
                        pipeline.graph(), Files.readString(path, StandardCharsets.UTF_8), generated);
            }
            out.println((dryRun ? "Dry run of " : "Applying ") + resources.size() + " resources to context '"
                    + cluster.context() + "' (" + cluster.server() + ") as field manager '"
                    + KubernetesCluster.FIELD_MANAGER + "'" + (dryRun ? "; nothing is changed" : ""));
            out.flush();
            ApplyResult result = cluster.apply(resources, applied -> {
                out.println("  " + line(applied, dryRun));
                out.flush();
            });
            out.printf(
                    Locale.ROOT,
                    dryRun
                            ? "Dry run: %d to create, %d to change, %d unchanged%n"
                            : "Applied: %d created, %d changed," + " %d unchanged%n",
                    result.count(ApplyResult.Change.CREATED),
                    result.count(ApplyResult.Change.CHANGED),
                    result.count(ApplyResult.Change.UNCHANGED));
            out.flush();
        }
        return 0;
    }

    /** {@code Deployment streams/shop-orders: changed spec.template.spec.containers[0].image}. */
    private static String line(ApplyResult.Resource applied, boolean dryRun) {
        String name = applied.kind() + " " + (applied.namespace() == null ? "" : applied.namespace() + "/")
                + applied.name() + ": ";
        return name
                + switch (applied.change()) {
                    case CREATED -> dryRun ? "would be created" : "created";
                    case CHANGED -> (dryRun ? "would change " : "changed ") + String.join(", ", applied.fields());
                    case UNCHANGED -> "unchanged";
                };
    }
}
