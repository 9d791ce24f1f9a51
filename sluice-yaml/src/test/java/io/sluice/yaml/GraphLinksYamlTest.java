package io.sluice.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.DeploymentState;
import io.sluice.LinkedGraphs;
import io.sluice.SystemType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipelines wired to pipelines: {@code sink: output} and {@code source: input}, as docs/pipelines.md shows them. */
class GraphLinksYamlTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void aPipelinesOutputFeedsAnotherPipelinesInput() throws Exception {
        Pipeline orders = Pipeline.load(write("orders.yaml", """
                graph: orders
                nodes:
                  - {id: raw, source: collection, items: [1, 2, 3, 4]}
                  - {id: cleaned, sink: output}
                edges:
                  - raw -> cleaned
                """));
        Pipeline billing = Pipeline.load(write("billing.yaml", """
                graph: billing
                nodes:
                  - {id: orders, source: input, from: orders.cleaned}
                  - {id: invoices, sink: collect}
                edges:
                  - orders -> invoices
                """));

        try (LinkedGraphs.Deployments running =
                LinkedGraphs.of(orders.graph(), billing.graph()).deploySystem(SystemType.LOCAL)) {
            assertThat(running.awaitTermination(Duration.ofSeconds(30))).isEqualTo(DeploymentState.COMPLETED);
            List<Object> invoices = running.deployment("billing").results("invoices");
            assertThat(invoices).containsExactlyInAnyOrder(1, 2, 3, 4);
        }
    }

    @Test
    void anInputWithoutFromOrWithABadAddressIsRefusedAtItsLine() throws Exception {
        Path file = write("bad.yaml", """
                graph: bad
                nodes:
                  - {id: a, source: input}
                  - {id: b, source: input, from: nodot}
                  - {id: out, sink: collect}
                edges:
                  - a -> out
                  - b -> out
                """);
        assertThatThrownBy(() -> Pipeline.load(file))
                .isInstanceOf(PipelineException.class)
                .satisfies(e -> assertThat(((PipelineException) e).problems())
                        .anySatisfy(p ->
                                assertThat(p).contains("bad.yaml:3 nodes[0]").contains("from"))
                        .anySatisfy(p -> assertThat(p)
                                .contains("bad.yaml:4 nodes[1].from")
                                .contains("expected <graph>.<output>")));
    }
}
