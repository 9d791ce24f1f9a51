package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.Deployment;
import io.sluice.SystemType;
import io.sluice.examples.Airports.Distance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AirportsTest {

    @TempDir
    Path dir;

    @Test
    void everyPairGetsItsGreatCircleDistanceInTheFileAndTheCollector() throws Exception {
        Path file = dir.resolve("distances.txt");
        List<Distance> distances;
        try (Deployment deployment = Airports.graph(Airports.BUSIEST, file).deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            distances = deployment.results("collected");
        }

        assertThat(distances).hasSize(45);
        assertThat(distances.stream().map(d -> d.from().compareTo(d.to()) < 0 ? d.from() + d.to() : d.to() + d.from()))
                .doesNotHaveDuplicates();
        assertThat(Files.readAllLines(file))
                .containsExactlyInAnyOrderElementsOf(
                        distances.stream().map(Distance::toString).toList());
        // Published great-circle distances: JFK-LAX 2,475 mi, ATL-DFW 731 mi, ORD-ATL 606 mi.
        assertThat(km(distances, "JFK", "LAX")).isCloseTo(3983, within(40.0));
        assertThat(km(distances, "ATL", "DFW")).isCloseTo(1176, within(12.0));
        assertThat(km(distances, "ATL", "ORD")).isCloseTo(975, within(10.0));
    }

    private static double km(List<Distance> distances, String a, String b) {
        return distances.stream()
                .filter(d -> d.from().equals(a) && d.to().equals(b) || d.from().equals(b) && d.to().equals(a))
                .findFirst()
                .orElseThrow()
                .kilometres();
    }
}
