package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesAndSinksTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void fileLinesGoThroughToAFileSink() throws Exception {
        Path input = dir.resolve("in.txt");
        Path output = dir.resolve("out/upper.txt");
        List<String> lines =
                IntStream.range(0, 5_000).mapToObj(i -> "line " + i + " é").toList();
        Files.write(input, lines, StandardCharsets.UTF_8);
        ComputationalGraph graph = ComputationalGraph.builder("files")
                .start("read", Sources.lines(input))
                .map("upper", (String s) -> s.toUpperCase(java.util.Locale.ROOT))
                .parallelism(3)
                .end("write", Sinks.lines(output))
                .edge("read -> upper", Partitioning.roundRobin())
                .edge("upper -> write", Partitioning.global())
                .build();

        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
        }

        assertThat(Files.readAllLines(output, StandardCharsets.UTF_8))
                .containsExactlyInAnyOrderElementsOf(lines.stream()
                        .map(s -> s.toUpperCase(java.util.Locale.ROOT))
                        .toList());
    }

    @Test
    void missingInputFileIsNamedInTheFailure() {
        Path missing = dir.resolve("nope.txt");
        ComputationalGraph graph = ComputationalGraph.builder("missing")
                .start("read", Sources.lines(missing))
                .end("out", Sinks.collect())
                .edge("read -> out")
                .build();

        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .hasMessage("Node 'read' failed to open: UncheckedIOException: cannot read '" + missing
                            + "': no such file");
        }
    }

    @Test
    void sharedResourceSourcesRefuseParallelism() {
        ComputationalGraph graph = ComputationalGraph.builder("parallelfile")
                .start("read", Sources.lines(dir.resolve("x")))
                .parallelism(2)
                .end("out", Sinks.collect())
                .edge("read -> out", Partitioning.roundRobin())
                .build();

        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .hasMessageContaining("Sources.lines reads or writes one shared resource and runs with"
                            + " parallelism 1; found parallelism 2 on node 'read'; set its parallelism to 1 and raise"
                            + " it on the nodes downstream");
        }
    }

    @Test
    void stdinLinesAreReadUntilTheStreamEnds() throws Exception {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream("alpha\nbeta\ngamma\n".getBytes(StandardCharsets.UTF_8)));
        try {
            ComputationalGraph graph = ComputationalGraph.builder("stdin")
                    .start("in", Sources.stdin())
                    .end("out", Sinks.collect())
                    .edge("in -> out")
                    .build();
            try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
                assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
                assertThat(deployment.<String>results("out")).containsExactly("alpha", "beta", "gamma");
            }
        } finally {
            System.setIn(original);
        }
    }

    @Test
    void intervalTicksAtItsPeriodUntilClosed() throws Exception {
        List<Long> ticks = new CopyOnWriteArrayList<>();
        ComputationalGraph graph = ComputationalGraph.builder("timer")
                .start("every", Sources.interval(Duration.ofMillis(20), Duration.ofMillis(5)))
                .end("out", Sinks.<Long>callback(ticks::add))
                .edge("every -> out")
                .build();

        Instant started = Instant.now();
        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
            await().atMost(TIMEOUT).until(() -> deployment.status().node("out").itemsIn() >= 5);
        }
        assertThat(ticks.subList(0, 5)).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(Duration.between(started, Instant.now()))
                .as("five ticks 20 ms apart take at least 80 ms")
                .isGreaterThanOrEqualTo(Duration.ofMillis(80));
    }

    @Test
    void badTimerSettingsAreRefusedWhenTheGraphIsBuilt() {
        assertThatThrownBy(() -> Sources.interval(Duration.ZERO, Duration.ZERO))
                .hasMessage("Sources.interval: period must be positive, found PT0S");
        assertThatThrownBy(() -> Sources.cron("61 * * * *"))
                .hasMessage("cron expression '61 * * * *', minute field: must be from 0 to 59, found 61");
        assertThatThrownBy(() -> Sources.cron("* * *"))
                .hasMessage("cron expression '* * *': expected 5 fields (minute hour day-of-month month day-of-week)"
                        + " but found 3");
        assertThatThrownBy(() -> Sources.cron("* * * FOO *"))
                .hasMessage("cron expression '* * * FOO *', month field: expected a number from 1 to 12 or a name"
                        + " such as JAN but found 'FOO'");
    }

    @Test
    void inboxFeedsItsStartNodeUntilClosedAndDrained() throws Exception {
        Inbox<Integer> inbox = Inbox.of(Integer.class, 4);
        ComputationalGraph graph = ComputationalGraph.builder("inbox")
                .start("in", Sources.inbox(inbox))
                .end("out", Sinks.collect())
                .edge("in -> out")
                .build();

        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
            for (int i = 0; i < 100; i++) {
                assertThat(inbox.offer(i, TIMEOUT)).isTrue();
            }
            assertThat(deployment.awaitCompletion(Duration.ofMillis(300)))
                    .as("open inbox: still running")
                    .isFalse();
            inbox.close();
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(deployment.<Integer>results("out"))
                    .containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
        }
        assertThatThrownBy(() -> inbox.offer(1, TIMEOUT))
                .hasMessage("the inbox is closed; its start node has ended or" + " is ending");
    }

    @Test
    void stdoutSinkPrintsALinePerItem() throws Exception {
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            ComputationalGraph graph = ComputationalGraph.builder("printing")
                    .start("numbers", Sources.collection(List.of(1, 2, 3)))
                    .end("print", Sinks.stdout())
                    .edge("numbers -> print")
                    .build();
            try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
                assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            }
        } finally {
            System.setOut(original);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("1%n2%n3%n".formatted());
    }

    @Test
    void callbackAndDiscardSinksTakeEveryItem() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        ComputationalGraph graph = ComputationalGraph.builder("callbacks")
                .start("numbers", Sources.collection(List.of(1, 2, 3)))
                .broadcast("copy")
                .end("callback", Sinks.<Integer>callback(seen::add))
                .end("discard", Sinks.discard())
                .edge("numbers -> copy -> callback")
                .edge("copy -> discard")
                .build();

        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(deployment.status().node("discard").itemsIn()).isEqualTo(3);
        }
        assertThat(seen).containsExactly(1, 2, 3);
    }
}
