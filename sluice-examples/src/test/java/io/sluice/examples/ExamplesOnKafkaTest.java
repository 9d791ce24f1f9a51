package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.SystemType;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.OnExisting;
import io.sluice.testkit.KafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every example on KAFKA as {@code sluice example NAME --system kafka} runs it — with options that allow no type of
 * its own — prints what it prints on LOCAL: the examples' jar declares the item types its nodes emit
 * (META-INF/sluice/kafka-types).
 */
class ExamplesOnKafkaTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"wordcount", "revenue", "airports"})
    void anExamplePrintsOnKafkaWhatItPrintsOnLocal(String name) throws Exception {
        StringWriter local = new StringWriter();
        Examples.run(name, null, dir.resolve("local"), new PrintWriter(local, true));
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withDeleteTopicsOnClose(true)
                .withOnExisting(OnExisting.FRESH);
        StringWriter kafka = new StringWriter();

        Examples.run(
                name,
                null,
                dir.resolve("kafka"),
                new PrintWriter(kafka, true),
                graph -> graph.deploy(SystemType.KAFKA, options));

        assertThat(kafka.toString()).contains(": COMPLETED");
        assertThat(comparable(kafka.toString(), "kafka")).isEqualTo(comparable(local.toString(), "local"));
    }

    /** The output without the deployment's id, and with the output directory named alike. */
    private String comparable(String output, String system) {
        return Arrays.stream(output.split("\n"))
                .filter(line -> !line.startsWith("Deployment "))
                .map(line -> line.replace(dir.resolve(system).toString(), "DIR"))
                .collect(Collectors.joining("\n"));
    }
}
