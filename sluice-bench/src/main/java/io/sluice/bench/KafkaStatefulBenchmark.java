package io.sluice.bench;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Emitter;
import io.sluice.EndNode;
import io.sluice.KeyValueStore;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Partitioning;
import io.sluice.SystemType;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.KafkaSources;
import io.sluice.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * End-to-end keyed count on one real broker (in this JVM): a topic pre-filled with N records over K keys is counted
 * per key by Sluice (a {@link KafkaSources} start node → a count node keeping its counts in a store behind a keyed
 * edge, parallelism 2 → an end node), by Kafka Streams ({@code groupByKey().count()}: RocksDB store, changelog, record
 * cache at its default) and by a hand-written consumer loop with a {@code HashMap} (no output, no changelog: the
 * ceiling), in the same run, under at-least-once and exactly-once.
 *
 * <p>Each contender is timed from its start (deploy, {@code KafkaStreams.start()}, consumer creation) until the last
 * count is out: until the counts seen downstream — the latest per key — add up to N. Every run checks that they do,
 * and that every key was counted.
 *
 * <p>Run: {@code java -cp sluice-bench/target/benchmarks.jar io.sluice.bench.KafkaStatefulBenchmark [items] [keys]
 * [rounds] [only]}, where {@code only} keeps the contenders whose name and guarantee contain it.
 */
public final class KafkaStatefulBenchmark {

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final int PARTITIONS = 2;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final KafkaBroker kafka;

    private KafkaStatefulBenchmark(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        String only = args.length > 3 ? args[3] : ""; // e.g. "sluice" or "EXACTLY_ONCE", to profile one contender
        try (KafkaBroker kafka = KafkaBroker.start()) {
            KafkaStatefulBenchmark bench = new KafkaStatefulBenchmark(kafka);
            String warmUp = bench.fill("bench-state-warmup", 100_000, keys);
            String input = bench.fill("bench-state-in", items, keys);
            System.out.printf(Locale.ROOT, "%d items over %d keys, %d partitions%n", items, keys, PARTITIONS);
            System.out.printf(Locale.ROOT, "%-34s %14s %10s %16s%n", "run", "items/s", "s", "drain items/s");
            for (Guarantee guarantee : Guarantee.values()) {
                List<Contender> contenders = Stream.of(
                                new Contender("raw consumer + HashMap", bench::raw),
                                new Contender("kafka streams", bench::streams),
                                new Contender("sluice", (t, n, k, g) -> bench.sluice(t, n, k, g, false)),
                                new Contender(
                                        "sluice, updates per commit", (t, n, k, g) -> bench.sluice(t, n, k, g, true)))
                        .filter(c -> (c.name + " " + guarantee).contains(only))
                        .toList();
                if (contenders.isEmpty()) {
                    continue;
                }
                for (Contender contender : contenders) {
                    contender.count.run(warmUp, 100_000, keys, guarantee);
                }
                Map<String, List<Double>> rates = new HashMap<>();
                Map<String, List<Double>> drains = new HashMap<>();
                for (int round = 0; round < rounds; round++) {
                    for (Contender contender : contenders) {
                        Timing timing = contender.count.run(input, items, keys, guarantee);
                        double rate = items / (timing.total() / 1e9);
                        double drain = items / (timing.drain() / 1e9);
                        rates.computeIfAbsent(contender.name, n -> new ArrayList<>())
                                .add(rate);
                        drains.computeIfAbsent(contender.name, n -> new ArrayList<>())
                                .add(drain);
                        System.out.printf(
                                Locale.ROOT,
                                "%-34s %,14.0f %10.2f %,16.0f%n",
                                contender.name + " " + guarantee,
                                rate,
                                timing.total() / 1e9,
                                drain);
                    }
                }
                if (!rates.containsKey("sluice") || !rates.containsKey("kafka streams")) {
                    continue;
                }
                System.out.printf(
                        Locale.ROOT,
                        "sluice / kafka streams, %s (medians): %.2f from start, %.2f drain%n",
                        guarantee,
                        median(rates.get("sluice")) / median(rates.get("kafka streams")),
                        median(drains.get("sluice")) / median(drains.get("kafka streams")));
            }
        }
    }

    private record Contender(String name, Count count) {}

    /** One contender: counts {@code topic} per key. */
    @FunctionalInterface
    interface Count {
        Timing run(String topic, int items, int keys, Guarantee guarantee) throws Exception;
    }

    /**
     * Nanoseconds from the contender's start to the last count out ({@code total}), and from the first count out to
     * the last ({@code drain}: the same without start-up).
     */
    record Timing(long total, long drain) {}

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /**
     * Writes {@code items} records {@code i % keys → i % keys} (8-byte big-endian longs) to a new topic. The header
     * tells Sluice's default serde that the value is a long; Kafka Streams and the raw loop ignore it.
     */
    private String fill(String topic, int items, int keys) throws Exception {
        return fill(kafka, topic, PARTITIONS, items, keys);
    }

    /** As {@link #fill(String, int, int)}, on a topic of {@code partitions} created on {@code kafka}. */
    static String fill(KafkaBroker kafka, String topic, int partitions, int items, int keys) throws Exception {
        kafka.createTopics(partitions, topic);
        try (KafkaProducer<Long, Long> producer =
                new KafkaProducer<>(PeerClients.producer(kafka.bootstrapServers(), Guarantee.AT_LEAST_ONCE, null))) {
            byte[] format = "long".getBytes(StandardCharsets.UTF_8);
            for (long i = 0; i < items; i++) {
                long key = i % keys;
                RecordHeaders headers = new RecordHeaders();
                headers.add("sluice.format", format);
                producer.send(new ProducerRecord<Long, Long>(topic, null, key, key, headers));
            }
            producer.flush();
        }
        return topic;
    }

    // ---- Sluice ----

    /**
     * Sluice's run; with {@code perCommit} the count node sends each changed key's count once per commit interval,
     * as Kafka Streams' record cache does, rather than once per item.
     */
    private Timing sluice(String topic, int items, int keys, Guarantee guarantee, boolean perCommit) throws Exception {
        Totals totals = new Totals(items);
        KafkaOptions options = KafkaOptions.of(kafka.bootstrapServers())
                .withGuarantee(guarantee)
                .withDeleteTopicsOnClose(true);
        ComputationalGraph graph = ComputationalGraph.builder("bench-state-sluice-" + RUN.incrementAndGet())
                .start("read", KafkaSources.topic(options, topic).untilEnd())
                .node("count", perCommit ? CachedStoreCount::new : StoreCount::new)
                .stores("counts")
                .parallelism(2)
                .end("sink", () -> new TotalsSink(totals))
                .edge("read -> count", Partitioning.keyed((Long key) -> key))
                .edge("count -> sink")
                .build();
        long start = System.nanoTime();
        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options)) {
            if (!deployment.awaitCompletion(TIMEOUT)) {
                throw new IllegalStateException("sluice run did not complete: " + deployment.status());
            }
        }
        totals.check("sluice", keys);
        return new Timing(totals.doneNanos() - start, totals.drainNanos());
    }

    /**
     * Counts each key in a store and emits the running count, packed with the key in one long ({@code key << 32 |
     * count}) so that the edge carries 8 bytes a record, as Kafka Streams' {@code Long} output does.
     */
    static final class StoreCount implements Node<Long, Long> {
        private KeyValueStore<Long, Long> counts;

        @Override
        public void open(NodeContext context) {
            counts = context.store("counts");
        }

        @Override
        public void process(Long key, Emitter<Long> out) {
            long count = counts.getOrDefault(key, 0L) + 1;
            counts.put(key, count);
            out.emit(key << 32 | count);
        }
    }

    /**
     * The same count, sending each changed key's count once per 100 ms (the commit interval) and at the end, as Kafka
     * Streams' record cache forwards at most one update per key per commit.
     */
    static final class CachedStoreCount implements Node<Long, Long> {
        private final java.util.Set<Long> changed = new java.util.HashSet<>();
        private KeyValueStore<Long, Long> counts;

        @Override
        public void open(NodeContext context) {
            counts = context.store("counts");
            context.tickEvery(java.time.Duration.ofMillis(100));
        }

        @Override
        public void process(Long key, Emitter<Long> out) {
            counts.put(key, counts.getOrDefault(key, 0L) + 1);
            changed.add(key);
        }

        @Override
        public void onTick(Emitter<Long> out) {
            for (Long key : changed) {
                out.emit(key << 32 | counts.get(key));
            }
            changed.clear();
        }

        @Override
        public void onComplete(Emitter<Long> out) {
            onTick(out);
        }
    }

    /** Hands each packed count to the totals. */
    static final class TotalsSink implements EndNode<Long> {
        private final Totals totals;

        TotalsSink(Totals totals) {
            this.totals = totals;
        }

        @Override
        public void process(Long packed) {
            totals.update(packed >>> 32, packed & 0xFFFF_FFFFL);
        }
    }

    // ---- Kafka Streams ----

    private Timing streams(String topic, int items, int keys, Guarantee guarantee) throws Exception {
        String out = "bench-state-streams-out-" + RUN.incrementAndGet();
        kafka.createTopics(PARTITIONS, out);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.Long(), Serdes.Long()))
                .groupByKey()
                .count()
                .toStream()
                .to(out, Produced.with(Serdes.Long(), Serdes.Long()));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, out);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Files.createTempDirectory("streams").toString());
        config.put(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                guarantee == Guarantee.EXACTLY_ONCE ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, PARTITIONS); // as Sluice's count node's parallelism
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        // Sluice's client settings (Clients): linger 5 ms, 128 KiB batches, acks all, 2000 records a poll.
        config.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        config.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 128 * 1024);
        config.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        Totals totals = new Totals(items);
        long start = System.nanoTime();
        try (KafkaStreams app = new KafkaStreams(builder.build(), config)) {
            app.start();
            readCounts(out, guarantee, totals);
        }
        totals.check("kafka streams", keys);
        deleteTopics(out);
        return new Timing(totals.doneNanos() - start, totals.drainNanos());
    }

    /** Reads {@code topic} (key → count) until the latest count of every key adds up to the items. */
    private void readCounts(String topic, Guarantee guarantee, Totals totals) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Map<String, Object> config = PeerClients.consumer(kafka.bootstrapServers(), guarantee, null);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic);
        try (KafkaConsumer<Long, Long> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            while (!totals.done()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("counts on " + topic + " add up to " + totals.total() + " only");
                }
                for (ConsumerRecord<Long, Long> record : consumer.poll(Duration.ofMillis(20))) {
                    totals.update(record.key(), record.value());
                }
            }
        }
    }

    // ---- raw consumer ----

    /** The ceiling: one consumer reads the topic and counts in a HashMap; nothing is written, nothing committed. */
    private Timing raw(String topic, int items, int keys, Guarantee guarantee) {
        Totals totals = new Totals(items);
        long start = System.nanoTime();
        long first = 0;
        Map<Long, Long> counts = new HashMap<>();
        try (KafkaConsumer<Long, Long> consumer =
                new KafkaConsumer<>(PeerClients.consumer(kafka.bootstrapServers(), guarantee, null))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<Long, Long> record : consumer.poll(Duration.ofMillis(100))) {
                    if (first == 0) {
                        first = System.nanoTime();
                    }
                    counts.merge(record.key(), 1L, Long::sum);
                }
            }
        }
        long done = System.nanoTime();
        counts.forEach(totals::update);
        totals.check("raw consumer", keys);
        return new Timing(done - start, done - first);
    }

    // ---- shared ----

    /**
     * The latest count of each key seen downstream, and their sum; notes the time the sum reached the items. Written by
     * one thread at a time (the sink or the reader); read after it finished.
     */
    static final class Totals {
        private final long items;
        private final Map<Long, Long> latest = new HashMap<>();
        private final AtomicLong firstNanos = new AtomicLong();
        private final AtomicLong doneNanos = new AtomicLong();
        private long total;

        Totals(long items) {
            this.items = items;
        }

        /** Counts of a key only grow, so a count below the latest one is an older update arriving late. */
        void update(long key, long count) {
            if (firstNanos.get() == 0) {
                firstNanos.set(System.nanoTime());
            }
            Long before = latest.get(key);
            if (before == null || count > before) {
                latest.put(key, count);
                total += count - (before == null ? 0 : before);
                if (total == items) {
                    doneNanos.compareAndSet(0, System.nanoTime());
                }
            }
        }

        boolean done() {
            return total == items;
        }

        long total() {
            return total;
        }

        long doneNanos() {
            return doneNanos.get();
        }

        /** From the first count out to the last: the drain without start-up. */
        long drainNanos() {
            return doneNanos.get() - firstNanos.get();
        }

        /** Fails the run unless every key was counted and the counts add up to the items. */
        void check(String contender, int keys) {
            if (total != items || latest.size() != keys) {
                throw new IllegalStateException(contender + ": expected " + items + " items over " + keys
                        + " keys but the counts add up to " + total + " over " + latest.size() + " keys");
            }
        }
    }

    private void deleteTopics(String... topics) {
        try (var admin = kafka.admin()) {
            admin.deleteTopics(List.of(topics)).all().get();
        } catch (Exception e) {
            System.err.println("could not delete " + List.of(topics) + ": " + e);
        }
    }
}
