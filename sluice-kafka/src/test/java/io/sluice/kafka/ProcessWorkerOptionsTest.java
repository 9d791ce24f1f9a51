package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.GraphFactory;
import io.sluice.NodeFailedException;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.kafka.internal.WorkerOptions;
import io.sluice.testkit.KafkaBroker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Worker processes get every field of KafkaOptions, an explicit class path and JVM options. */
class ProcessWorkerOptionsTest {

    private static final String SERDE_HEADER = "test.serde";
    private static final String PID_HEADER = "test.interceptor.pid";

    @TempDir
    Path logs;

    /** JSON, with a header saying this serde wrote the record. */
    public static final class TaggingSerde implements Serde {
        @Override
        public byte[] serialize(Object item, Headers headers) {
            headers.add(SERDE_HEADER, "tagging".getBytes(StandardCharsets.UTF_8));
            return Serdes.json().serialize(item, headers);
        }

        @Override
        public Object deserialize(byte[] data, Headers headers) {
            if (headers.lastHeader(SERDE_HEADER) == null) {
                throw new IllegalStateException("a record not written by TaggingSerde");
            }
            return Serdes.json().deserialize(data, headers);
        }
    }

    /** A serde a worker process cannot make: it has no no-argument constructor. */
    public static final class ConfiguredSerde implements Serde {
        private final String setting;

        public ConfiguredSerde(String setting) {
            this.setting = setting;
        }

        @Override
        public byte[] serialize(Object item, Headers headers) {
            return Serdes.json().serialize(item, headers);
        }

        @Override
        public Object deserialize(byte[] data, Headers headers) {
            return setting == null ? null : Serdes.json().deserialize(data, headers);
        }
    }

    /**
     * Given as the client property {@code interceptor.classes}: every record a producer of this JVM sends carries the
     * JVM's pid, so a record shows which process wrote it with which client properties.
     */
    public static final class PidInterceptor
            implements ProducerInterceptor<byte[], byte[]>, ConsumerInterceptor<byte[], byte[]> {
        @Override
        public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
            record.headers()
                    .add(
                            PID_HEADER,
                            Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8));
            return record;
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

        @Override
        public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

        @Override
        public void close() {}

        @Override
        public void configure(Map<String, ?> configs) {}
    }

    /** Numbers, each turned into the value of the JVM option the worker process was given. */
    public static final class Probing implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return ComputationalGraph.builder("probing")
                    .start("in", Sources.collection(List.of(1, 2, 3)))
                    .map("probe", (Integer i) -> i + ":" + System.getProperty("sluice.test.probe"))
                    .end("out", Sinks.collect())
                    .edge("in -> probe -> out")
                    .build();
        }
    }

    public static final class Unloadable implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return ComputationalGraph.builder("unloadable")
                    .start("in", Sources.collection(List.of(1)))
                    .end("out", Sinks.collect())
                    .edge("in -> out")
                    .build();
        }
    }

    @Test
    void everyOptionSurvivesTheTripToAWorker() throws Exception {
        KafkaOptions options = KafkaOptions.of("kafka-1:9092,kafka-2:9092")
                .withGuarantee(Guarantee.EXACTLY_ONCE)
                .withReplicationFactor(3)
                .withDeleteTopicsOnClose(true)
                .withTimeout(Duration.ofMillis(12_345))
                .withSerde(new TaggingSerde())
                .withClientProperties(Map.of("security.protocol", "SASL_SSL", "sasl.jaas.config", "secret = \"x=y\""))
                .withCommitInterval(Duration.ofNanos(1_500_000))
                .withOnExisting(OnExisting.FRESH)
                .withAllowedTypes(TaggingSerde.class, ProcessWorkerOptionsTest.class)
                .withAllowedPackages("com.acme.model", "org.example")
                .withKeptResults(42)
                .withElasticNodes("enrich", "score");
        ByteArrayOutputStream written = new ByteArrayOutputStream();

        WorkerOptions.write(options, written);
        KafkaOptions read = WorkerOptions.read(new ByteArrayInputStream(written.toByteArray()));

        assertThat(read.serde()).isInstanceOf(TaggingSerde.class);
        assertThat(read.withSerde(options.serde())).isEqualTo(options);
        assertThat(WorkerOptions.summary(read))
                .as("the summary a worker logs names client properties but never shows their values")
                .isEqualTo("guarantee=exactly-once, replication=3, timeout=PT12.345S, commit-interval=PT0.0015S,"
                        + " serde=" + TaggingSerde.class.getName() + ", allowed types=["
                        + ProcessWorkerOptionsTest.class.getName() + ", " + TaggingSerde.class.getName() + "],"
                        + " allowed packages=[com.acme.model, org.example], kept results=42,"
                        + " elastic nodes=[enrich, score], client properties=[sasl.jaas.config, security.protocol]");
        assertThat(WorkerOptions.read(
                        new ByteArrayInputStream("bootstrap=k:1\nserde=json\n".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(KafkaOptions.of("k:1"));
    }

    @Test
    void badWorkerOptionsAreNamed() {
        assertThatThrownBy(() -> read("bootstrap=k:1\ncommit-interval=100ms\n"))
                .hasMessage("Worker options: property 'commit-interval' is '100ms'; expected an ISO-8601 duration such"
                        + " as PT30S");
        assertThatThrownBy(() -> read("bootstrap=k:1\ncommit-intervall=PT1S\n"))
                .hasMessage(
                        "Worker options: unknown property 'commit-intervall'; expected one of [bootstrap, guarantee,"
                                + " replication, timeout, commit-interval, delete-topics-on-close, on-existing, serde,"
                                + " allowed-types, allowed-packages, kept-results, elastic] or client.<Kafka client property>");
        assertThatThrownBy(() -> read("bootstrap=k:1\nallowed-packages=java.util\n"))
                .hasMessageStartingWith("Worker options: property 'allowed-packages': AllowedTypes.packages:"
                        + " 'java.util' is part of the JDK");
        assertThatThrownBy(() -> read("bootstrap=k:1\nserde=" + ConfiguredSerde.class.getName() + "\n"))
                .hasMessage("Serde '" + ConfiguredSerde.class.getName() + "': a worker makes its serde from the class"
                        + " name, so it needs a public class with a public no-argument constructor, but it has none");
    }

    private static KafkaOptions read(String properties) throws Exception {
        return WorkerOptions.read(new ByteArrayInputStream(properties.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aSerdeWithoutANoArgumentConstructorIsRefusedBeforeAnyWorkerStarts() {
        KafkaOptions options = KafkaOptions.of("127.0.0.1:1")
                .withSerde(new ConfiguredSerde("x"))
                .withWorkers(Workers.processes(Unloadable.class, logs));

        assertThatThrownBy(() -> new Unloadable().create().deploy(SystemType.KAFKA, options))
                .hasMessage("Serde '" + ConfiguredSerde.class.getName() + "': a worker process makes its serde from the"
                        + " class name, so it needs a public class with a public no-argument constructor, but it has"
                        + " none; give it one (and read any settings from system properties, see"
                        + " Workers.withJvmOptions), or run the workers as threads (Workers.threads())");
        Serde anonymous = new Serde() {
            @Override
            public byte[] serialize(Object item, Headers headers) {
                return new byte[0];
            }

            @Override
            public Object deserialize(byte[] data, Headers headers) {
                return null;
            }
        };
        assertThatThrownBy(() -> new Unloadable().create().deploy(SystemType.KAFKA, options.withSerde(anonymous)))
                .hasMessageContaining("but it is an anonymous class;");
    }

    @Test
    void aWorkerProcessRunsWithTheSerdeClientPropertiesCommitIntervalAndJvmOptionsOfItsDeployment() throws Exception {
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        KafkaOptions options = KafkaOptions.of(bootstrap)
                .withDeleteTopicsOnClose(true)
                .withSerde(new TaggingSerde())
                .withClientProperties(Map.of("interceptor.classes", PidInterceptor.class.getName()))
                .withCommitInterval(Duration.ofMillis(250))
                .withWorkers(Workers.processes(Probing.class, logs)
                        .withClassPath(System.getProperty("java.class.path"))
                        .withJvmOptions("-Dsluice.test.probe=from-the-jvm-options", "-Xmx256m"));
        ComputationalGraph graph = new Probing().create();

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options)) {
            assertThat(deployment.awaitCompletion(Duration.ofMinutes(2))).isTrue();

            assertThat(deployment.<String>results("out"))
                    .as("the node ran in a JVM given the JVM options")
                    .containsExactlyInAnyOrder(
                            "1:from-the-jvm-options", "2:from-the-jvm-options", "3:from-the-jvm-options");
            List<ConsumerRecord<byte[], byte[]>> written = readAll(bootstrap, "probing.probe");
            assertThat(written).as("records and end markers").hasSizeGreaterThanOrEqualTo(4);
            for (ConsumerRecord<byte[], byte[]> record : written) {
                long pid = Long.parseLong(text(record.headers().lastHeader(PID_HEADER)));
                assertThat(pid)
                        .as("written through the client properties, by the worker process")
                        .isNotEqualTo(ProcessHandle.current().pid());
                if (record.value() != null) {
                    assertThat(text(record.headers().lastHeader(SERDE_HEADER)))
                            .as("encoded by the deployment's serde")
                            .isEqualTo("tagging");
                }
            }
        }
        assertThat(Files.readAllLines(logs.resolve("probe.log")))
                .contains("sluice-worker: options: guarantee=at-least-once, replication=1, timeout=PT30S,"
                        + " commit-interval=PT0.25S, serde=" + TaggingSerde.class.getName()
                        + ", allowed types=[], allowed packages=[], kept results=100000,"
                        + " elastic nodes=[], client properties=[interceptor.classes]");
    }

    /**
     * Deploys {@link Probing} with worker processes logging into {@code args[0]}, with the JVM options {@code args[1..]},
     * and prints each result as {@code result: …}, or the failure as {@code failure: …}: the deploying JVM of the test
     * of {@value Workers#JVM_OPTIONS_VARIABLE}, whose environment only a new process can be given.
     */
    public static void main(String[] args) throws Exception {
        KafkaOptions options = KafkaOptions.of(System.getProperty("bootstrap"))
                .withDeleteTopicsOnClose(true)
                .withWorkers(Workers.processes(Probing.class, Path.of(args[0]))
                        .withJvmOptions(List.of(args).subList(1, args.length)));
        try (Deployment deployment = new Probing().create().deploy(SystemType.KAFKA, options)) {
            deployment.awaitCompletion(Duration.ofMinutes(2));
            deployment.<String>results("out").forEach(result -> System.out.println("result: " + result));
        } catch (NodeFailedException e) {
            System.out.println("failure: " + e.getMessage());
        }
    }

    /** Runs {@link #main} in a JVM whose {@value Workers#JVM_OPTIONS_VARIABLE} is {@code environment}. */
    private List<String> deployFromAJvmWith(String environment, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dbootstrap=" + KafkaBroker.shared().bootstrapServers(),
                "-cp",
                System.getProperty("java.class.path"),
                ProcessWorkerOptionsTest.class.getName(),
                logs.toString()));
        command.addAll(List.of(jvmOptions));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(logs.resolve("deployer.err").toFile());
        builder.environment().put(Workers.JVM_OPTIONS_VARIABLE, environment);
        Process deployer = builder.start();
        String out = new String(deployer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(deployer.waitFor())
                .as("the deploying JVM's exit code; its output:%n%s", out)
                .isZero();
        return out.lines()
                .filter(l -> l.startsWith("result: ") || l.startsWith("failure: "))
                .toList();
    }

    @Test
    void workersTakeTheJvmOptionsOfTheEnvironmentBeforeTheirDeploymentsOwn() throws Exception {
        assertThat(deployFromAJvmWith("  -Xmx200m   -Dsluice.test.probe=from-the-environment "))
                .as("the options of %s", Workers.JVM_OPTIONS_VARIABLE)
                .containsExactlyInAnyOrder(
                        "result: 1:from-the-environment",
                        "result: 2:from-the-environment",
                        "result: 3:from-the-environment");
        assertThat(deployFromAJvmWith("-Dsluice.test.probe=from-the-environment", "-Dsluice.test.probe=its-own"))
                .as("the deployment's own options, after the environment's")
                .containsExactlyInAnyOrder("result: 1:its-own", "result: 2:its-own", "result: 3:its-own");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "-XX:+NoSuchOption | -XX:+NoSuchOption] | Unrecognized VM option 'NoSuchOption'",
                "-XX:+UseSerialGC -XX:+UseG1GC | -XX:+UseG1GC] | Multiple garbage collectors selected"
            })
    void jvmOptionsTheWorkerJvmRefusesFailTheDeploymentNamingThem(String refused, String last, String complaint)
            throws Exception {
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withDeleteTopicsOnClose(true)
                .withWorkers(Workers.processes(Unloadable.class, logs).withJvmOptions(List.of(refused.split(" "))));

        try (Deployment deployment = new Unloadable().create().deploy(SystemType.KAFKA, options)) {
            assertThatThrownBy(() -> deployment.awaitCompletion(Duration.ofMinutes(1)))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessageStartingWith("Node '")
                    .hasMessageContaining("': its worker JVM did not start with the options ")
                    .hasMessageContaining(last + " (SLUICE_WORKER_JAVA_OPTS, then Workers.withJvmOptions): " + complaint
                            + "; see " + logs);
        }
    }

    @Test
    void aClassPathWithoutSluiceFailsTheDeploymentSayingHowToSetIt() throws Exception {
        Path empty = Files.createDirectories(logs.resolve("empty"));
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withDeleteTopicsOnClose(true)
                .withWorkers(Workers.processes(Unloadable.class, logs).withClassPath(empty.toString()));

        try (Deployment deployment = new Unloadable().create().deploy(SystemType.KAFKA, options)) {
            assertThatThrownBy(() -> deployment.awaitCompletion(Duration.ofMinutes(1)))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessageStartingWith("Node '")
                    .hasMessageContaining("': its worker JVM could not load io.sluice.kafka.Worker from the class path "
                            + empty + "; it needs Sluice, Kafka's clients and the graph's classes: set"
                            + " Workers.withClassPath(…) (the default is this JVM's java.class.path); see " + logs);
        }
    }

    @Test
    void workersRefuseNonsense() {
        Workers processes = Workers.processes(Unloadable.class, logs);
        assertThat(processes.classPath()).isEqualTo(System.getProperty("java.class.path"));
        assertThat(processes.jvmOptions()).isEmpty();
        assertThat(processes.restartLimit()).isEqualTo(10);
        assertThat(processes.restartWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(processes
                        .withClassPath(List.of(Path.of("a.jar"), Path.of("b")))
                        .classPath())
                .isEqualTo("a.jar" + java.io.File.pathSeparator + "b");

        assertThatThrownBy(() -> processes.withClassPath(" "))
                .hasMessage("Workers.classPath: worker processes need a class path holding Sluice and the graph's"
                        + " classes; found ' '");
        assertThatThrownBy(() -> processes.withRestartLimit(-1, Duration.ofMinutes(1)))
                .hasMessage("Workers.restartLimit: must be ≥ 0, found -1");
        assertThatThrownBy(() -> processes.withRestartLimit(3, Duration.ZERO))
                .hasMessage("Workers.restartWindow: must be positive, found PT0S");
    }

    private static String text(Header header) {
        assertThat(header).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Every record of a one-partition topic, read from the beginning with a plain consumer. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
