package io.sluice.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.Deployment;
import io.sluice.LocalOptions;
import io.sluice.SystemType;
import io.sluice.yaml.Pipeline;
import io.sluice.yaml.PipelineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A YAML pipeline on LOCAL and on KAFKA as a processing service of the cloud: Orders in from a cloud:// source,
 * Invoices out.
 */
class CloudConnectorTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(
            value = SystemType.class,
            names = {"LOCAL", "KAFKA"})
    void aPipelineConsumesOneTypeFromTheCloudAndPublishesAnother(SystemType system) throws Exception {
        Path types = Status.typesFile(dir);
        try (CloudNode node = CloudNode.start(
                        CloudNodeOptions.of("A", dir.resolve("a")).withTypes(ObjectType.readAll(types)));
                CloudClient client = CloudClient.connect(node.address())) {
            for (int i = 0; i < 10; i++) {
                client.publish("Order", Map.of("id", "o-" + i, "amount", i)).join();
            }
            List<String> invoices = Collections.synchronizedList(new ArrayList<>());
            client.subscribe("Invoice", "books", invoice -> {
                invoices.add(invoice.object().path("id").asText());
                invoice.ack();
            });
            Pipeline pipeline = Pipeline.load(
                    Files.writeString(dir.resolve("pipeline.yaml"), """
                    graph: billing
                    nodes:
                      - id: orders
                        source: "cloud://Order?node=%s"
                        config: {count: 10}
                      - {id: invoices, sink: "cloud://Invoice?node=%s"}
                    edges:
                      - orders -> invoices
                    """.formatted(node.address(), node.address())));

            io.sluice.DeploymentOptions options = system == SystemType.LOCAL
                    ? LocalOptions.defaults()
                    : io.sluice.kafka.KafkaOptions.of(
                                    io.sluice.testkit.KafkaBroker.shared().bootstrapServers())
                            .withGuarantee(io.sluice.kafka.Guarantee.EXACTLY_ONCE)
                            .withOnExisting(io.sluice.kafka.OnExisting.FRESH)
                            .withDeleteTopicsOnClose(true);
            try (Deployment deployment = pipeline.graph().deploy(system, options)) {
                assertThat(deployment.awaitCompletion(PATIENCE)).isTrue();
            }

            await().atMost(PATIENCE).until(() -> invoices.size() == 10);
            assertThat(invoices)
                    .containsExactlyInAnyOrder("o-0", "o-1", "o-2", "o-3", "o-4", "o-5", "o-6", "o-7", "o-8", "o-9");
            assertThat(node.status().get("groups").toString()).contains("Order=[billing.orders]");
            await().atMost(PATIENCE).until(() -> (int) node.status().get("storedTotal") == 0);
        }
    }

    @Test
    void aMalformedLocationIsAProblemNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), """
                graph: bad
                nodes:
                  - id: in
                    source: "cloud://Order?node=localhost"
                  - {id: out, sink: collect}
                edges:
                  - in -> out
                """);
        assertThatThrownBy(() -> Pipeline.load(file))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("'cloud://Order?node=localhost': parameter 'node': expected HOST:PORT, such as"
                        + " localhost:7000, but found 'localhost'");
    }
}
