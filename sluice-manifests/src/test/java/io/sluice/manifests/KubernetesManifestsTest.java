package io.sluice.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
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
        assertThat(documents
                        .get(5)
                        .at("/spec/template/spec/containers/0/env/0/valueFrom/secretKeyRef/name")
                        .asText())
                .isEqualTo("shop-api-token");
    }

    @Test
    void withAnInstancePerPodEachNodeIsAStatefulSetWhoseOrdinalIsTheInstance() throws Exception {
        String text = KubernetesManifests.yaml(KubernetesManifests.generate(
                graph(),
                PIPELINE,
                KubernetesOptions.of("kafka:9092").withNamespace("streams").withInstancePerPod(true)));

        // parsed back through fabric8's model, as kubectl would read the file
        List<HasMetadata> resources = new ArrayList<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNext()) {
                JsonNode document = it.next();
                Class<? extends HasMetadata> type =
                        switch (document.get("kind").asText()) {
                            case "StatefulSet" -> io.fabric8.kubernetes.api.model.apps.StatefulSet.class;
                            case "Service" -> Service.class;
                            case "Deployment" -> Deployment.class;
                            case "Job" -> Job.class;
                            default -> ConfigMap.class;
                        };
                resources.add(yaml.treeToValue(document, type));
            }
        }
        List<io.fabric8.kubernetes.api.model.apps.StatefulSet> sets = resources.stream()
                .filter(r -> r instanceof io.fabric8.kubernetes.api.model.apps.StatefulSet)
                .map(r -> (io.fabric8.kubernetes.api.model.apps.StatefulSet) r)
                .toList();
        assertThat(sets)
                .extracting(s -> s.getMetadata().getName())
                .containsExactly("shop-orders", "shop-price-check", "shop-ledger");

        io.fabric8.kubernetes.api.model.apps.StatefulSet priceCheck = sets.get(1);
        // one pod per instance: replicas equal the node's parallelism, started together
        assertThat(priceCheck.getSpec().getReplicas()).isEqualTo(3);
        assertThat(priceCheck.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(priceCheck.getSpec().getSelector().getMatchLabels())
                .isEqualTo(priceCheck.getSpec().getTemplate().getMetadata().getLabels());
        // governed by a headless Service of its name, selecting its pods
        Service governing = resources.stream()
                .filter(r -> r instanceof Service
                        && r.getMetadata().getName().equals(priceCheck.getSpec().getServiceName()))
                .map(r -> (Service) r)
                .findFirst()
                .orElseThrow();
        assertThat(governing.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(governing.getSpec().getSelector())
                .isEqualTo(priceCheck.getSpec().getSelector().getMatchLabels());
        // the ordinal wiring: the pod's name reaches the worker, which takes its instance from it
        Container worker =
                priceCheck.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(worker.getArgs()).containsSequence("--node", "price_check").endsWith("--instance", "ordinal");
        assertThat(worker.getEnv()).singleElement().satisfies(env -> {
            assertThat(env.getName()).isEqualTo("SLUICE_POD_NAME");
            assertThat(env.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        });
        assertThat(worker.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
        assertThat(resources)
                .noneMatch(r ->
                        r instanceof Deployment && !r.getMetadata().getName().equals("shop-api"));
    }

    @Test
    void theApiReadsItsTokenFromASecretTheManifestsNameButDoNotHold() {
        List<HasMetadata> resources = KubernetesManifests.generate(
                graph(), PIPELINE, KubernetesOptions.of("kafka:9092").withNamespace("streams"));

        assertThat(resources).extracting(HasMetadata::getKind).doesNotContain("Secret");
        Container api = container(resources, "shop-api");
        assertThat(api.getArgs()).containsSequence("--host", "0.0.0.0").doesNotContain("--token");
        assertThat(api.getEnv()).hasSize(1);
        EnvVar token = api.getEnv().get(0);
        assertThat(token.getName()).isEqualTo("SLUICE_API_TOKEN");
        assertThat(token.getValue()).as("never the token itself").isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("shop-api-token");
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
        assertThat(token.getValueFrom().getSecretKeyRef().getOptional())
                .as("no Secret, no API: it does not start with a token nobody chose")
                .isNotEqualTo(Boolean.TRUE);
        assertThat(container(resources, "shop-orders").getEnv())
                .as("workers serve no API")
                .isEmpty();
    }

    @Test
    void theApiProbesAskTheRoutesThatNeedNoToken() {
        Container api = container(
                KubernetesManifests.generate(graph(), PIPELINE, KubernetesOptions.of("kafka:9092")), "shop-api");

        for (Probe probe : List.of(api.getLivenessProbe(), api.getReadinessProbe())) {
            // The API serves /health/live and /health/ready to anyone; every other route needs the token.
            assertThat(probe.getHttpGet().getPath()).isIn("/health/live", "/health/ready");
            assertThat(probe.getHttpGet().getHttpHeaders()).isEmpty();
        }
    }

    @Test
    void theTokenSecretCanBeNamed() {
        Container api = container(
                KubernetesManifests.generate(
                        graph(), PIPELINE, KubernetesOptions.of("kafka:9092").withApiTokenSecret("sluice.shop-token")),
                "shop-api");

        assertThat(api.getEnv().get(0).getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("sluice.shop-token");
        assertThatThrownBy(() -> KubernetesOptions.of("kafka:9092").withApiTokenSecret("Shop_Token"))
                .hasMessage("KubernetesOptions.apiTokenSecret: must be a Kubernetes name (lower case letters, digits,"
                        + " '-' and '.', at most 253), found 'Shop_Token'");
    }

    private static Container container(List<HasMetadata> resources, String deployment) {
        return resources.stream()
                .filter(r ->
                        r instanceof Deployment && r.getMetadata().getName().equals(deployment))
                .map(r -> ((Deployment) r)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0))
                .findFirst()
                .orElseThrow();
    }

    private static String scheduled() {
        return KubernetesManifests.yaml(KubernetesManifests.generate(
                graph(),
                PIPELINE,
                KubernetesOptions.of("kafka:9092").withNamespace("streams").withSchedule("0 3 * * *")));
    }

    @Test
    void scheduledManifestsMatchTheGoldenFile() throws Exception {
        Path golden = Path.of("src/test/resources/golden/shop-cronjob.yaml");
        String text = scheduled();
        if (!Files.exists(golden)) {
            Files.writeString(golden, text);
        }
        assertThat(text).isEqualTo(Files.readString(golden));
    }

    @Test
    void aScheduledPipelineIsOneCronJobRunningEveryWorkerOnFreshTopics() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(scheduled())) {
            it.forEachRemaining(documents::add);
        }
        assertThat(documents)
                .as("no Deployments, no topic Job, no API: one pod per run")
                .extracting(d -> d.get("kind").asText())
                .containsExactly("ConfigMap", "CronJob");

        CronJob cronJob = yaml.treeToValue(documents.get(1), CronJob.class);
        assertThat(cronJob.getApiVersion()).isEqualTo("batch/v1");
        assertThat(cronJob.getMetadata().getName()).isEqualTo("shop");
        assertThat(cronJob.getMetadata().getNamespace()).isEqualTo("streams");
        assertThat(cronJob.getSpec().getSchedule()).isEqualTo("0 3 * * *");
        assertThat(cronJob.getSpec().getTimeZone()).isEqualTo("Etc/UTC");
        assertThat(cronJob.getSpec().getConcurrencyPolicy())
                .as("a run starting while the last one works would delete its topics")
                .isEqualTo("Forbid");
        PodSpec pod = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("OnFailure");
        assertThat(pod.getInitContainers()).singleElement().satisfies(topics -> assertThat(topics.getArgs())
                .containsExactly(
                        "kafka",
                        "plan",
                        "/etc/sluice/pipeline.yaml",
                        "--create",
                        "--on-existing",
                        "fresh",
                        "--bootstrap",
                        "kafka:9092"));
        assertThat(pod.getContainers())
                .extracting(Container::getName)
                .containsExactly("orders", "price-check", "ledger");

        // Each node runs the very worker its Deployment runs when the pipeline is not scheduled, without the probes.
        List<HasMetadata> streaming = KubernetesManifests.generate(
                graph(), PIPELINE, KubernetesOptions.of("kafka:9092").withNamespace("streams"));
        for (String node : List.of("orders", "price-check", "ledger")) {
            Container deployed = container(streaming, "shop-" + node);
            Container run = pod.getContainers().stream()
                    .filter(c -> c.getName().equals(node))
                    .findFirst()
                    .orElseThrow();
            List<String> args = new ArrayList<>(deployed.getArgs());
            args.removeAll(List.of("--health-port", "8081"));
            assertThat(run.getArgs()).as(node).isEqualTo(args);
            assertThat(run.getImage()).isEqualTo(deployed.getImage());
            assertThat(run.getVolumeMounts()).isEqualTo(deployed.getVolumeMounts());
            assertThat(run.getResources()).isEqualTo(deployed.getResources());
            assertThat(run.getLivenessProbe()).isNull();
            assertThat(run.getPorts()).isEmpty();
        }
        assertThat(pod.getVolumes().get(0).getConfigMap().getName())
                .isEqualTo(documents.get(0).at("/metadata/name").asText());
    }

    @Test
    void aScheduleIsWrittenAsACronJobReadsIt() {
        CronJob sundays = (CronJob) KubernetesManifests.generate(
                        graph(), PIPELINE, KubernetesOptions.of("kafka:9092").withSchedule("0 3 * * 7"))
                .get(1);

        assertThat(sundays.getSpec().getSchedule())
                .as("Kubernetes knows Sunday as 0 only")
                .isEqualTo("0 3 * * 0");
        assertThatThrownBy(() -> KubernetesOptions.of("kafka:9092").withSchedule("0 3 * *"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("KubernetesOptions.schedule: cron expression '0 3 * *': expected 5 fields (minute hour"
                        + " day-of-month month day-of-week) but found 4");
    }

    @Test
    void aScheduledGraphNeedsANameACronJobCanHave() {
        String name = "g".repeat(53);
        ComputationalGraph graph = ComputationalGraph.builder(name)
                .start("a", Sources.collection(List.of(1)))
                .end("b", Sinks.collect())
                .edge("a -> b")
                .build();

        assertThatThrownBy(() -> KubernetesManifests.generate(
                        graph, "", KubernetesOptions.of("k:1").withSchedule("0 3 * * *")))
                .hasMessage("Graph '" + name + "': a scheduled graph's name is its CronJob's, and Kubernetes allows 52"
                        + " characters there, found 53; shorten it");
    }

    @Test
    void aNodeNamedAsTheTopicContainerIsRefusedInAScheduledGraph() {
        ComputationalGraph graph = ComputationalGraph.builder("g")
                .start("topics", Sources.collection(List.of(1)))
                .end("b", Sinks.collect())
                .edge("topics -> b")
                .build();

        assertThatThrownBy(() -> KubernetesManifests.generate(
                        graph, "", KubernetesOptions.of("k:1").withSchedule("0 3 * * *")))
                .hasMessage("Node 'topics' and the init container that creates the topics both become the container"
                        + " name 'topics' (lower case, '-' for '_'); rename the node");
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
