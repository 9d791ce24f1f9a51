package io.sluice.bench;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Emitter;
import io.sluice.EndNode;
import io.sluice.NodeContext;
import io.sluice.StartNode;
import io.sluice.SystemType;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.testkit.KafkaBroker;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * End-to-end benchmark on one real broker (in this JVM): a 3-node chain — start → map/filter → end — where items
 * cross Kafka twice, run by Sluice, by Kafka Streams (the same topology) and by raw producer→consumer code, in the
 * same run. Reports items/s for a bounded burst, and p50/p99 end-to-end latency at a fixed offered load, for
 * at-least-once and exactly-once.
 *
 * <p>Run: {@code java -cp sluice-bench/target/benchmarks.jar io.sluice.bench.KafkaChainBenchmark [items] [rate]
 * [contenders] [guarantees]}: {@code rate} 0 (the default) measures latency at half the slowest contender's
 * throughput; {@code contenders} is a comma-separated subset of {@code raw,streams,sluice} (all three by default) and
 * {@code guarantees} one of {@code AT_LEAST_ONCE,EXACTLY_ONCE} (both by default), to compare or profile two builds of
 * one contender without the others' time.
 */
public final class KafkaChainBenchmark {

    private static final AtomicInteger RUN = new AtomicInteger();

    /** The commit interval of every contender: Sluice's default, set for Kafka Streams and the raw peer. */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

    private final KafkaBroker kafka;

    private KafkaChainBenchmark(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int fixedRate = args.length > 1 ? Integer.parseInt(args[1]) : 0; // 0: half the slowest contender's throughput
        List<String> chosen = List.of((args.length > 2 ? args[2] : "raw,streams,sluice").split(","));
        List<Guarantee> guarantees = args.length > 3
                ? Arrays.stream(args[3].split(",")).map(Guarantee::valueOf).toList()
                : List.of(Guarantee.values());
        try (KafkaBroker kafka = KafkaBroker.start()) {
            KafkaChainBenchmark bench = new KafkaChainBenchmark(kafka);
            System.out.printf(Locale.ROOT, "%-34s %14s %10s %10s%n", "run", "items/s", "p50 ms", "p99 ms");
            for (Guarantee guarantee : guarantees) {
                Map<String, Chain> contenders = new java.util.LinkedHashMap<>();
                if (chosen.contains("raw")) {
                    contenders.put("raw clients", bench::raw);
                }
                if (chosen.contains("streams")) {
                    contenders.put("kafka streams", bench::streams);
                }
                if (chosen.contains("sluice")) {
                    contenders.put("sluice", bench::sluice);
                }
                if (contenders.isEmpty()) {
                    throw new IllegalArgumentException(
                            "No contender in '" + String.join(",", chosen) + "'; expected some of raw,streams,sluice");
                }
                bench.warmUp(guarantee, contenders.values());
                Map<String, Double> throughput = new java.util.LinkedHashMap<>();
                for (Map.Entry<String, Chain> contender : contenders.entrySet()) {
                    throughput.put(contender.getKey(), bench.throughput(contender.getValue(), guarantee, items));
                }
                // latency where every contender keeps up: half of the sustainable rate of the slowest
                int rate = fixedRate > 0
                        ? fixedRate
                        : (int) (throughput.values().stream()
                                        .mapToDouble(Double::doubleValue)
                                        .min()
                                        .orElseThrow()
                                / 2);
                System.out.printf(Locale.ROOT, "%s: latency at %,d items/s%n", guarantee, rate);
                for (Map.Entry<String, Chain> contender : contenders.entrySet()) {
                    report(
                            contender.getKey() + " " + guarantee,
                            throughput.get(contender.getKey()),
                            bench.latency(contender.getValue(), guarantee, rate));
                }
                if (contenders.size() == 3) {
                    System.out.printf(
                            Locale.ROOT,
                            "sluice / kafka streams, %s: %.2f; sluice / raw clients: %.2f%n",
                            guarantee,
                            throughput.get("sluice") / throughput.get("kafka streams"),
                            throughput.get("sluice") / throughput.get("raw clients"));
                }
            }
        }
    }

    /** One contender: moves {@code items} through the chain, pacing the source at {@code rate}/s (0: as fast as it can). */
    @FunctionalInterface
    interface Chain {
        void run(Guarantee guarantee, int items, int rate, LongConsumer arrived) throws Exception;
    }

    private void warmUp(Guarantee guarantee, java.util.Collection<Chain> chains) throws Exception {
        for (Chain chain : chains) {
            chain.run(guarantee, 50_000, 0, t -> {});
        }
    }

    private static void report(String name, double itemsPerSecond, long[] latenciesNanos) {
        Arrays.sort(latenciesNanos);
        System.out.printf(
                Locale.ROOT,
                "%-34s %,14.0f %10.1f %10.1f%n",
                name,
                itemsPerSecond,
                percentile(latenciesNanos, 0.50) / 1e6,
                percentile(latenciesNanos, 0.99) / 1e6);
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }

    /**
     * Items per second of a burst of {@code items}; also prints the CPU time the whole process (broker included) spent
     * per item meanwhile, a figure that other processes on a shared machine disturb less than the wall clock.
     */
    private double throughput(Chain chain, Guarantee guarantee, int items) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        chain.run(guarantee, items, 0, t -> {});
        double perSecond = items / ((System.nanoTime() - start) / 1e9);
        System.out.printf(
                Locale.ROOT,
                "  (throughput run: %.2f us CPU per item)%n",
                (os.getProcessCpuTime() - cpu) / 1e3 / items);
        return perSecond;
    }

    /** Five seconds at {@code rate}/s; each item carries its creation time, and the end records its age. */
    private long[] latency(Chain chain, Guarantee guarantee, int rate) throws Exception {
        int items = rate * 5;
        long[] latencies = new long[items];
        AtomicInteger seen = new AtomicInteger();
        chain.run(guarantee, items, rate, created -> {
            int i = seen.getAndIncrement();
            if (i < latencies.length) {
                latencies[i] = System.nanoTime() - created;
            }
        });
        return Arrays.copyOf(latencies, Math.min(seen.get(), latencies.length));
    }

    /** Paces emission: how many items should exist {@code elapsed} ns after the start at {@code rate}/s. */
    private static long due(long elapsedNanos, int rate, int items) {
        return rate == 0 ? items : Math.min(items, elapsedNanos * rate / 1_000_000_000L + 1);
    }

    // ---- Sluice ----

    private void sluice(Guarantee guarantee, int items, int rate, LongConsumer arrived) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("bench-sluice-" + RUN.incrementAndGet())
                .start("source", () -> new PacedSource(items, rate))
                .node("mapFilter", (Long x, Emitter<Long> out) -> {
                    if (keep(x)) {
                        out.emit(x);
                    }
                })
                .end("sink", () -> new Arrivals(arrived))
                .edge("source -> mapFilter -> sink")
                .build();
        KafkaOptions options = KafkaOptions.of(kafka.bootstrapServers())
                .withGuarantee(guarantee)
                .withDeleteTopicsOnClose(true);
        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options)) {
            if (!deployment.awaitCompletion(Duration.ofMinutes(10))) {
                throw new IllegalStateException("sluice run did not complete: " + deployment.status());
            }
        }
    }

    /** Emits creation timestamps, paced at a rate (0: as fast as it can), in bursts of up to 500. */
    static final class PacedSource implements StartNode<Long> {
        private final int items;
        private final int rate;
        private long start;
        private long emitted;

        PacedSource(int items, int rate) {
            this.items = items;
            this.rate = rate;
        }

        @Override
        public void open(NodeContext context) {
            start = System.nanoTime();
        }

        @Override
        public boolean pull(Emitter<Long> emitter) throws InterruptedException {
            long due = due(System.nanoTime() - start, rate, items);
            if (due <= emitted) {
                Thread.sleep(0, 200_000);
                return true;
            }
            for (int i = 0; i < 500 && emitted < due; i++, emitted++) {
                emitter.emit(System.nanoTime());
            }
            return emitted < items;
        }
    }

    /** Hands each arrival to the benchmark. */
    static final class Arrivals implements EndNode<Long> {
        private final LongConsumer arrived;

        Arrivals(LongConsumer arrived) {
            this.arrived = arrived;
        }

        @Override
        public void process(Long created) {
            arrived.accept(created);
        }
    }

    // ---- raw clients ----

    private void raw(Guarantee guarantee, int items, int rate, LongConsumer arrived) throws Exception {
        String in = "bench-raw-in-" + RUN.incrementAndGet();
        String out = in.replace("-in-", "-out-");
        kafka.createTopics(1, in, out);
        Thread source = new Thread(() -> produce(in, items, rate, guarantee));
        Thread middle = new Thread(() -> mapFilter(in, out, items, guarantee));
        source.start();
        middle.start();
        consume(out, items, guarantee, arrived);
        source.join();
        middle.join();
        deleteTopics(in, out);
    }

    private void produce(String topic, int items, int rate, Guarantee guarantee) {
        try (KafkaProducer<Long, Long> producer =
                new KafkaProducer<>(PeerClients.producer(kafka.bootstrapServers(), guarantee, "raw-source-" + topic))) {
            if (guarantee == Guarantee.EXACTLY_ONCE) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            long start = System.nanoTime();
            long sent = 0;
            while (sent < items) {
                long due = due(System.nanoTime() - start, rate, items);
                if (due <= sent) {
                    Thread.sleep(0, 200_000);
                    continue;
                }
                for (; sent < due; sent++) {
                    producer.send(new ProducerRecord<>(topic, System.nanoTime()));
                }
                if (guarantee == Guarantee.EXACTLY_ONCE) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                }
            }
            if (guarantee == Guarantee.EXACTLY_ONCE) {
                producer.commitTransaction();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The hand-written middle node: consume, keep 6 in 7, produce, commit after the output is acknowledged. */
    private void mapFilter(String in, String out, int items, Guarantee guarantee) {
        boolean eos = guarantee == Guarantee.EXACTLY_ONCE;
        try (KafkaConsumer<Long, Long> consumer = new KafkaConsumer<>(
                        PeerClients.consumer(kafka.bootstrapServers(), guarantee, "raw-middle-" + in));
                KafkaProducer<Long, Long> producer = new KafkaProducer<>(
                        PeerClients.producer(kafka.bootstrapServers(), guarantee, "raw-middle-" + in))) {
            consumer.subscribe(List.of(in));
            if (eos) {
                producer.initTransactions();
            }
            long read = 0;
            // commits every COMMIT_INTERVAL, as Sluice's workers and Kafka Streams do, not once per poll
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> pending =
                    new java.util.HashMap<>();
            boolean open = false;
            long lastCommit = System.nanoTime();
            while (read < items || !pending.isEmpty()) {
                var records = consumer.poll(Duration.ofMillis(read < items ? 100 : 0));
                if (!records.isEmpty()) {
                    if (eos && !open) {
                        producer.beginTransaction();
                        open = true;
                    }
                    for (ConsumerRecord<Long, Long> record : records) {
                        read++;
                        if (keep(record.value())) {
                            producer.send(new ProducerRecord<>(out, record.value()));
                        }
                    }
                    pending.putAll(nextOffsets(records));
                }
                boolean due = System.nanoTime() - lastCommit >= COMMIT_INTERVAL.toNanos() || read >= items;
                if (due && !pending.isEmpty()) {
                    if (eos) {
                        producer.sendOffsetsToTransaction(pending, consumer.groupMetadata());
                        producer.commitTransaction();
                        open = false;
                    } else {
                        producer.flush();
                        consumer.commitSync(pending);
                    }
                    pending.clear();
                    lastCommit = System.nanoTime();
                }
            }
        }
    }

    private static Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata>
            nextOffsets(org.apache.kafka.clients.consumer.ConsumerRecords<Long, Long> records) {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets =
                new java.util.HashMap<>();
        for (var partition : records.partitions()) {
            var list = records.records(partition);
            offsets.put(
                    partition,
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(
                            list.get(list.size() - 1).offset() + 1));
        }
        return offsets;
    }

    // ---- Kafka Streams ----

    private void streams(Guarantee guarantee, int items, int rate, LongConsumer arrived) throws Exception {
        String in = "bench-streams-in-" + RUN.incrementAndGet();
        String out = in.replace("-in-", "-out-");
        kafka.createTopics(1, in, out);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.ByteArray(), Serdes.Long()))
                .mapValues(x -> x)
                .filter((k, x) -> keep(x))
                .to(out, Produced.with(Serdes.ByteArray(), Serdes.Long()));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, in);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(
                StreamsConfig.STATE_DIR_CONFIG,
                java.nio.file.Files.createTempDirectory("streams").toString());
        config.put(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                guarantee == Guarantee.EXACTLY_ONCE ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) COMMIT_INTERVAL.toMillis());
        // the clients' settings Sluice's own and the raw peer's use (PeerClients)
        config.put(StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG), 5);
        config.put(
                StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.BATCH_SIZE_CONFIG),
                128 * 1024);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        try (KafkaStreams app = new KafkaStreams(builder.build(), config)) {
            app.start();
            Thread source = new Thread(() -> produce(in, items, rate, guarantee));
            source.start();
            consume(out, items, guarantee, arrived);
            source.join();
        }
        deleteTopics(in, out);
    }

    // ---- shared ----

    /**
     * The filter of every contender. Items are creation timestamps, which must all arrive for the latency figures, so
     * the test is real work that keeps every item.
     */
    static boolean keep(long timestamp) {
        return timestamp != Long.MIN_VALUE;
    }

    /** Reads {@code topic} until {@code expected} records have arrived. */
    private void consume(String topic, int expected, Guarantee guarantee, LongConsumer arrived) {
        long received = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        try (KafkaConsumer<Long, Long> consumer =
                new KafkaConsumer<>(PeerClients.consumer(kafka.bootstrapServers(), guarantee, "end-" + topic))) {
            consumer.subscribe(List.of(topic));
            while (received < expected) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("only " + received + " of " + expected + " arrived on " + topic);
                }
                for (ConsumerRecord<Long, Long> record : consumer.poll(Duration.ofMillis(50))) {
                    arrived.accept(record.value());
                    received++;
                }
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
