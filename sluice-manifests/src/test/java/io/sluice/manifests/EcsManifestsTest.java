package io.sluice.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.ComputationalGraph;
import io.sluice.Sinks;
import io.sluice.Sources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;

class EcsManifestsTest {

    private static final String PIPELINE = "graph: shop\n";

    private static Map<String, Object> generated() {
        ComputationalGraph graph = ComputationalGraph.builder("shop")
                .start("orders", Sources.collection(List.of(1)))
                .end("ledger", Sinks.collect())
                .edge("orders -> ledger")
                .build();
        return EcsManifests.generate(
                graph, PIPELINE, EcsOptions.of("kafka:9092").withNetwork(List.of("subnet-1"), List.of("sg-1")));
    }

    @Test
    void everyTaskDefinitionAndServiceIsWritten() {
        assertThat(generated().keySet())
                .containsExactly(
                        "shop-topics-task-definition.json",
                        "shop-orders-task-definition.json",
                        "shop-orders-service.json",
                        "shop-ledger-task-definition.json",
                        "shop-ledger-service.json",
                        "shop-api-task-definition.json",
                        "shop-api-service.json");
    }

    @Test
    void workerTaskDefinitionMatchesTheGoldenFile() throws Exception {
        Path golden = Path.of("src/test/resources/golden/shop-orders-task-definition.json");
        String json = EcsManifests.json(generated().get("shop-orders-task-definition.json"));
        if (!Files.exists(golden)) {
            Files.writeString(golden, json);
        }
        assertThat(json).isEqualTo(Files.readString(golden));
    }

    @Test
    void everyFileReadsBackThroughTheSdkModelUnchanged() throws Exception {
        for (Map.Entry<String, Object> file : generated().entrySet()) {
            Object back = EcsManifests.read(file.getKey(), EcsManifests.json(file.getValue()));
            assertThat(back).as(file.getKey()).isEqualTo(file.getValue());
        }
        RegisterTaskDefinitionRequest worker =
                (RegisterTaskDefinitionRequest) generated().get("shop-orders-task-definition.json");
        assertThat(worker.containerDefinitions().get(0).command().get(0))
                .endsWith("exec /opt/sluice/bin/sluice worker /tmp/pipeline.yaml --node orders --bootstrap kafka:9092"
                        + " --health-port 8081");
        assertThat(worker.containerDefinitions().get(0).environment().get(0).value())
                .isEqualTo(PIPELINE);
        CreateServiceRequest service = (CreateServiceRequest) generated().get("shop-orders-service.json");
        assertThat(service.launchType()).isEqualTo(LaunchType.FARGATE);
        assertThat(service.networkConfiguration().awsvpcConfiguration().subnets())
                .containsExactly("subnet-1");
    }
}
