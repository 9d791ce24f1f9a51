package io.sluice.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sluice.ComputationalGraph;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.SluiceException;
import io.sluice.Sources;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice apply}'s cluster side against fabric8's Kubernetes mock server in CRUD mode (see {@link
 * MockKubernetes} for what it does and does not do of a real API server).
 */
class KubernetesClusterTest {

    @TempDir
    Path dir;

    private MockKubernetes kubernetes;

    @BeforeEach
    void start() {
        kubernetes = new MockKubernetes(dir);
    }

    @AfterEach
    void stop() {
        kubernetes.close();
    }

    private static ComputationalGraph graph() {
        return ComputationalGraph.builder("shop")
                .start("orders", Sources.collection(List.of(1)))
                .map("price_check", (Integer i) -> i)
                .parallelism(3)
                .end("ledger", Sinks.collect())
                .edge("orders -> price_check", Partitioning.roundRobin())
                .edge("price_check -> ledger")
                .build();
    }

    private static List<HasMetadata> manifests(String image) {
        return KubernetesManifests.generate(
                graph(),
                "graph: shop\n",
                KubernetesOptions.of("kafka:9092").withNamespace("streams").withImage(image));
    }

    private ApplyOptions options() {
        return ApplyOptions.defaults().withKubeconfig(kubernetes.kubeconfig());
    }

    private ApplyResult apply(List<HasMetadata> resources, ApplyOptions options) {
        try (KubernetesCluster cluster = KubernetesCluster.connect(options)) {
            return cluster.apply(resources);
        }
    }

    private static Map<String, ApplyResult.Change> changes(ApplyResult result) {
        return result.resources().stream()
                .collect(Collectors.toMap(
                        r -> r.kind() + " " + r.name(),
                        ApplyResult.Resource::change,
                        (a, b) -> a,
                        java.util.TreeMap::new));
    }

    private Map<String, String> images() {
        try (KubernetesClient client = kubernetes.client()) {
            return client.apps().deployments().inNamespace("streams").list().getItems().stream()
                    .collect(Collectors.toMap(
                            d -> d.getMetadata().getName(),
                            d -> d.getSpec()
                                    .getTemplate()
                                    .getSpec()
                                    .getContainers()
                                    .get(0)
                                    .getImage(),
                            (a, b) -> a,
                            java.util.TreeMap::new));
        }
    }

    @Test
    void applyCreatesEveryResourceAndApplyingAgainChangesNothing() {
        ApplyResult first = apply(manifests("sluice/sluice:1"), options());

        assertThat(first.context()).isEqualTo("mock");
        assertThat(first.server()).isEqualTo(kubernetes.server());
        assertThat(first.dryRun()).isFalse();
        assertThat(first.resources())
                .extracting(r -> r.kind() + " " + r.namespace() + "/" + r.name() + " " + r.change())
                .containsExactly(
                        "ConfigMap streams/shop-pipeline CREATED",
                        "Job streams/shop-topics CREATED",
                        "Deployment streams/shop-orders CREATED",
                        "Deployment streams/shop-price-check CREATED",
                        "Deployment streams/shop-ledger CREATED",
                        "Deployment streams/shop-api CREATED",
                        "Service streams/shop-api CREATED");
        assertThat(images()).containsOnlyKeys("shop-api", "shop-ledger", "shop-orders", "shop-price-check");
        assertThat(kubernetes.applies())
                .as("every resource by server-side apply, as field manager sluice, conflicts refused")
                .hasSize(7)
                .allSatisfy(query -> assertThat(query).isEqualTo("fieldManager=sluice"));
        Deployment before = deployment("shop-orders");

        ApplyResult second = apply(manifests("sluice/sluice:1"), options());

        assertThat(second.resources())
                .allSatisfy(r ->
                        assertThat(r.change()).as(r.kind() + " " + r.name()).isEqualTo(ApplyResult.Change.UNCHANGED));
        assertThat(deployment("shop-orders").getSpec()).isEqualTo(before.getSpec());
        assertThat(deployment("shop-orders").getMetadata().getLabels())
                .isEqualTo(before.getMetadata().getLabels());
    }

    private Deployment deployment(String name) {
        try (KubernetesClient client = kubernetes.client()) {
            return client.apps()
                    .deployments()
                    .inNamespace("streams")
                    .withName(name)
                    .get();
        }
    }

    @Test
    void aChangeIsReportedByTheFieldsThatChanged() {
        apply(manifests("sluice/sluice:1"), options());

        ApplyResult result = apply(manifests("sluice/sluice:2"), options());

        assertThat(changes(result))
                .containsEntry("ConfigMap shop-pipeline", ApplyResult.Change.UNCHANGED)
                .containsEntry("Service shop-api", ApplyResult.Change.UNCHANGED)
                .containsEntry("Deployment shop-orders", ApplyResult.Change.CHANGED)
                .containsEntry("Job shop-topics", ApplyResult.Change.CHANGED);
        assertThat(result.resources())
                .filteredOn(r -> r.name().equals("shop-orders"))
                .singleElement()
                .satisfies(r -> assertThat(r.fields()).containsExactly("spec.template.spec.containers[0].image"));
        assertThat(images()).containsValue("sluice/sluice:2").doesNotContainValue("sluice/sluice:1");
    }

    @Test
    void aDryRunSaysWhatWouldChangeAndChangesNothing() {
        ApplyResult onEmpty = apply(manifests("sluice/sluice:1"), options().withDryRun(true));

        assertThat(onEmpty.dryRun()).isTrue();
        assertThat(onEmpty.count(ApplyResult.Change.CREATED)).isEqualTo(7);
        assertThat(images()).as("nothing stored").isEmpty();
        assertThat(kubernetes.applies()).allSatisfy(query -> assertThat(query).contains("dryRun=All"));

        apply(manifests("sluice/sluice:1"), options());
        ApplyResult upgrade = apply(manifests("sluice/sluice:2"), options().withDryRun(true));

        assertThat(upgrade.count(ApplyResult.Change.CHANGED)).isEqualTo(5); // the topic Job and four Deployments
        assertThat(upgrade.count(ApplyResult.Change.UNCHANGED)).isEqualTo(2);
        assertThat(upgrade.resources())
                .filteredOn(r -> r.change() == ApplyResult.Change.CHANGED)
                .allSatisfy(r -> assertThat(r.fields()).containsExactly("spec.template.spec.containers[0].image"));
        assertThat(images())
                .as("still the first image")
                .containsOnly(
                        Map.entry("shop-api", "sluice/sluice:1"),
                        Map.entry("shop-ledger", "sluice/sluice:1"),
                        Map.entry("shop-orders", "sluice/sluice:1"),
                        Map.entry("shop-price-check", "sluice/sluice:1"));
    }

    @Test
    void resourcesWithoutANamespaceGoToTheOptionsOrTheContexts() {
        List<HasMetadata> resources = manifests("sluice/sluice:1");
        resources.forEach(r -> r.getMetadata().setNamespace(null));

        try (KubernetesCluster cluster = KubernetesCluster.connect(options())) {
            assertThat(cluster.namespace()).as("the context's").isEqualTo("streams");
            assertThat(cluster.apply(resources).resources())
                    .allSatisfy(r -> assertThat(r.namespace()).isEqualTo("streams"));
        }
        try (KubernetesCluster cluster = KubernetesCluster.connect(options().withNamespace("batch"))) {
            assertThat(cluster.apply(resources).resources())
                    .allSatisfy(r -> assertThat(r.namespace()).isEqualTo("batch"));
        }
        assertThat(images()).hasSize(4);
    }

    @Test
    void aResourceOfAnotherNamespaceThanAskedIsRefused() {
        assertThatThrownBy(() -> apply(manifests("sluice/sluice:1"), options().withNamespace("batch")))
                .isInstanceOf(SluiceException.class)
                .hasMessage("ConfigMap 'shop-pipeline' is in namespace 'streams', not in 'batch' as --namespace asks;"
                        + " generate it for 'batch', or apply it without --namespace");
        assertThat(kubernetes.applies()).isEmpty();
    }

    @Test
    void aMissingKubeConfigIsNamed() {
        Path missing = dir.resolve("nowhere/config");

        assertThatThrownBy(
                        () -> KubernetesCluster.connect(ApplyOptions.defaults().withKubeconfig(missing)))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Kube config " + missing + " does not exist");

        String before = System.getProperty("kubeconfig");
        System.setProperty("kubeconfig", missing.toString()); // how fabric8 and kubectl's KUBECONFIG are told
        try {
            assertThatThrownBy(() -> KubernetesCluster.connect(ApplyOptions.defaults()))
                    .isInstanceOf(SluiceException.class)
                    .hasMessage(
                            "No kube config: " + missing + " does not exist, and this is not a pod; set"
                                    + " KUBECONFIG, pass --kubeconfig FILE, or configure kubectl (kubectl config set-cluster …)");
        } finally {
            if (before == null) {
                System.clearProperty("kubeconfig");
            } else {
                System.setProperty("kubeconfig", before);
            }
        }
    }

    @Test
    void aContextTheKubeConfigDoesNotHaveIsNamedWithThoseItHas() {
        assertThatThrownBy(() -> KubernetesCluster.connect(options().withContext("prod")))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Kube config " + kubernetes.kubeconfig() + " has no context 'prod'; its contexts: [mock]");
    }

    @Test
    void aClusterThatDoesNotAnswerIsNamedWithItsContextAndServer() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Path config = dir.resolve("down");
        String server = "http://127.0.0.1:" + closed;
        Files.writeString(config, MockKubernetes.kubeconfig(server));

        assertThatThrownBy(
                        () -> KubernetesCluster.connect(ApplyOptions.defaults().withKubeconfig(config)))
                .isInstanceOf(SluiceException.class)
                .hasMessageStartingWith(
                        "Cannot reach the cluster of context 'mock' at " + server + ": connection refused")
                .hasMessageEndingWith("; check that it is up and that 'mock' is the context you mean (--context,"
                        + " kubectl config current-context)");
    }

    @Test
    void aForbiddenReadOrApplyNamesTheResourceTheContextAndTheServersWords() {
        String denied = "deployments.apps \"shop-orders\" is forbidden: User \"tester\" cannot get resource"
                + " \"deployments\" in API group \"apps\" in the namespace \"streams\"";
        kubernetes
                .mock()
                .expect()
                .get()
                .withPath("/apis/apps/v1/namespaces/streams/deployments/shop-orders")
                .andReturn(403, forbidden(denied))
                .once();

        assertThatThrownBy(() -> apply(manifests("sluice/sluice:1"), options()))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Forbidden: the cluster of context 'mock' at " + kubernetes.server() + " does not allow"
                        + " this account to read Deployment 'shop-orders' in namespace 'streams': " + denied
                        + "; sluice apply needs get and patch (create for new resources) on what it applies");
        assertThat(kubernetes.applies())
                .as("the ConfigMap and the Job went before")
                .hasSize(2);

        String patchDenied = "services \"shop-api\" is forbidden: User \"tester\" cannot patch resource \"services\""
                + " in API group \"\" in the namespace \"streams\"";
        kubernetes
                .mock()
                .expect()
                .patch()
                .withPath("/api/v1/namespaces/streams/services/shop-api?fieldManager=sluice")
                .andReturn(403, forbidden(patchDenied))
                .once();

        assertThatThrownBy(() -> apply(manifests("sluice/sluice:1"), options()))
                .hasMessage("Forbidden: the cluster of context 'mock' at " + kubernetes.server() + " does not allow"
                        + " this account to apply Service 'shop-api' in namespace 'streams': " + patchDenied
                        + "; sluice apply needs get and patch (create for new resources) on what it applies");
    }

    @Test
    void aMissingNamespaceIsNamed() {
        kubernetes
                .mock()
                .expect()
                .patch()
                .withPath("/api/v1/namespaces/streams/configmaps/shop-pipeline?fieldManager=sluice")
                .andReturn(
                        404,
                        new StatusBuilder()
                                .withStatus("Failure")
                                .withReason("NotFound")
                                .withCode(404)
                                .withMessage("namespaces \"streams\" not found")
                                .withNewDetails()
                                .withKind("namespaces")
                                .withName("streams")
                                .endDetails()
                                .build())
                .once();

        assertThatThrownBy(() -> apply(manifests("sluice/sluice:1"), options()))
                .hasMessage("Namespace 'streams' does not exist in the cluster of context 'mock' at "
                        + kubernetes.server() + "; create it (kubectl create namespace streams) or choose another"
                        + " (--namespace)");
    }

    @Test
    void fieldsAnotherManagerOwnsAreTakenOverOnlyWhenAskedTo() {
        apply(manifests("sluice/sluice:1"), options());
        String conflict = "Apply failed with 1 conflict: conflict with \"kubectl\" using apps/v1: .spec.replicas";
        kubernetes
                .mock()
                .expect()
                .patch()
                .withPath("/apis/apps/v1/namespaces/streams/deployments/shop-orders?fieldManager=sluice")
                .andReturn(
                        409,
                        new StatusBuilder()
                                .withStatus("Failure")
                                .withReason("Conflict")
                                .withCode(409)
                                .withMessage(conflict)
                                .build())
                .once();

        assertThatThrownBy(() -> apply(manifests("sluice/sluice:1"), options()))
                .hasMessage("Conflict: the cluster of context 'mock' at " + kubernetes.server() + " refused to apply"
                        + " Deployment 'shop-orders' in namespace 'streams': " + conflict + "; another field manager"
                        + " owns these fields: let sluice take them over with --force-conflicts");

        ApplyResult forced = apply(manifests("sluice/sluice:1"), options().withForceConflicts(true));

        assertThat(forced.count(ApplyResult.Change.UNCHANGED)).isEqualTo(7);
        List<String> applies = kubernetes.applies();
        assertThat(applies.subList(applies.size() - 7, applies.size()))
                .allSatisfy(query -> assertThat(query).isEqualTo("fieldManager=sluice&force=true"));
    }

    @Test
    void aJobTheClusterWillNotChangeIsRefusedWithTheWayOut() {
        apply(manifests("sluice/sluice:1"), options());
        String invalid =
                "Job.batch \"shop-topics\" is invalid: spec.template: Invalid value: \"…\": field is immutable";
        kubernetes
                .mock()
                .expect()
                .patch()
                .withPath("/apis/batch/v1/namespaces/streams/jobs/shop-topics?fieldManager=sluice")
                .andReturn(
                        422,
                        new StatusBuilder()
                                .withStatus("Failure")
                                .withReason("Invalid")
                                .withCode(422)
                                .withMessage(invalid)
                                .build())
                .once();

        assertThatThrownBy(() -> apply(manifests("sluice/sluice:2"), options()))
                .hasMessage("The cluster of context 'mock' at " + kubernetes.server() + " refused to apply Job"
                        + " 'shop-topics' in namespace 'streams': 422 " + invalid + "; a Job cannot be changed once"
                        + " created: delete it (kubectl delete job shop-topics -n streams) and apply again");
    }

    private static io.fabric8.kubernetes.api.model.Status forbidden(String message) {
        return new StatusBuilder()
                .withStatus("Failure")
                .withReason("Forbidden")
                .withCode(403)
                .withMessage(message)
                .build();
    }

    @Test
    void generatedFilesReadBackAsTheResourcesTheyHold() throws Exception {
        List<HasMetadata> generated = manifests("sluice/sluice:1");
        Path file = dir.resolve("shop-kubernetes.yaml");
        Files.writeString(file, KubernetesManifests.yaml(generated));
        Path pipeline = dir.resolve("pipeline.yaml");
        Files.writeString(pipeline, "graph: shop\nnodes: []\n");

        assertThat(KubernetesManifests.holdsManifests(file)).isTrue();
        assertThat(KubernetesManifests.holdsManifests(dir)).isTrue();
        assertThat(KubernetesManifests.holdsManifests(pipeline)).isFalse();
        assertThat(KubernetesManifests.read(file)).isEqualTo(generated);
        assertThatThrownBy(() -> KubernetesManifests.read(dir))
                .as("a directory's every YAML file must be a manifest")
                .hasMessage(pipeline + ": not a Kubernetes resource (no apiVersion and kind); sluice apply takes what"
                        + " sluice generate k8s writes, or a pipeline file");
    }
}
