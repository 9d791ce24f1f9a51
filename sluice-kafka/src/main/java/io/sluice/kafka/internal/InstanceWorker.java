package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.DeadLetter;
import io.sluice.Edge;
import io.sluice.EndNode;
import io.sluice.EndNodeSpec;
import io.sluice.ItemFailure;
import io.sluice.NodeFailedException;
import io.sluice.NodeKind;
import io.sluice.NodeSpec;
import io.sluice.NodeState;
import io.sluice.Partitioning;
import io.sluice.Resumable;
import io.sluice.Robustness;
import io.sluice.StartNodeSpec;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.Serde;
import io.sluice.kafka.TopicPlan;
import io.sluice.spi.GraphLinks;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.NodeInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Runs one instance of one node on Kafka: a start node pulls and produces to its topics; a processing or end node
 * consumes its share of the partitions of its input topics, runs the node, produces its output, and commits its
 * input offsets only once the output is acknowledged (at-least-once) or in the same transaction (exactly-once).
 *
 * <p>Instance <i>i</i> of a node with parallelism <i>p</i> reads partitions <i>k</i> with <i>k mod p = i</i> of each
 * input topic (all of them for a broadcast edge, instance 0 all of them for a global edge). The assignment is static,
 * so a key always meets the same instance and a restarted instance takes up exactly its partitions again.
 */
final class InstanceWorker implements Runnable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final WorkerHost deployment;
    private final ComputationalGraph graph;
    private final NodeSpec spec;
    private final int index;
    private final KafkaOptions options;
    private final Serde serde;
    private final TopicPlan plan;
    private final boolean exactlyOnce;
    private final List<PortWriter> writers = new ArrayList<>();

    private final Robustness.Level level;
    private final boolean deadLetterNode;
    private final Markers markers = new Markers();
    private final long createdNanos = System.nanoTime(); // the first commit interval runs from here

    private volatile NodeInstance instance;
    private NodeInstance self; // the same, for this worker's own thread: no volatile read per record sent
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private InstanceStores stores = InstanceStores.none();

    // ---- the parts: producer side, commit protocol, replay and dead letters ----
    private TransactionalOutput output;
    private Commits commits;
    private final Attempts attempts; // replay, dead letters and the outbox that holds a record's emits
    private java.util.function.Consumer<DeadLetter> deadLetters; // where items given up go, when the graph replays

    // ---- counters read by the status board ----
    private volatile long lag;
    private volatile long backlog;

    InstanceWorker(WorkerHost deployment, NodeSpec spec, int index) {
        this.deployment = deployment;
        this.graph = deployment.graph();
        this.spec = spec;
        this.index = index;
        this.options = deployment.options();
        this.serde = JsonSerde.of(options);
        this.plan = deployment.plan();
        this.exactlyOnce = options.guarantee() == Guarantee.EXACTLY_ONCE;
        this.level = graph.robustness().levelOf(spec.id());
        this.attempts = new Attempts(deployment, level);
        this.deadLetterNode =
                graph.robustness().deadLetter().filter(spec.id()::equals).isPresent();
    }

    String name() {
        return "sluice-" + graph.name() + "-" + spec.id() + (spec.parallelism() == 1 ? "" : "-" + index);
    }

    NodeSpec spec() {
        return spec;
    }

    int index() {
        return index;
    }

    /** The node instance, once created; {@code null} before. */
    NodeInstance instance() {
        return instance;
    }

    /** Records waiting in this instance's partitions at its last poll. */
    long lag() {
        return lag;
    }

    /** Wakes the worker from a poll so that it sees the deployment stopping. */
    void wakeUp() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        NodeState end = NodeState.COMPLETED;
        try {
            String transactionalId = graph.name() + "." + spec.id() + "." + index;
            output =
                    new TransactionalOutput(Clients.producer(options, name(), transactionalId), spec.id(), exactlyOnce);
            output.initTransactions();
            Map<String, PortWriter> outputs = new HashMap<>();
            for (String port : spec.ports()) {
                TopicPlan.Topic topic = plan.topic(TopicPlan.outputTopic(graph.name(), spec.id(), port));
                PortWriter writer = output.writer(
                        port.equals(io.sluice.Emitter.DEFAULT_PORT) ? "emitted" : "emitted on port '" + port + "'",
                        serde,
                        topic,
                        keyOf(port),
                        index);
                outputs.put(port, writer);
                writers.add(writer);
            }
            if (graph.robustness().replays() && spec.kind() != NodeKind.START && !deadLetterNode) {
                TopicPlan.Topic topic = plan.topic(TopicPlan.deadLetterTopic(graph.name()));
                PortWriter writer = output.writer(
                        "gave up on an item and wrote to the dead-letter topic", serde, topic, null, index);
                writers.add(writer); // so that the dead-letter node sees this instance end
                deadLetters = letter -> {
                    output.beginIfNeeded();
                    writer.accept(letter);
                };
            }
            NodeInstance created = NodeInstance.create(
                    graph.name(),
                    linked(spec),
                    index,
                    (node, item) -> attempts.hold(this::sendResult, item),
                    withTransaction(outputs));
            created.commitPositions(); // a start node's, with every commit
            instance = created;
            self = created;
            stores = created.stores();
            stores.trackChanges();
            Resumable resumable =
                    created.resumable(); // a start node's input position, or an end node's output position
            if (resumable instanceof TopicSink sink // the node itself
                    && sink.bootstrapServers().equals(options.bootstrapServers()) // it joins this transaction
                    && !CrashFaults.SINK_OWN_PRODUCER) {
                sink.writeThrough(record -> {
                    output.beginIfNeeded();
                    output.send(record);
                });
            }
            Restorer restorer = new Restorer(deployment, spec, index, name(), serde, exactlyOnce);
            restorer.restore(stores, resumable);
            created.open();
            commits = new Commits(
                    deployment,
                    spec,
                    index,
                    serde,
                    output,
                    markers,
                    created,
                    () -> consumer,
                    restorer.resume(resumable),
                    createdNanos);
            commits.commitAdoption(restorer.adopted());
            boolean finished = spec.kind() == NodeKind.START ? runSource(created) : runConsumer(created);
            if (!finished || !deployment.isRunning()) {
                end = NodeState.CANCELLED;
                return;
            }
            beginIfNeeded();
            created.complete();
            for (PortWriter writer : writers) {
                writer.end(spec.id(), index, spec.parallelism());
            }
            commits.commit(); // the last input offsets, the node's last output and its end markers, together
            backlog = 0; // every record read is committed
        } catch (Throwable e) { // an Error too: caught narrower, it ended the worker as if it had finished
            if (!deployment.isRunning()) {
                end = NodeState.CANCELLED;
            } else {
                end = NodeState.FAILED;
                NodeInstance failed = instance;
                if (failed != null) {
                    failed.markFailed();
                }
                deployment.fail(this, e);
            }
            if (e instanceof VirtualMachineError fatal && !(e instanceof StackOverflowError)) {
                throw fatal; // reported; the JVM's own handling (ExitOnOutOfMemoryError, say) still sees it
            }
        } finally {
            NodeInstance created = instance;
            if (created != null) {
                Throwable closing = created.close(end);
                if (closing != null && end == NodeState.COMPLETED) {
                    deployment.fail(this, closing);
                }
            }
            closeClients();
            deployment.workerFinished();
        }
    }

    /** Pulls until the source is exhausted; returns false if the deployment stopped first. */
    private boolean runSource(NodeInstance source) {
        boolean more = true;
        while (more && deployment.isRunning()) {
            beginIfNeeded();
            more = source.pull();
            checkSends();
            if (more) {
                commits.commitIfDue();
            }
            source.publish();
        }
        return !more;
    }

    /** Consumes until every assigned partition has ended; returns false if the deployment stopped first. */
    private boolean runConsumer(NodeInstance node) {
        String groupId =
                graph.inbound(spec.id()).stream().anyMatch(e -> e.partitioning() instanceof Partitioning.Broadcast)
                        ? graph.name() + "." + spec.id() + "." + index
                        : graph.name() + "." + spec.id();
        consumer = Clients.consumer(options, name(), groupId);
        List<TopicPartition> assigned = assignment(markers);
        consumer.assign(assigned);
        for (TopicPartition tp : assigned) {
            commits.startAt(tp, consumer.position(tp));
        }
        if (!assigned.isEmpty()) {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(assigned));
            committed.forEach((tp, om) -> {
                if (om != null) {
                    markers.restore(tp, om.metadata());
                }
            });
        }
        while (!markers.allEnded()) {
            if (!deployment.isRunning()) {
                return false;
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            if (CrashFaults.COMMIT_LATE && !records.isEmpty()) {
                commits.commitIfDue(); // the last batch's transaction only now: its stores' server was ahead meanwhile
            }
            if (!records.isEmpty()) {
                beginIfNeeded();
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (Markers.isEnd(record)) {
                    markers.record(tp, record);
                } else {
                    attempts.process(node, stores, record, read(record), deadLetters);
                }
                commits.read(tp, record.offset() + 1);
            }
            long now = System.nanoTime();
            if (node.nextTickNanos() != Long.MAX_VALUE && now - node.nextTickNanos() >= 0) {
                beginIfNeeded();
                node.tickIfDue(now);
            }
            checkSends();
            if (!markers.allEnded()) {
                if (CrashFaults.COMMIT_LATE) {
                    commits.commitExternalStores();
                    if (CrashFaults.HALT_BEFORE_FIRST_COMMIT && !records.isEmpty()) {
                        CrashFaults.haltOnce(spec.id());
                    }
                } else {
                    commits.commitIfDue();
                }
            }
            lag = assigned.stream()
                    .map(consumer::currentLag)
                    .mapToLong(l -> l.isPresent() ? l.getAsLong() : 0)
                    .sum();
            backlog = lag + commits.uncommitted();
            node.publish();
        }
        return true;
    }

    /** Records this instance processed again under REPLAY. */
    long replays() {
        return attempts.replays();
    }

    /** Records this instance gave up on. */
    long givenUp() {
        return attempts.givenUp();
    }

    /** Records this instance wrote to the dead-letter topic. */
    long deadLettered() {
        return attempts.deadLettered();
    }

    /** Records of this instance's partitions not yet committed: waiting, or read and not yet committed. */
    long backlog() {
        return backlog;
    }

    /** This instance's most recent failures (under TRACK and REPLAY), oldest first. */
    List<ItemFailure> recentFailures() {
        return attempts.recentFailures();
    }

    /**
     * The spec to run: a graph output becomes an end node writing the topic {@code <graph>.<node>} in this worker's
     * transaction, with end markers when it completes; a graph input a start node reading another graph's output
     * topic until every writer's marker has come, resumable by offsets. Any other spec as it is.
     */
    private NodeSpec linked(NodeSpec spec) {
        if (GraphLinks.outputOf(graph.name(), spec).isPresent()) {
            TopicPlan.Topic topic =
                    plan.topic(TopicPlan.outputTopic(graph.name(), spec.id(), io.sluice.Emitter.DEFAULT_PORT));
            PortWriter writer = output.writer("published as graph output", serde, topic, null, index);
            writers.add(writer); // its end markers, in the transaction that commits the last items
            PortWriter items = CrashFaults.SINK_OWN_PRODUCER ? outsideTransaction(topic) : writer;
            EndNode<Object> publisher = item -> {
                output.beginIfNeeded();
                items.accept(item);
            };
            return new EndNodeSpec(spec.id(), () -> publisher, spec.parallelism(), spec.stores());
        }
        Optional<String> input = GraphLinks.inputOf(spec);
        if (input.isPresent()) {
            String address = input.get();
            return new StartNodeSpec(
                    spec.id(),
                    () -> TopicSource.untilMarkers(
                            options, address, record -> serde.deserialize(record.value(), record.headers())),
                    spec.parallelism(),
                    spec.stores());
        }
        return spec;
    }

    /** For the crash tests' power check only: a writer of {@code topic} on a producer outside the transaction. */
    private PortWriter outsideTransaction(TopicPlan.Topic topic) {
        return new PortWriter(
                Clients.producer(options, name() + "-outside", null),
                spec.id(),
                "published as graph output",
                serde,
                topic.name(),
                topic.partitions(),
                null,
                index,
                new java.util.concurrent.atomic.AtomicReference<>());
    }

    /** This instance's partitions of every input topic, each expecting the end markers of its writers. */
    private List<TopicPartition> assignment(Markers markers) {
        List<TopicPartition> partitions = new ArrayList<>();
        if (deadLetterNode) {
            TopicPartition tp = new TopicPartition(TopicPlan.deadLetterTopic(graph.name()), 0);
            partitions.add(tp);
            markers.expect(
                    tp,
                    graph.nodes().stream()
                            .filter(n -> n.kind() != NodeKind.START && !n.id().equals(spec.id()))
                            .map(NodeSpec::id)
                            .collect(java.util.stream.Collectors.toSet()));
        }
        for (Edge edge : graph.inbound(spec.id())) {
            TopicPlan.Topic topic = plan.topic(TopicPlan.outputTopic(graph.name(), edge.from(), edge.port()));
            java.util.Set<String> writers = java.util.Set.of(edge.from()); // how many instances: their markers say
            for (int k = 0; k < topic.partitions(); k++) {
                boolean mine =
                        switch (edge.partitioning()) {
                            case Partitioning.Broadcast b -> true;
                            case Partitioning.Global g -> index == 0;
                            default -> k % spec.parallelism() == index;
                        };
                if (mine) {
                    TopicPartition tp = new TopicPartition(topic.name(), k);
                    partitions.add(tp);
                    markers.expect(tp, writers);
                }
            }
        }
        return partitions;
    }

    private Object read(ConsumerRecord<byte[], byte[]> record) {
        try {
            return serde.deserialize(record.value(), record.headers());
        } catch (RuntimeException e) {
            throw new NodeFailedException(
                    spec.id(),
                    "Node '" + spec.id() + "' cannot read the record at topic '"
                            + record.topic() + "' partition " + record.partition() + " offset " + record.offset() + ": "
                            + e.getMessage() + "; the record was not processed",
                    e);
        }
    }

    /** The key function of the keyed edge leaving {@code port}, if there is one. */
    private Function<Object, ?> keyOf(String port) {
        for (Edge edge : graph.outbound(spec.id())) {
            if (edge.port().equals(port) && edge.partitioning() instanceof Partitioning.Keyed keyed) {
                return keyed.keyFunction();
            }
        }
        return null;
    }

    /** Under exactly-once, every write opens the iteration's transaction first. */
    private Map<String, java.util.function.Consumer<Object>> withTransaction(Map<String, PortWriter> outputs) {
        Map<String, java.util.function.Consumer<Object>> wrapped = new HashMap<>();
        outputs.forEach((port, writer) -> {
            boolean publish = deployment.readsCountersLive();
            java.util.function.Consumer<Object> send = exactlyOnce || publish
                    ? item -> {
                        if (exactlyOnce) {
                            beginIfNeeded();
                        }
                        if (publish) {
                            self.publish(); // counted out before anything downstream can count it in
                        }
                        writer.accept(item);
                    }
                    : writer;
            wrapped.put(port, level == Robustness.Level.NONE ? send : item -> attempts.hold(send, item));
        });
        return wrapped;
    }

    private void sendResult(Object item) {
        beginIfNeeded();
        RecordHeaders headers = new RecordHeaders();
        byte[] value;
        try {
            value = serde.serialize(item, headers);
        } catch (ItemTypeException e) {
            throw PortWriter.refused(spec.id(), "kept as a result", e);
        }
        send(new ProducerRecord<>(TopicPlan.resultsTopic(graph.name(), spec.id()), 0, (byte[]) null, value, headers));
    }

    private void beginIfNeeded() {
        output.beginIfNeeded();
    }

    private void send(ProducerRecord<byte[], byte[]> record) {
        output.send(record);
    }

    private void checkSends() {
        output.checkSends();
    }

    private void closeClients() {
        Duration timeout = Duration.ofSeconds(5);
        if (output != null) {
            output.close(timeout);
        }
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(timeout));
        }
    }
}
