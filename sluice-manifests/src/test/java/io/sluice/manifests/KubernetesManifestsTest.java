package io.sluice.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.sluice.ComputationalGraph;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.Sources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KubernetesManifestsTest {

    private static final String PIPELINE = "graph: shop\n# the pipeline file as the user wrote it\n";

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

    private static String generated() {
        return KubernetesManifests.yaml(KubernetesManifests.generate(
                graph(), PIPELINE, KubernetesOptions.of("kafka:9092").withNamespace("streams")));
    }

    @Test
    void manifestsMatchTheGoldenFile() throws Exception {
        Path golden = Path.of("src/test/resources/golden/shop-kubernetes.yaml");
        String text = generated();
        if (!Files.exists(golden)) {
            Files.writeString(golden, text);
        }
        assertThat(text).isEqualTo(Files.readString(golden));
    }

    @Test
    void manifestsParseBackIntoValidKubernetesObjects() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(generated())) {
            it.forEachRemaining(documents::add);
        }
        assertThat(documents)
                .extracting(d -> d.get("kind").asText())
                .containsExactly("ConfigMap", "Job", "Deployment", "Deployment", "Deployment", "Deployment", "Service");

        ConfigMap config = yaml.treeToValue(documents.get(0), ConfigMap.class);
        assertThat(config.getData()).containsEntry("pipeline.yaml", PIPELINE);
        Job topics = yaml.treeToValue(documents.get(1), Job.class);
        assertThat(topics.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .containsExactly(
                        "kafka",
                        "plan",
                        "/etc/sluice/pipeline.yaml",
                        "--create",
                        "--on-existing",
                        "continue",
                        "--bootstrap",
                        "kafka:9092");

        Deployment worker = yaml.treeToValue(documents.get(3), Deployment.class);
        assertThat(worker.getMetadata().getName()).isEqualTo("shop-price-check");
        assertThat(worker.getMetadata().getNamespace()).isEqualTo("streams");
        assertThat(worker.getSpec().getSelector().getMatchLabels())
                .isEqualTo(worker.getSpec().getTemplate().getMetadata().getLabels());
        Container container =
                worker.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getArgs())
                .containsExactly(
                        "worker",
                        "/etc/sluice/pipeline.yaml",
                        "--node",
                        "price_check",
                        "--bootstrap",
                        "kafka:9092",
                        "--health-port",
                        "8081");
        assertThat(documents
                        .get(3)
                        .at("/spec/template/spec/containers/0/args/7")
                        .isTextual())
                .as("numbers in args stay strings, as Kubernetes requires")
                .isTrue();
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
        assertThat(container.getLivenessProbe().getHttpGet().getPort().getIntVal())
                .isEqualTo(8081);
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");

        Service api = yaml.treeToValue(documents.get(6), Service.class);
        assertThat(api.getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
        Deployment coordinator = yaml.treeToValue(documents.get(5), Deployment.class);
        assertThat(api.getSpec().getSelector())
                .isEqualTo(coordinator.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void nodeIdsThatCollideAsKubernetesNamesAreRefused() {
        ComputationalGraph graph = ComputationalGraph.builder("g")
                .start("a_b", Sources.collection(List.of(1)))
                .end("a-b", Sinks.collect())
                .edge("a_b -> a-b")
                .build();

        assertThatThrownBy(() -> KubernetesManifests.generate(graph, "", KubernetesOptions.of("k:1")))
                .hasMessage("Nodes 'a_b' and 'a-b' both become the Kubernetes name 'g-a-b' (lower case, '-' for '_');"
                        + " rename one");
    }
}
