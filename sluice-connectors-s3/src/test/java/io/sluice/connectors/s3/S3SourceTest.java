package io.sluice.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.LocalOptions;
import io.sluice.Resumable;
import io.sluice.Sinks;
import io.sluice.StartNode;
import io.sluice.SystemType;
import io.sluice.testkit.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The S3 source against a real S3-compatible server: what it reads, in what order, where it resumes, how it fails. */
public class S3SourceTest {

    private static final S3TestServer S3 = S3TestServer.shared();

    private final String bucket = S3.createBucket("source");

    private <T> S3Source<T> source(S3Source<T> source) {
        return source.access(S3.access());
    }

    private S3Source<String> lines(String prefix) {
        return source(io.sluice.connectors.s3.S3.source("s3://" + bucket + "/" + prefix));
    }

    /** Opens the node and pulls until it ends. */
    public static <T> List<T> readAll(StartNode<T> node) throws Exception {
        TestContext.Collect<T> out = new TestContext.Collect<>();
        node.open(TestContext.of("read"));
        try {
            while (node.pull(out)) {
                // pull until the end
            }
        } finally {
            node.close();
        }
        return out.items;
    }

    @Test
    void readsEveryObjectUnderThePrefixInKeyOrderAndSkipsHiddenOnes() throws Exception {
        S3.put(bucket, "logs/b.txt", "b1\nb2\n");
        S3.put(bucket, "logs/a.txt", "a1\r\na2"); // CRLF, and no line break at the end
        S3.put(bucket, "logs/sub/c.txt", "c1\n\nc3\n"); // an empty line is a line
        S3.put(bucket, "logs/_staging/x", "staged\n");
        S3.put(bucket, "logs/.part-1", "in progress\n");
        S3.put(bucket, "logs/sub/_tmp/d.txt", "temporary\n");
        S3.put(bucket, "logs/folder/", "");
        S3.put(bucket, "logs-old/e.txt", "not under the folder logs/\n");
        S3.put(bucket, "logs/empty.txt", "");

        List<String> read = readAll(lines("logs").get());

        assertThat(read).containsExactly("a1", "a2", "b1", "b2", "c1", "", "c3");
    }

    @Test
    void aLocationWithoutPrefixReadsTheWholeBucket() throws Exception {
        S3.put(bucket, "x.txt", "x\n");
        S3.put(bucket, "dir/y.txt", "y\n");

        assertThat(readAll(source(io.sluice.connectors.s3.S3.source("s3://" + bucket))
                        .get()))
                .containsExactly("y", "x");
    }

    @Test
    void readsJsonLinesAsMaps() throws Exception {
        S3.put(
                bucket,
                "events/1.jsonl",
                "{\"id\":1,\"name\":\"ä\",\"tags\":[\"a\"],\"price\":2.5}\n\n"
                        + "  \n{\"id\":12345678901,\"nested\":{\"ok\":true},\"none\":null}\n");

        List<Map<String, Object>> read = readAll(source(io.sluice
                        .connectors
                        .s3
                        .S3
                        .source("s3://" + bucket + "/events")
                        .format(Format.JSON_LINES))
                .get());

        assertThat(read).hasSize(2);
        assertThat(read.get(0))
                .containsExactly(
                        Map.entry("id", 1),
                        Map.entry("name", "ä"),
                        Map.entry("tags", List.of("a")),
                        Map.entry("price", 2.5));
        assertThat(read.get(1)).containsEntry("id", 12345678901L).containsEntry("nested", Map.of("ok", true));
        assertThat(read.get(1)).containsKey("none");
    }

    @Test
    void readsCsvWithItsHeaderAsMaps() throws Exception {
        S3.put(bucket, "orders/1.csv", "id,item,note\n1,apple,\"crisp, red\"\n2,\"pear\",\"two\nlines\"\n\n3,fig,\n");
        S3.put(bucket, "orders/2.csv", "id,item,note\r\n4,kiwi,\"say \"\"hi\"\"\"\r\n");

        List<Map<String, String>> read = readAll(source(io.sluice
                        .connectors
                        .s3
                        .S3
                        .source("s3://" + bucket + "/orders")
                        .format(Format.CSV))
                .get());

        assertThat(read)
                .containsExactly(
                        Map.of("id", "1", "item", "apple", "note", "crisp, red"),
                        Map.of("id", "2", "item", "pear", "note", "two\nlines"),
                        Map.of("id", "3", "item", "fig", "note", ""),
                        Map.of("id", "4", "item", "kiwi", "note", "say \"hi\""));
        assertThat(read.get(0).keySet()).containsExactly("id", "item", "note");
    }

    @Test
    void gunzipsObjectsWhoseKeyEndsInGzEveryMemberOfThem() throws Exception {
        ByteArrayOutputStream twoMembers = new ByteArrayOutputStream();
        twoMembers.write(gzip("one\ntwo\n"));
        twoMembers.write(gzip("three\n"));
        S3.put(bucket, "z/1.txt.gz", twoMembers.toByteArray());
        S3.put(bucket, "z/2.txt", "plain\n");

        assertThat(readAll(lines("z").get())).containsExactly("one", "two", "three", "plain");
        assertThatThrownBy(() -> readAll(lines("z").gzip(false).get()))
                .hasMessageContaining("object 'z/1.txt.gz' line 1: bytes that are not valid UTF-8");
    }

    @Test
    void theGzipSettingGunzipsEveryObject() throws Exception {
        S3.put(bucket, "g/data", gzip("x\ny\n"));

        assertThat(readAll(lines("g").gzip(true).get())).containsExactly("x", "y");
    }

    @Test
    void resumesAtTheRecordAfterItsPosition() throws Exception {
        List<String> expected = new ArrayList<>();
        for (int object = 0; object < 3; object++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 1500; i++) {
                text.append("o").append(object).append('-').append(i).append('\n');
                expected.add("o" + object + "-" + i);
            }
            S3.put(bucket, "r/" + object + ".txt", text.toString());
        }
        List<String> read = new ArrayList<>();
        String position = null;
        // a new node after every pull, resumed from the position of the last: as a restart after each checkpoint
        while (true) {
            StartNode<String> node = lines("r").get();
            node.open(TestContext.of("read"));
            if (position != null) {
                ((Resumable) node).resume(position);
            }
            TestContext.Collect<String> out = new TestContext.Collect<>();
            boolean more = node.pull(out);
            read.addAll(out.items);
            position = ((Resumable) node).position();
            node.close();
            if (!more) {
                break;
            }
        }

        assertThat(read).isEqualTo(expected);
        assertThat(position).isEqualTo("{\"key\":\"r/2.txt\",\"records\":-1}");
    }

    @Test
    void aPositionInsideAnObjectNamesItAndItsRecords() throws Exception {
        S3.put(bucket, "p/1.csv", "a\n" + String.join("\n", Collections.nCopies(2000, "x")) + "\n");
        StartNode<Map<String, String>> node = source(io.sluice
                        .connectors
                        .s3
                        .S3
                        .source("s3://" + bucket + "/p")
                        .format(Format.CSV))
                .get();
        node.open(TestContext.of("read"));
        node.pull(new TestContext.Collect<>());

        assertThat(((Resumable) node).position()).isEqualTo("{\"key\":\"p/1.csv\",\"records\":1024}");
        node.close();
    }

    @Test
    void parallelInstancesShareTheObjects() throws Exception {
        List<String> expected = new ArrayList<>();
        for (int object = 0; object < 20; object++) {
            S3.put(bucket, "s/" + object + ".txt", "line-" + object + "\n");
            expected.add("line-" + object);
        }
        ComputationalGraph graph = ComputationalGraph.builder("share")
                .start("read", lines("s"))
                .parallelism(3)
                .end("out", Sinks.collect())
                .edge("read -> out")
                .build();
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThat(deployment.awaitCompletion(Duration.ofMinutes(1))).isTrue();
            assertThat(deployment.results("out")).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void withAWatchIntervalItReadsObjectsAddedLaterWhoseKeysSortAfterTheLastRead() throws Exception {
        S3.put(bucket, "w/2024-01-01.txt", "first\n");
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        ComputationalGraph graph = ComputationalGraph.builder("watch")
                .start("read", lines("w").watch(Duration.ofMillis(100)))
                .end("out", Sinks.<String>callback(seen::add))
                .edge("read -> out")
                .build();
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains("first"));
            S3.put(bucket, "w/2024-01-02.txt", "second\n");
            S3.put(bucket, "w/2023-12-31.txt", "late: sorts before the last read\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains("second"));
            S3.put(bucket, "w/2024-01-03.txt.gz", gzip("third\n"));
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains("third"));
            assertThat(deployment.status().state().isFinal()).isFalse();
        }
        assertThat(seen).containsExactly("first", "second", "third");
    }

    @Test
    void aMissingBucketFailsAtOpenNamingIt() {
        StartNode<String> node = source(io.sluice.connectors.s3.S3.source("s3://no-such-bucket/data"))
                .get();

        assertThatThrownBy(() -> node.open(TestContext.of("read")))
                .hasMessage("S3 source 's3://no-such-bucket/data': bucket 'no-such-bucket' does not exist at "
                        + S3.endpoint() + " (while listing the objects under 'data/'); create it, or correct the"
                        + " location");
    }

    @Test
    void wrongCredentialsAreAccessDeniedWithoutShowingThem() {
        StartNode<String> node = io.sluice
                .connectors
                .s3
                .S3
                .source("s3://" + bucket + "/data")
                .access(S3.access().withCredentials(S3TestServer.ACCESS_KEY, "not-the-secret"))
                .get();

        assertThatThrownBy(() -> node.open(TestContext.of("read")))
                .hasMessage("S3 source 's3://" + bucket + "/data': access denied while listing the objects under"
                        + " 'data/' at " + S3.endpoint() + " (SignatureDoesNotMatch): the credentials in use"
                        + " (AWS_ACCESS_KEY_ID, AWS_PROFILE or the role of the process) are wrong or not allowed to")
                .satisfies(e -> assertThat(e.toString()).doesNotContain("not-the-secret"));
    }

    @Test
    void anUnreachableEndpointFailsWithinTheTimeout() {
        int port = ServerProcess.freePort(); // nothing listens there
        StartNode<String> node = io.sluice
                .connectors
                .s3
                .S3
                .source("s3://" + bucket + "/data")
                .access(S3.access().withEndpoint("http://127.0.0.1:" + port).withTimeout(Duration.ofSeconds(2)))
                .get();
        long start = System.nanoTime();

        assertThatThrownBy(() -> node.open(TestContext.of("read")))
                .hasMessageStartingWith("S3 source 's3://" + bucket + "/data': cannot reach http://127.0.0.1:" + port
                        + " within 2 s (3 tries) while listing the objects under 'data/': ConnectException");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aCsvRecordWithTheWrongNumberOfFieldsFailsNamingObjectAndLine() {
        S3.put(bucket, "bad/1.csv", "a,b,c\n1,2,3\n\"x\ny\",5,6\n7,8\n");

        assertThatThrownBy(() -> readAll(source(io.sluice
                                .connectors
                                .s3
                                .S3
                                .source("s3://" + bucket + "/bad")
                                .format(Format.CSV))
                        .get()))
                .hasMessage("S3 source 's3://" + bucket + "/bad': object 'bad/1.csv' line 5: malformed CSV record:"
                        + " expected 3 fields as in the header [a, b, c] but found 2");
    }

    @Test
    void anUnfinishedCsvQuoteFailsNamingObjectAndLine() {
        S3.put(bucket, "bad/2.csv", "a,b\n1,2\n3,\"open\n");

        assertThatThrownBy(() -> readAll(source(io.sluice
                                .connectors
                                .s3
                                .S3
                                .source("s3://" + bucket + "/bad")
                                .format(Format.CSV))
                        .get()))
                .hasMessageStartingWith(
                        "S3 source 's3://" + bucket + "/bad': object 'bad/2.csv' line 3: malformed" + " CSV: ");
    }

    @Test
    void bytesThatAreNotUtf8FailNamingObjectLineAndByte() {
        byte[] text = "good\nalso good\nab\u00e9\n".getBytes(StandardCharsets.ISO_8859_1); // é as one Latin-1 byte
        S3.put(bucket, "latin/1.txt", text);

        assertThatThrownBy(() -> readAll(lines("latin").get()))
                .hasMessage("S3 source 's3://" + bucket + "/latin': object 'latin/1.txt' line 3: bytes that are not"
                        + " valid UTF-8 (at byte 2 of the line)");
    }

    @Test
    void bytesThatAreNotUtf8InCsvFailNamingTheirLine() {
        byte[] text = "a,b\n1,2\n3,\u00ff\n".getBytes(StandardCharsets.ISO_8859_1);
        S3.put(bucket, "latin/2.csv", text);

        assertThatThrownBy(() -> readAll(source(io.sluice
                                .connectors
                                .s3
                                .S3
                                .source("s3://" + bucket + "/latin")
                                .format(Format.CSV))
                        .get()))
                .hasMessage("S3 source 's3://" + bucket + "/latin': object 'latin/2.csv' line 3: bytes that are not"
                        + " valid UTF-8 (at byte 2 of the line)");
    }

    @Test
    void aJsonLineThatIsNotAnObjectFailsNamingItsLine() {
        S3.put(bucket, "j/1.jsonl", "{\"a\":1}\n[1,2]\n");
        S3.put(bucket, "k/1.jsonl", "{\"a\":1}\n{\"a\":\n");

        assertThatThrownBy(() -> readAll(source(io.sluice
                                .connectors
                                .s3
                                .S3
                                .source("s3://" + bucket + "/j")
                                .format(Format.JSON_LINES))
                        .get()))
                .hasMessage("S3 source 's3://" + bucket + "/j': object 'j/1.jsonl' line 2: expected a JSON object but"
                        + " found an array");
        assertThatThrownBy(() -> readAll(source(io.sluice
                                .connectors
                                .s3
                                .S3
                                .source("s3://" + bucket + "/k")
                                .format(Format.JSON_LINES))
                        .get()))
                .hasMessageStartingWith(
                        "S3 source 's3://" + bucket + "/k': object 'k/1.jsonl' line 2: not valid" + " JSON: ");
    }

    @Test
    void anObjectThatIsNotGzipFailsNamingIt() {
        S3.put(bucket, "nogz/1.txt.gz", "plain text\n");

        assertThatThrownBy(() -> readAll(lines("nogz").get()))
                .hasMessageStartingWith("S3 source 's3://" + bucket + "/nogz': object 'nogz/1.txt.gz' is not gzip");
    }

    @Test
    void aPositionOfAnotherNodeIsRefused() throws Exception {
        StartNode<String> node = lines("any").get();
        node.open(TestContext.of("read"));

        assertThatThrownBy(() -> ((Resumable) node).resume("42"))
                .hasMessage("S3 source 's3://" + bucket + "/any': expected a stored position written by an S3 source"
                        + " but found '42'; the checkpoint was written for another node");
        node.close();
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    static List<String> numbered(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }
}
