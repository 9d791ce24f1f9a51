package io.sluice.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.EndNode;
import io.sluice.LocalOptions;
import io.sluice.Resumable;
import io.sluice.Sources;
import io.sluice.SystemType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * The S3 sink against a real S3-compatible server: what it writes, when it becomes visible, how a restart puts it back
 * to its position, how it fails.
 */
class S3SinkTest {

    private static final S3TestServer S3 = S3TestServer.shared();

    private final String bucket = S3.createBucket("sink");

    private S3Sink sink(String prefix) {
        return io.sluice.connectors.s3.S3.sink("s3://" + bucket + "/" + prefix).access(S3.access());
    }

    private S3Source<String> lines(String prefix) {
        return io.sluice
                .connectors
                .s3
                .S3
                .source("s3://" + bucket + "/" + prefix)
                .access(S3.access());
    }

    private static EndNode<Object> open(S3Sink sink) throws Exception {
        EndNode<Object> node = sink.get();
        node.open(TestContext.of("out"));
        return node;
    }

    private static String position(EndNode<Object> node) throws Exception {
        node.flush();
        return ((Resumable) node).position();
    }

    /** The keys of the part files under {@code prefix}, as a reader sees them (hidden ones left out). */
    private List<String> visible(String prefix) {
        return S3.keys(bucket, prefix + "/").stream()
                .filter(k -> !k.contains("/_") && !k.contains("/."))
                .toList();
    }

    private List<MultipartUpload> uploads(String prefix) {
        return S3.client()
                .listMultipartUploads(b -> b.bucket(bucket).prefix(prefix + "/"))
                .uploads();
    }

    static List<String> numbered(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }

    @ParameterizedTest(name = "{0}, gzip {1}")
    @CsvSource({"lines, false", "lines, true", "json-lines, false", "json-lines, true", "csv, false", "csv, true"})
    void everyFormatWrittenIsReadBackAsItWasWritten(String formatName, boolean gzip) throws Exception {
        Format<?> format = Format.of(formatName);
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            items.add(
                    format == Format.LINES
                            ? "line " + i + ", ünïcode"
                            : format == Format.JSON_LINES
                                    ? Map.of("id", i, "name", "n\"" + i, "tags", List.of("a", "b"))
                                    : row("id", "" + i, "name", "n, \"" + i + "\"\nsecond line", "empty", ""));
        }
        ComputationalGraph write = ComputationalGraph.builder("write-" + formatName + "-" + gzip)
                .start("in", Sources.collection(items))
                .end("out", sink("f").format(format).gzip(gzip).rollSize(4096))
                .edge("in -> out")
                .build();
        try (Deployment deployment = write.deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThat(deployment.awaitCompletion(Duration.ofMinutes(1))).isTrue();
        }

        List<String> files = visible("f");
        assertThat(files).hasSizeGreaterThan(gzip ? 0 : 1).allSatisfy(key -> assertThat(key)
                .matches("f/part-out-0-\\d{6}\\." + format.extension() + (gzip ? "\\.gz" : "")));
        List<?> read = S3SourceTest.readAll(
                lines("f").format(format).access(S3.access()).get());
        assertThat(read).isEqualTo(items);
        assertThat(S3.keys(bucket, "f/_staging/")).isEmpty();
        assertThat(uploads("f")).isEmpty();
    }

    private static Map<String, String> row(String... keysAndValues) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            row.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return row;
    }

    @Test
    void aRolledFileBecomesVisibleOnlyOnceThePositionHoldingItIsCommitted() throws Exception {
        EndNode<Object> node = open(sink("v").rollSize(100));
        for (String item : numbered("item-", 0, 30)) {
            node.process(item);
        }
        String p1 = position(node);

        assertThat(visible("v")).isEmpty();
        assertThat(S3.keys(bucket, "v/_staging/")).isNotEmpty();

        ((Resumable) node).committed(p1);

        assertThat(visible("v")).isNotEmpty();
        List<String> read = S3SourceTest.readAll(lines("v").get());
        assertThat(read).isEqualTo(numbered("item-", 0, read.size()));
        assertThat(read.size()).isLessThan(30); // the file in progress stays hidden
        node.onComplete();
        node.close();
        assertThat(S3SourceTest.readAll(lines("v").get())).isEqualTo(numbered("item-", 0, 30));
        assertThat(S3.keys(bucket, "v/_staging/")).isEmpty();
    }

    @Test
    void aRestartTakesTheFileInProgressBackFromItsPositionAndDropsWhatCameAfter() throws Exception {
        EndNode<Object> first = open(sink("r").rollSize(200));
        for (String item : numbered("item-", 0, 25)) {
            first.process(item);
        }
        String p1 = position(first);
        ((Resumable) first).committed(p1);
        for (String item : numbered("item-", 25, 60)) { // lost in the crash: rolled, staged, never committed
            first.process(item);
        }
        String p2 = position(first);
        assertThat(p2).isNotEqualTo(p1);
        // the process dies here: no close, no commit of p2

        EndNode<Object> second = open(sink("r").rollSize(200));
        ((Resumable) second).resume(p1);
        for (String item : numbered("item-", 25, 80)) { // what came after p1, again
            second.process(item);
        }
        second.onComplete();
        second.close();

        assertThat(S3SourceTest.readAll(lines("r").get())).isEqualTo(numbered("item-", 0, 80));
        assertThat(S3.keys(bucket, "r/_staging/")).isEmpty();
        assertThat(uploads("r")).isEmpty();
    }

    @ParameterizedTest(name = "payload of {0} bytes")
    @CsvSource({"4", "1000"})
    void aRestartFromAPositionBeforeTheEndUndoesWhatTheEndCompleted(int payloadBytes) throws Exception {
        // a run that completed everything at its end, then died before the final commit: its file in progress at the
        // position was completed and its staged objects deleted, so the restart takes the file back from the
        // completed object — with 1000-byte items, parts included (copied into a new upload)
        String payload = "x".repeat(payloadBytes);
        S3Sink sink = sink("e").partSize(S3Sink.MIN_PART_SIZE).rollSize(payloadBytes > 100 ? 64L << 20 : 1000);
        EndNode<Object> first = open(sink);
        for (int i = 0; i < 45; i++) {
            first.process(i + payload);
        }
        if (payloadBytes > 100) {
            for (int i = 45; i < 6000; i++) { // about 6 MB: one part uploaded, the rest staged
                first.process(i + payload);
            }
        }
        String p1 = position(first);
        ((Resumable) first).committed(p1);
        int end = payloadBytes > 100 ? 6500 : 60;
        int at = payloadBytes > 100 ? 6000 : 45;
        for (int i = at; i < end; i++) {
            first.process(i + payload);
        }
        first.onComplete();
        first.close();
        List<String> expected =
                IntStream.range(0, end).mapToObj(i -> i + payload).toList();
        assertThat(S3SourceTest.readAll(lines("e").get())).isEqualTo(expected);

        EndNode<Object> second = open(sink);
        ((Resumable) second).resume(p1);
        for (int i = at; i < end; i++) {
            second.process(i + payload);
        }
        second.onComplete();
        second.close();

        assertThat(S3SourceTest.readAll(lines("e").get())).isEqualTo(expected);
        assertThat(S3.keys(bucket, "e/_staging/")).isEmpty();
        assertThat(uploads("e")).isEmpty();
    }

    @Test
    void largeFilesAreUploadedInPartsAndResumeBetweenThem() throws Exception {
        String payload = "x".repeat(1000);
        S3Sink large = sink("big").partSize(S3Sink.MIN_PART_SIZE).rollSize(64L << 20);
        EndNode<Object> first = open(large);
        for (int i = 0; i < 7_000; i++) { // about 7 MB: one part uploaded, the rest buffered
            first.process(i + " " + payload);
        }
        String p1 = position(first);
        assertThat(p1).contains("\"parts\":[\"");
        ((Resumable) first).committed(p1);
        for (int i = 7_000; i < 9_000; i++) {
            first.process(i + " " + payload);
        }
        // dies

        EndNode<Object> second = open(large);
        ((Resumable) second).resume(p1);
        for (int i = 7_000; i < 12_000; i++) {
            second.process(i + " " + payload);
        }
        second.onComplete();
        second.close();

        List<String> read = S3SourceTest.readAll(lines("big").get());
        assertThat(read).hasSize(12_000);
        for (int i = 0; i < read.size(); i++) {
            assertThat(read.get(i)).startsWith(i + " ");
        }
        assertThat(visible("big")).hasSize(1);
    }

    @Test
    void aGzippedFileOfSeveralPartsIsReadBackWhole() throws Exception {
        // hex of random bytes compresses to about half: 14 MB of lines make a gzip file of more than one 5 MiB part,
        // its members running across the parts
        java.util.Random random = new java.util.Random(7);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 140_000; i++) {
            lines.add(i + " " + java.util.HexFormat.of().formatHex(randomBytes(random, 48)));
        }
        S3Sink gzipped = sink("gz").gzip(true).partSize(S3Sink.MIN_PART_SIZE).rollSize(1L << 30);
        EndNode<Object> first = open(gzipped);
        for (String line : lines.subList(0, 70_000)) {
            first.process(line);
        }
        String p1 = position(first);
        ((Resumable) first).committed(p1);
        for (String line : lines.subList(70_000, 100_000)) {
            first.process(line);
        }
        // dies

        EndNode<Object> second = open(gzipped);
        ((Resumable) second).resume(p1);
        for (String line : lines.subList(70_000, lines.size())) {
            second.process(line);
        }
        second.onComplete();
        second.close();

        assertThat(visible("gz")).containsExactly("gz/part-out-0-000000.txt.gz");
        assertThat(S3.get(bucket, "gz/part-out-0-000000.txt.gz").length).isGreaterThan(6 << 20);
        assertThat(S3SourceTest.readAll(lines("gz").get())).isEqualTo(lines);
    }

    private static byte[] randomBytes(java.util.Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    @Test
    void filesRollBySize() throws Exception {
        EndNode<Object> node = open(sink("size").rollSize(1000));
        for (String item : numbered("0123456789-", 0, 300)) {
            node.process(item);
        }
        node.onComplete();
        node.close();

        List<String> files = visible("size");
        assertThat(files).hasSizeGreaterThan(3).first().isEqualTo("size/part-out-0-000000.txt");
        for (String key : files.subList(0, files.size() - 1)) {
            assertThat(S3.get(bucket, key).length).isBetween(1000, 1000 + 20);
        }
        assertThat(S3SourceTest.readAll(lines("size").get())).isEqualTo(numbered("0123456789-", 0, 300));
    }

    @Test
    void filesRollByTime() throws Exception {
        EndNode<Object> node = open(sink("time").rollInterval(Duration.ofMillis(200)));
        node.process("first");
        String before = position(node);
        assertThat(before).doesNotContain("pending");

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    node.onTick();
                    return position(node).contains("pending");
                });
        ((Resumable) node).committed(position(node));
        node.process("second");
        ((Resumable) node).committed(position(node));

        assertThat(visible("time")).containsExactly("time/part-out-0-000000.txt");
        assertThat(S3.get(bucket, "time/part-out-0-000000.txt"))
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("first\n");
        node.onComplete();
        node.close();
        assertThat(visible("time")).hasSize(2);
    }

    @Test
    void aRollIntervalOfCenturiesIsNeverReached() throws Exception {
        EndNode<Object> node = open(sink("forever").rollInterval(Duration.ofDays(365L * 1000)));
        node.process("one");
        node.onTick();

        assertThat(position(node)).doesNotContain("pending");
        node.close();
    }

    @Test
    void aFreshRunWritesAfterTheFilesOfEarlierRuns() throws Exception {
        for (int run = 0; run < 2; run++) {
            EndNode<Object> node = open(sink("runs"));
            node.process("run " + run);
            node.onComplete();
            node.close();
        }

        assertThat(visible("runs")).containsExactly("runs/part-out-0-000000.txt", "runs/part-out-0-000001.txt");
        assertThat(S3SourceTest.readAll(lines("runs").get())).containsExactly("run 0", "run 1");
    }

    @Test
    void withCheckpointsOnLocalEveryItemIsWrittenOnceAndNothingIsLeftBehind(@TempDir Path checkpoints)
            throws Exception {
        List<String> items = numbered("n", 0, 20_000);
        ComputationalGraph graph = ComputationalGraph.builder("checkpointed")
                .start("in", Sources.collection(items))
                .end("out", sink("cp").rollSize(10_000))
                .edge("in -> out")
                .build();
        LocalOptions options = LocalOptions.defaults().withCheckpoints(checkpoints, Duration.ofMillis(20));
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            assertThat(deployment.awaitCompletion(Duration.ofMinutes(1))).isTrue();
        }

        assertThat(S3SourceTest.readAll(lines("cp").get())).isEqualTo(items);
        assertThat(S3.keys(bucket, "cp/_staging/")).isEmpty();
        assertThat(uploads("cp")).isEmpty();
    }

    @Test
    void positionsStaySmall() throws Exception {
        EndNode<Object> node = open(sink("small").rollSize(100));
        for (String item : numbered("item-", 0, 100)) {
            node.process(item);
        }
        String position = position(node);

        assertThat(position).contains("\"pending\":[{\"seq\":0,");
        assertThat(position.length()).as(position).isLessThan(100 * 40 + 200);
        node.close();
    }

    @Test
    void aMissingBucketFailsAtOpenNamingIt() {
        EndNode<Object> node = io.sluice
                .connectors
                .s3
                .S3
                .sink("s3://no-such-bucket/out")
                .access(S3.access())
                .get();

        assertThatThrownBy(() -> node.open(TestContext.of("out")))
                .hasMessage("S3 sink 's3://no-such-bucket/out': bucket 'no-such-bucket' does not exist at "
                        + S3.endpoint() + " (while listing the objects under 'out/part-out-0-'); create it, or"
                        + " correct the location");
    }

    @Test
    void wrongCredentialsAreAccessDenied() {
        EndNode<Object> node = sink("denied")
                .access(S3.access().withCredentials("someone-else", "secret"))
                .get();

        assertThatThrownBy(() -> node.open(TestContext.of("out")))
                .hasMessage("S3 sink 's3://" + bucket + "/denied': access denied while listing the objects under"
                        + " 'denied/part-out-0-' at " + S3.endpoint() + " (InvalidAccessKeyId): the credentials in use"
                        + " (AWS_ACCESS_KEY_ID, AWS_PROFILE or the role of the process) are wrong or not allowed to");
    }

    @Test
    void aLineWithALineBreakIsRefused() throws Exception {
        EndNode<Object> node = open(sink("breaks"));

        assertThatThrownBy(() -> node.process("two\nlines"))
                .hasMessage("S3 sink 's3://" + bucket + "/breaks': an item of format lines holds a line break, so it"
                        + " would be read back as several lines; write it as json-lines or csv, or replace the line"
                        + " breaks");
        node.close();
    }

    @Test
    void aCsvFieldOutsideTheColumnsIsRefused() throws Exception {
        EndNode<Object> node = open(sink("cols").format(Format.CSV).columns(List.of("a", "b")));
        node.process(Map.of("a", 1));

        assertThatThrownBy(() -> node.process(Map.of("a", 1, "c", 2)))
                .hasMessage("S3 sink 's3://" + bucket + "/cols': an item has the field 'c', which is not among the"
                        + " CSV columns [a, b]; give the sink every column (setting 'columns')");
        node.close();
    }

    record Order(int id, String item) {}

    @Test
    void csvTakesRecordsAndJsonLinesTakesAnyBean() throws Exception {
        EndNode<Object> csv = open(sink("rec").format(Format.CSV));
        csv.process(new Order(1, "apple"));
        csv.process(new Order(2, "pear"));
        csv.onComplete();
        csv.close();
        EndNode<Object> json = open(sink("bean").format(Format.JSON_LINES));
        json.process(new Order(3, "fig"));
        json.onComplete();
        json.close();

        assertThat(S3.get(bucket, "rec/part-out-0-000000.csv"))
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("id,item\n1,apple\n2,pear\n");
        assertThat(S3.get(bucket, "bean/part-out-0-000000.jsonl"))
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("{\"id\":3,\"item\":\"fig\"}\n");
    }
}
