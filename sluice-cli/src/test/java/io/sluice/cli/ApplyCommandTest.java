package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sluice.manifests.MockKubernetes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice apply} as a user runs it, against fabric8's Kubernetes mock server in CRUD mode — no cluster runs
 * here; {@link MockKubernetes} says what the mock does of a real API server.
 */
class ApplyCommandTest {

    @TempDir
    Path dir;

    private MockKubernetes kubernetes;
    private StringWriter out;
    private StringWriter err;

    @BeforeEach
    void start() {
        kubernetes = new MockKubernetes(dir);
    }

    @AfterEach
    void stop() {
        kubernetes.close();
    }

    private int sluice(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private String kubeconfig() {
        return kubernetes.kubeconfig().toString();
    }

    private int deployments() {
        try (KubernetesClient client = kubernetes.client()) {
            return client.apps()
                    .deployments()
                    .inNamespace("streams")
                    .list()
                    .getItems()
                    .size();
        }
    }

    @Test
    void applyingAPipelineGeneratesItsManifestsAndAppliesThemOnceForAll() {
        int first = sluice(
                "apply", "../examples/wordcount.yaml", "--bootstrap", "kafka:9092", "--kubeconfig", kubeconfig());

        assertThat(first).as(err.toString()).isZero();
        assertThat(out.toString())
                .startsWith("Applying 8 resources to context 'mock' (" + kubernetes.server()
                        + ") as field manager 'sluice'\n")
                .contains(
                        "  ConfigMap streams/wordcount-pipeline: created\n",
                        "  Deployment streams/wordcount-count: created\n",
                        "  Service streams/wordcount-api: created\n")
                .endsWith("Applied: 8 created, 0 changed, 0 unchanged\n");
        assertThat(deployments())
                .as("a Deployment per node and the API's, in the context's namespace")
                .isEqualTo(5);

        int again = sluice(
                "apply", "../examples/wordcount.yaml", "--bootstrap", "kafka:9092", "--kubeconfig", kubeconfig());

        assertThat(again).as(err.toString()).isZero();
        assertThat(out.toString()).endsWith("Applied: 0 created, 0 changed, 8 unchanged\n");
    }

    @Test
    void aDryRunPrintsWhatWouldChangeAndChangesNothing() {
        sluice("apply", "../examples/wordcount.yaml", "--bootstrap", "kafka:9092", "--kubeconfig", kubeconfig());

        int dry = sluice(
                "apply",
                "../examples/wordcount.yaml",
                "--bootstrap",
                "kafka:9092",
                "--image",
                "sluice/sluice:0.2.0",
                "--dry-run",
                "--kubeconfig",
                kubeconfig());

        assertThat(dry).as(err.toString()).isZero();
        assertThat(out.toString())
                .startsWith("Dry run of 8 resources to context 'mock' (" + kubernetes.server()
                        + ") as field manager 'sluice'; nothing is changed\n")
                .contains(
                        "  ConfigMap streams/wordcount-pipeline: unchanged\n",
                        "  Deployment streams/wordcount-count: would change spec.template.spec.containers[0].image\n")
                .endsWith("Dry run: 0 to create, 6 to change, 2 unchanged\n");
        try (KubernetesClient client = kubernetes.client()) {
            assertThat(client.apps().deployments().inNamespace("streams").list().getItems())
                    .allSatisfy(d -> assertThat(d.getSpec()
                                    .getTemplate()
                                    .getSpec()
                                    .getContainers()
                                    .get(0)
                                    .getImage())
                            .isEqualTo("sluice/sluice:0.1.0"));
        }
    }

    @Test
    void whatGenerateWroteIsAppliedFromTheFileOrTheDirectory() {
        Path generated = dir.resolve("k8s");
        assertThat(sluice(
                        "generate",
                        "k8s",
                        "../examples/wordcount.yaml",
                        "-o",
                        generated.toString(),
                        "--bootstrap",
                        "kafka:9092",
                        "--namespace",
                        "streams"))
                .isZero();

        assertThat(sluice("apply", generated.toString(), "--kubeconfig", kubeconfig()))
                .as(err.toString())
                .isZero();
        assertThat(out.toString()).endsWith("Applied: 8 created, 0 changed, 0 unchanged\n");
        assertThat(sluice(
                        "apply",
                        generated.resolve("wordcount-kubernetes.yaml").toString(),
                        "--kubeconfig",
                        kubeconfig()))
                .isZero();
        assertThat(out.toString()).endsWith("Applied: 0 created, 0 changed, 8 unchanged\n");

        assertThat(sluice("apply", generated.toString(), "--namespace", "batch", "--kubeconfig", kubeconfig()))
                .isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString().strip())
                .isEqualTo("sluice: ConfigMap 'wordcount-pipeline' is in namespace 'streams', not in 'batch' as"
                        + " --namespace asks; generate it for 'batch', or apply it without --namespace");
        assertThat(sluice("apply", generated.toString(), "--bootstrap", "kafka:9092", "--kubeconfig", kubeconfig()))
                .isEqualTo(Main.EXIT_USAGE);
    }

    @Test
    void aScheduledPipelineIsAppliedAsItsCronJob() throws Exception {
        Path file = dir.resolve("nightly.yaml");
        Files.writeString(file, """
                graph: nightly
                nodes:
                  - {id: numbers, source: generator, count: 3}
                  - {id: out, sink: collect}
                edges: [numbers -> out]
                runtime: {schedule: "0 3 * * *", bootstrap: "kafka:9092"}
                """);

        assertThat(sluice("apply", file.toString(), "--kubeconfig", kubeconfig()))
                .as(err.toString())
                .isZero();

        assertThat(out.toString()).contains("  CronJob streams/nightly: created\n");
        try (KubernetesClient client = kubernetes.client()) {
            assertThat(client.batch()
                            .v1()
                            .cronjobs()
                            .inNamespace("streams")
                            .withName("nightly")
                            .get()
                            .getSpec()
                            .getSchedule())
                    .isEqualTo("0 3 * * *");
        }
        assertThat(deployments()).isZero();
    }

    @Test
    void noKubeConfigAnUnreachableClusterAndAForbiddenChangeAreOneClearLineEach() throws Exception {
        Path missing = dir.resolve("missing");
        assertThat(sluice(
                        "apply",
                        "../examples/wordcount.yaml",
                        "--bootstrap",
                        "k:9092",
                        "--kubeconfig",
                        missing.toString()))
                .isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString().strip()).isEqualTo("sluice: Kube config " + missing + " does not exist");

        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Path down = dir.resolve("down");
        Files.writeString(down, MockKubernetes.kubeconfig("http://127.0.0.1:" + closed));
        assertThat(sluice(
                        "apply",
                        "../examples/wordcount.yaml",
                        "--bootstrap",
                        "k:9092",
                        "--kubeconfig",
                        down.toString()))
                .isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString())
                .startsWith("sluice: Cannot reach the cluster of context 'mock' at http://127.0.0.1:" + closed
                        + ": connection refused")
                .doesNotContain("\tat ");

        String denied = "configmaps \"wordcount-pipeline\" is forbidden: User \"tester\" cannot patch resource"
                + " \"configmaps\" in API group \"\" in the namespace \"streams\"";
        kubernetes
                .mock()
                .expect()
                .patch()
                .withPath("/api/v1/namespaces/streams/configmaps/wordcount-pipeline?fieldManager=sluice")
                .andReturn(
                        403,
                        new StatusBuilder()
                                .withStatus("Failure")
                                .withReason("Forbidden")
                                .withCode(403)
                                .withMessage(denied)
                                .build())
                .once();
        assertThat(sluice("apply", "../examples/wordcount.yaml", "--bootstrap", "k:9092", "--kubeconfig", kubeconfig()))
                .isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString().strip())
                .isEqualTo("sluice: Forbidden: the cluster of context 'mock' at " + kubernetes.server() + " does not"
                        + " allow this account to apply ConfigMap 'wordcount-pipeline' in namespace 'streams': "
                        + denied + "; sluice apply needs get and patch (create for new resources) on what it applies");
    }
}
