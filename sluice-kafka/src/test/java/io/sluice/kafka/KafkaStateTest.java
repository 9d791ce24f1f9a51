package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Emitter;
import io.sluice.KeyValueStore;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Partitioning;
import io.sluice.Robustness;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.testkit.KafkaBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stores on KAFKA: changelogs written with the output, and a failed attempt leaving nothing behind. */
class KafkaStateTest {

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int ITEMS = 3_000;

    /**
     * Counts per key in a store, emitting a marker before it fails once on every 10th item: the emit and the write of
     * the failed attempt must leave no trace.
     */
    static final class FlakyCount implements Node<Long, String> {
        private final Set<Long> failedOnce;
        private KeyValueStore<Long, Long> counts;

        FlakyCount(Set<Long> failedOnce) {
            this.failedOnce = failedOnce;
        }

        @Override
        public void open(NodeContext context) {
            counts = context.store("counts");
        }

        @Override
        public void process(Long item, Emitter<String> out) {
            long key = item % 7;
            counts.put(key, counts.getOrDefault(key, 0L) + 1);
            out.emit("seen " + item);
            if (item % 10 == 0 && failedOnce.add(item)) {
                throw new IllegalStateException("transient failure on " + item);
            }
        }

        @Override
        public void onComplete(Emitter<String> out) {
            counts.forEach((key, count) -> out.emit("count " + key + "=" + count));
        }
    }

    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void aReplayedRecordCommitsOnlyItsSuccessfulAttemptAndTheChangelogHoldsTheCounts(Guarantee guarantee)
            throws Exception {
        Set<Long> failedOnce = ConcurrentHashMap.newKeySet();
        String name = "state-" + RUN.incrementAndGet();
        ComputationalGraph graph = ComputationalGraph.builder(name)
                .start("numbers", Sources.generator(ITEMS, i -> i))
                .node("count", () -> new FlakyCount(failedOnce))
                .stores("counts")
                .parallelism(2)
                .end("out", Sinks.collect())
                .edge("numbers -> count", Partitioning.keyed((Long i) -> i % 7))
                .edge("count -> out")
                .robustness(Robustness.replay(3).withBackoff(Duration.ofMillis(1)))
                .build();
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(guarantee)
                .withDeleteTopicsOnClose(true);

        Map<String, Long> expected = new HashMap<>();
        for (long i = 0; i < ITEMS; i++) {
            expected.merge(Long.toString(i % 7), 1L, Long::sum);
        }
        Deployment deployment = graph.deploy(SystemType.KAFKA, options);
        try {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            List<String> out = deployment.results("out");
            assertThat(out.stream().filter(s -> s.startsWith("seen ")))
                    .as("each item's emit once: the failed attempt's emit was not sent")
                    .hasSize(ITEMS)
                    .doesNotHaveDuplicates();
            Map<String, Long> counts = new HashMap<>();
            out.stream().filter(s -> s.startsWith("count ")).forEach(s -> {
                String[] kv = s.substring(6).split("=");
                counts.put(kv[0], Long.parseLong(kv[1]));
            });
            assertThat(counts).as("the failed attempts' writes were undone").isEqualTo(expected);
            assertThat(failedOnce).hasSize(ITEMS / 10);

            Map<String, Long> changelog = readChangelog(options, TopicPlan.storeTopic(name, "count", "counts"));
            assertThat(changelog)
                    .as("the changelog holds the last count of every key")
                    .isEqualTo(expected);
            io.sluice.StoreView view = deployment.store("count", "counts");
            assertThat(view.<Long>get(3L)).as("read through the deployment").contains(expected.get("3"));
            assertThat(view.entries(100).total()).isEqualTo(7);
        } finally {
            deployment.close();
        }
    }

    /** Emits 1..10 and cannot say where it is. */
    static final class NotResumable implements io.sluice.StartNode<Long> {
        private long next = 1;

        @Override
        public boolean pull(Emitter<Long> out) {
            out.emit(next++);
            return next <= 10;
        }
    }

    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void aStartNodeThatCannotResumeIsNotRestartedOverItsCommittedOutputUnderExactlyOnce(Guarantee guarantee)
            throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("not-resumable-" + RUN.incrementAndGet())
                .start("numbers", NotResumable::new)
                .end("out", Sinks.collect())
                .edge("numbers -> out")
                .build();
        KafkaOptions first =
                KafkaOptions.of(KafkaBroker.shared().bootstrapServers()).withGuarantee(guarantee);
        try (Deployment deployment = graph.deploy(SystemType.KAFKA, first)) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
        }

        KafkaOptions again = first.withOnExisting(OnExisting.CONTINUE).withDeleteTopicsOnClose(true);
        try (Deployment deployment = graph.deploy(SystemType.KAFKA, again)) {
            if (guarantee == Guarantee.EXACTLY_ONCE) {
                assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                        .isInstanceOf(io.sluice.NodeFailedException.class)
                        .hasMessageContaining("Start node 'numbers' already committed output in an earlier run and"
                                + " cannot resume after it: its node does not implement io.sluice.Resumable, so"
                                + " starting it again would emit its items a second time; under exactly-once that"
                                + " is refused — implement Resumable (position and resume), or deploy the graph"
                                + " afresh");
            } else {
                assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
                assertThat(deployment.<Long>results("out"))
                        .as("the end node had ended in the first run: nothing lost, nothing counted twice")
                        .hasSize(10);
            }
        }
    }

    /** The last value of every key in a changelog, as a restarted instance would restore it. */
    private static Map<String, Long> readChangelog(KafkaOptions options, String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                options.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class);
        Map<String, Long> last = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    RecordHeaders keyHeaders = new RecordHeaders();
                    RecordHeaders valueHeaders = new RecordHeaders();
                    record.headers().forEach(h -> {
                        if (h.key().startsWith("sluice.key.")) {
                            keyHeaders.add(h.key().substring("sluice.key.".length()), h.value());
                        } else {
                            valueHeaders.add(h);
                        }
                    });
                    Object key = options.serde().deserialize(record.key(), keyHeaders);
                    Object value = options.serde().deserialize(record.value(), valueHeaders);
                    last.put(String.valueOf(key), (Long) value);
                }
            }
        }
        return last;
    }
}
