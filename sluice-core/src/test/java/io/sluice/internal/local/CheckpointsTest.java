package io.sluice.internal.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.SluiceException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint file: a log of whole records, read back up to the last one a crash did not cut short. */
class CheckpointsTest {

    private static final Map<String, Integer> GRAPH = Map.of("numbers", 1, "count", 2);
    private static final Checkpoints.StoreId COUNTS = new Checkpoints.StoreId("count", 1, "counts");

    private static Checkpoints.Delta delta(String position, Map<Object, Object> changes) {
        Checkpoints.Delta delta = new Checkpoints.Delta();
        delta.positions.put("numbers.0", position);
        Checkpoints.Changes pairs = new Checkpoints.Changes();
        changes.forEach(pairs::add);
        delta.changes.put(COUNTS, pairs);
        return delta;
    }

    private static Map<Object, Object> keyed(Object... keysAndValues) {
        Map<Object, Object> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void aRestartReadsThePositionsAndTheStoresAsTheLastRecordLeftThem(@TempDir Path dir) {
        Checkpoints written = Checkpoints.open(dir, "g", GRAPH);
        written.write(1, delta("10", keyed("a", 1L, "b", 1L)));
        written.write(2, delta("20", keyed("a", 2L, "b", null, "c", 5L)));

        Checkpoints read = Checkpoints.open(dir, "g", GRAPH);

        assertThat(read.found()).isTrue();
        assertThat(read.number()).isEqualTo(2);
        assertThat(read.position("numbers", 0)).isEqualTo("20");
        assertThat(read.store(COUNTS)).isEqualTo(Map.of("a", 2L, "c", 5L));
        assertThat(read.storedParallelism("count")).isEqualTo(2);
    }

    @Test
    void aRecordCutShortByACrashIsIgnoredAndTheOneBeforeStands(@TempDir Path dir) throws Exception {
        Checkpoints written = Checkpoints.open(dir, "g", GRAPH);
        written.write(1, delta("10", keyed("a", 1L)));
        long whole = Files.size(dir.resolve("g.checkpoint"));
        written.write(2, delta("20", keyed("a", 2L)));
        try (FileChannel file = FileChannel.open(dir.resolve("g.checkpoint"), StandardOpenOption.WRITE)) {
            file.truncate(Files.size(dir.resolve("g.checkpoint")) - 3); // the crash came before the last bytes
        }
        assertThat(Files.size(dir.resolve("g.checkpoint"))).isGreaterThan(whole);

        Checkpoints read = Checkpoints.open(dir, "g", GRAPH);

        assertThat(read.position("numbers", 0)).isEqualTo("10");
        assertThat(read.store(COUNTS)).isEqualTo(Map.of("a", 1L));

        // The next checkpoint starts the file afresh, so nothing is appended after the cut record.
        read.write(3, delta("30", keyed("b", 1L)));
        Checkpoints again = Checkpoints.open(dir, "g", GRAPH);
        assertThat(again.position("numbers", 0)).isEqualTo("30");
        assertThat(again.store(COUNTS)).isEqualTo(Map.of("a", 1L, "b", 1L));
    }

    @Test
    void manyChangesAreCompactedIntoAFullRecordThatReadsTheSame(@TempDir Path dir) throws Exception {
        Checkpoints written = Checkpoints.open(dir, "g", GRAPH);
        Map<Object, Object> expected = new HashMap<>();
        for (int round = 1; round <= 60; round++) {
            Map<Object, Object> changes = new HashMap<>();
            for (int key = 0; key < 2_000; key++) {
                changes.put("key-" + key, (long) round * key);
                expected.put("key-" + key, (long) round * key);
            }
            written.write(round, delta(Integer.toString(round), changes));
        }
        assertThat(Files.size(dir.resolve("g.checkpoint")))
                .as("compacted, not 60 rounds of changes")
                .isLessThan(4L << 20);

        Checkpoints read = Checkpoints.open(dir, "g", GRAPH);
        assertThat(read.store(COUNTS)).isEqualTo(expected);
        assertThat(read.position("numbers", 0)).isEqualTo("60");
    }

    @Test
    void theFileOfAnEarlierVersionGivesItsPositions(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("g.checkpoint"), List.of("#Sluice checkpoint", "numbers.0=42"));

        Checkpoints read = Checkpoints.open(dir, "g", GRAPH);

        assertThat(read.position("numbers", 0)).isEqualTo("42");
        assertThat(read.storeIds()).isEmpty();
    }

    @Test
    void aFileThatIsNoCheckpointIsRefusedWithWhatItHolds(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("g.checkpoint"), "hello");

        assertThatThrownBy(() -> Checkpoints.open(dir, "g", GRAPH))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Cannot read the checkpoint "
                        + dir.resolve("g.checkpoint").toAbsolutePath()
                        + ": expected a file starting with 'SLUICE-CHECKPOINT-1' but found 'hello'; fix or delete the"
                        + " file (deleting it starts the graph from the beginning)");
    }
}
