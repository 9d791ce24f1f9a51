package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LocalRuntimeSmokeTest {

    @ParameterizedTest
    @EnumSource(LocalOptions.Mode.class)
    void linearPipelineDeliversEveryItem(LocalOptions.Mode mode) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("smoke")
                .start(
                        "numbers",
                        Sources.collection(IntStream.range(0, 10_000).boxed().toList()))
                .map("double", (Integer i) -> i * 2)
                .filter("even4", (Integer i) -> i % 4 == 0)
                .end("out", Sinks.collect())
                .edge("numbers -> double -> even4 -> out")
                .build();
        try (Deployment d =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(mode))) {
            assertThat(d.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            List<Integer> out = d.results("out");
            assertThat(out).hasSize(5_000);
            assertThat(d.status().node("double").itemsIn()).isEqualTo(10_000);
        }
    }
}
