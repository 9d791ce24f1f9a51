package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testkit.KafkaBroker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The geniusrise design's example pipelines, as the examples directory has them, validated and run by a real {@code
 * sluice} process against the test servers.
 */
class GeniusrisePipelinesTest {

    private static SluiceProcess.Outcome sluice(String... args) throws Exception {
        return SluiceProcess.run(args);
    }

    @Test
    void theStreamingPipelineCarriesEveryRecordFromTheExternalTopicToTheLastOneOnce() throws Exception {
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        KafkaBroker.shared().createTopics(2, "events");
        List<String> records = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            String record = i % 10 == 0 ? "   " : "  event " + i + " ";
            records.add(record);
            if (!record.isBlank()) {
                expected.add("EVENT " + i);
            }
        }
        KafkaBroker.shared().produce("events", records);
        String example = "../examples/geniusrise-streaming.yaml";

        SluiceProcess.Outcome validate = sluice("validate", example);
        SluiceProcess.Outcome run = sluice("run", example, "--bootstrap", bootstrap);

        assertThat(validate.exit()).as(validate.err()).isZero();
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Completed");
        assertThat(KafkaBroker.shared().readCommitted("kafka-topic-2")).containsExactlyInAnyOrderElementsOf(expected);
    }
}
