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
 *
 * <p>An {@linkplain Elastic elastic} node's instances instead share the partitions as members of the consumer group
 * {@code <graph>.<node>} ({@link #runMember}), and extra members — instances at or above the parallelism — can join
 * it while it runs. They only process records: the instances 0 to <i>p</i>-1 alone complete the node and write its
 * end markers, once every partition of its input has ended, as the markers they read or the committed offsets of the
 * other members say.
 */
final class InstanceWorker implements Runnable {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InstanceWorker.class);

    /** How often a member whose partitions have ended looks at what the others committed, and how long at most. */
    private static final Duration LOOK = Duration.ofMillis(500);

    private static final Duration LOOK_TIMEOUT = Duration.ofSeconds(2);

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
    private final boolean elastic; // the instances share the partitions by group membership
    private final boolean extra; // an elastic node's member beyond its parallelism: processes, never completes
    private final java.util.Set<TopicPartition> owned = new java.util.HashSet<>(); // an elastic member's partitions
    private boolean closing; // the clients are closing: the consumer leaves its group, nothing is committed any more
    private final long createdNanos = System.nanoTime(); // the first commit interval runs from here

    private volatile NodeInstance instance;
    private NodeInstance self; // the same, for this worker's own thread: no volatile read per record sent
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private InstanceStores stores = InstanceStores.none();
    private PortWriter outside; // sink-own-producer: a graph output's writer outside the transaction; null otherwise

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
        this.elastic = Elastic.isElastic(options, spec.id());
        this.extra = index >= spec.parallelism();
        if (extra && !elastic) {
            throw new IllegalArgumentException("instance " + index + " of static node " + spec.id());
        }
    }

    String name() {
        return "sluice-" + graph.name() + "-" + spec.id() + (spec.parallelism() == 1 && index == 0 ? "" : "-" + index);
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
            output = new TransactionalOutput(
                    elastic
                            ? Clients.memberProducer(options, name(), transactionalId)
                            : Clients.producer(options, name(), transactionalId),
                    spec.id(),
                    exactlyOnce);
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
            if (extra) {
                backlog = 0; // what it read is committed (runMember): it leaves the node's completion to the others
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
            try {
                closeClients();
            } finally {
                deployment.workerFinished(); // whatever closing threw: the host must not wait for this worker forever
            }
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
        if (elastic) {
            return runMember(node);
        }
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
            take(node, records);
            if (CrashFaults.OFFSETS_ON_READ && !records.isEmpty()) {
                commits.commitReadOffsetsAhead(); // a kill before the next commit loses what was read
            }
            if (CrashFaults.HALT_AFTER_SINK_WRITE && CrashFaults.SINK_OWN_PRODUCER && !records.isEmpty()) {
                // flushed, the records written outside the transaction stay; the offsets they came from are not
                // committed
                if (node.resumable() instanceof TopicSink) {
                    CrashFaults.haltOnce(spec.id(), node::flush);
                } else if (outside != null) {
                    CrashFaults.haltOnce(spec.id(), outside::flush);
                }
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

    /**
     * Consumes as a member of the node's consumer group until every partition of every input topic has ended; returns
     * false if the deployment stopped first.
     *
     * <p>Completion stays exact. A partition counts as ended for this member when it read every writer's end marker
     * on it, or when the offset committed for it says so (the markers travel as the offsets' metadata). Every member
     * commits a partition's offsets in the same transaction as the output of the records before them (under
     * at-least-once, after flushing that output), and gives up a partition only after committing it ({@link
     * Membership#onPartitionsRevoked}); so once a committed offset says a partition ended, the output of all its
     * records is committed. This member leaves the loop only with its own reads committed and every partition ended:
     * the end markers an instance below the parallelism writes after that follow, in every output partition, all the
     * output of every member, and a reader reads a partition in offset order (read_committed under exactly-once).
     */
    private boolean runMember(NodeInstance node) {
        if (node.nextTickNanos() != Long.MAX_VALUE) {
            throw new NodeFailedException(
                    spec.id(),
                    "Node '" + spec.id() + "' asks for ticks (NodeContext.tickEvery), which an elastic node cannot"
                            + " have: what a tick emits comes from no input partition, so no commit of the group ties"
                            + " it to the node's end; leave it static (drop it from KafkaOptions.elasticNodes)",
                    null);
        }
        List<TopicPartition> all = assignment(markers);
        consumer = Clients.member(options, name(), graph.name() + "." + spec.id());
        consumer.subscribe(all.stream().map(TopicPartition::topic).distinct().toList(), new Membership());
        long lookAt = System.nanoTime();
        while (true) {
            if (!deployment.isRunning()) {
                return false;
            }
            if (markers.allEnded(owned) && System.nanoTime() - lookAt >= 0) {
                lookAt = System.nanoTime() + LOOK.toNanos();
                if (commitMember()
                        && (CrashFaults.MEMBER_COMPLETES_ALONE || (learnCommitted(all) && markers.allEnded()))) {
                    return true;
                }
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            take(node, records);
            checkSends();
            if (commits.due()) {
                commitMember();
            }
            lag = owned.stream()
                    .map(consumer::currentLag)
                    .mapToLong(l -> l.isPresent() ? l.getAsLong() : 0)
                    .sum();
            backlog = lag + commits.uncommitted();
            node.publish();
        }
    }

    /**
     * Commits what this member read and wrote. A commit the group refuses — it rebalanced since this member last
     * polled, so its generation is stale — is undone instead ({@link #rewind}), and the records read again.
     *
     * @return whether it committed
     */
    private boolean commitMember() {
        try {
            commits.commit();
            return true;
        } catch (org.apache.kafka.common.KafkaException e) {
            if (!refusedByGroup(e)) {
                throw e;
            }
            rewind();
            return false;
        }
    }

    private static boolean refusedByGroup(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.clients.consumer.CommitFailedException
                    || t instanceof org.apache.kafka.common.errors.RebalanceInProgressException
                    || t instanceof org.apache.kafka.common.errors.IllegalGenerationException
                    || t instanceof org.apache.kafka.common.errors.UnknownMemberIdException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Undoes what this member read and wrote since its last commit: aborts the transaction (under at-least-once the
     * output stays, as duplicates may), forgets the markers it read, and reads its partitions again from their
     * committed offsets.
     */
    private void rewind() {
        LOG.info(
                "{}: the group refused its commit (it rebalanced since the last poll); reading {} records again",
                name(),
                commits.uncommitted());
        output.abortTransaction();
        commits.dropPending();
        if (owned.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(owned));
        for (TopicPartition tp : owned) {
            markers.reset(tp);
            OffsetAndMetadata at = committed.get(tp);
            if (at == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                markers.restore(tp, at.metadata());
                consumer.seek(tp, at.offset());
            }
            commits.startAt(tp, consumer.position(tp));
        }
    }

    /**
     * Learns from the group's committed offsets which writers ended on the partitions other members read.
     *
     * @return false if the offsets could not be read in time (a member's transaction is still open): try again later
     */
    private boolean learnCommitted(List<TopicPartition> all) {
        java.util.Set<TopicPartition> others = new java.util.HashSet<>(all);
        others.removeAll(owned);
        if (others.isEmpty()) {
            return true;
        }
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = consumer.committed(others, LOOK_TIMEOUT);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return false;
        }
        committed.forEach((tp, at) -> {
            if (at != null) {
                markers.restore(tp, at.metadata());
            }
        });
        return true;
    }

    /**
     * What an elastic member does as the group moves partitions: it commits before it gives a partition up, so that
     * the next owner starts where its output stops; it learns a partition's ended writers from its committed offset
     * when it takes it; and it undoes its uncommitted work when the group took its partitions without asking (its
     * session expired).
     */
    private final class Membership implements org.apache.kafka.clients.consumer.ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(java.util.Collection<TopicPartition> revoked) {
            if (revoked.isEmpty()) {
                return;
            }
            // Leaving the group as the worker closes: whatever is still uncommitted was aborted with the producer
            // (a member leaves with its reads committed when it finishes), so the next owner reads it again.
            if (!closing) {
                commitMember();
            }
            for (TopicPartition tp : revoked) {
                owned.remove(tp);
                commits.forget(tp);
            }
            LOG.info("{} gave up partitions {} at {} ms", name(), revoked, System.currentTimeMillis());
        }

        @Override
        public void onPartitionsAssigned(java.util.Collection<TopicPartition> assigned) {
            if (assigned.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(assigned));
            for (TopicPartition tp : assigned) {
                OffsetAndMetadata at = committed.get(tp);
                if (at != null) {
                    markers.restore(tp, at.metadata());
                }
                commits.startAt(tp, consumer.position(tp));
                owned.add(tp);
            }
            LOG.info("{} took partitions {} at {} ms", name(), assigned, System.currentTimeMillis());
        }

        @Override
        public void onPartitionsLost(java.util.Collection<TopicPartition> lost) {
            output.abortTransaction();
            commits.dropPending();
            for (TopicPartition tp : lost) {
                markers.reset(tp); // what it read there was not committed; their next owner reads it again
                owned.remove(tp);
                commits.forget(tp);
            }
            LOG.warn(
                    "{} lost partitions {} (its session expired); what it had not committed is read again",
                    name(),
                    lost);
        }
    }

    /**
     * Hands each polled record to the node, or notes the end marker it is, and counts it read for the next commit; in
     * the iteration's transaction.
     */
    private void take(NodeInstance node, ConsumerRecords<byte[], byte[]> records) {
        if (!records.isEmpty()) {
            beginIfNeeded();
        }
        // by partition: one TopicPartition and one offset update per partition and poll, not per record
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(tp);
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                if (Markers.isEnd(record)) {
                    markers.record(tp, record);
                } else {
                    attempts.process(node, stores, record, read(record), deadLetters);
                }
            }
            // nothing commits while a poll's records are handed over, so the last offset stands for the batch
            commits.read(tp, batch.get(batch.size() - 1).offset() + 1);
        }
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
            if (CrashFaults.SINK_OWN_PRODUCER) {
                outside = outsideTransaction(topic);
            }
            PortWriter items = outside != null ? outside : writer;
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

    /**
     * This instance's partitions of every input topic, each expecting the end markers of its writers; an elastic node's
     * member, every partition of its input.
     */
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
                            default -> elastic || k % spec.parallelism() == index; // a member: what it may own
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
        closing = true;
        Duration timeout = Duration.ofSeconds(5);
        try {
            if (output != null) {
                output.close(timeout);
            }
        } finally {
            KafkaConsumer<byte[], byte[]> c = consumer;
            if (c != null) {
                Clients.close(c, elastic, timeout);
            }
        }
    }
}
