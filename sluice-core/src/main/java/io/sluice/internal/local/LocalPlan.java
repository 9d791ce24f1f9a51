package io.sluice.internal.local;

import io.sluice.ComputationalGraph;
import io.sluice.Edge;
import io.sluice.LocalOptions;
import io.sluice.NodeSpec;
import io.sluice.Partitioning;
import io.sluice.Robustness;
import io.sluice.SluiceException;
import io.sluice.StartNodeSpec;
import io.sluice.spi.InstanceStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The physical plan of a LOCAL deployment: every node × parallelism becomes an {@link Operator}; operators joined by a
 * chainable edge share a {@link Task}; every other edge becomes {@link Channel}s into the downstream tasks' queues.
 *
 * <p>An edge is chained when the downstream node has no other inbound edge and the two nodes have equal parallelism
 * with a forward partitioning — or both run a single instance, where every partitioning means the same.
 */
final class LocalPlan {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPlan.class);

    /**
     * Faults to inject, comma-separated, for the crash tests only: {@code skip-store-restore} starts every store empty
     * (an external one as its server holds it), {@code skip-output-resume} leaves end nodes where they are — either
     * breaks exactness after a restart —, and {@code commit-external-eagerly} commits external stores after every
     * batch, so that their server runs ahead of the checkpoint a restart resumes from.
     */
    static final String FAULT_PROPERTY = "sluice.checkpoints.fault";

    final List<Task> tasks;
    final Map<String, List<Operator>> operatorsByNode;
    final Tracking tracking; // null unless the graph's robustness tracks items
    final Checkpointing checkpointing; // null without checkpoints

    private LocalPlan(
            List<Task> tasks,
            Map<String, List<Operator>> operatorsByNode,
            Tracking tracking,
            Checkpointing checkpointing) {
        this.tasks = tasks;
        this.operatorsByNode = operatorsByNode;
        this.tracking = tracking;
        this.checkpointing = checkpointing;
    }

    static LocalPlan build(ComputationalGraph graph, LocalOptions options, BiConsumer<String, Object> results) {
        boolean threaded = options.mode() == LocalOptions.Mode.MULTI_THREAD;
        Tracking tracking = graph.robustness().tracks() ? new Tracking(graph.robustness()) : null;
        String fault = System.getProperty(FAULT_PROPERTY, "");
        if (!fault.isEmpty() && !options.checkpoints().isEmpty()) {
            LOG.warn(
                    "Injecting faults for a crash test ({}={}): recovery from checkpoints is broken on purpose",
                    FAULT_PROPERTY,
                    fault);
        }

        // 1. An operator per node instance.
        Map<String, List<Operator>> operators = new LinkedHashMap<>();
        for (String id : graph.topologicalOrder()) {
            NodeSpec spec = graph.node(id);
            List<Operator> instances = new ArrayList<>(spec.parallelism());
            for (int i = 0; i < spec.parallelism(); i++) {
                instances.add(Operator.of(
                        graph.name(),
                        spec,
                        i,
                        results,
                        tracking != null && tracking.levelOf(id) != Robustness.Level.NONE));
            }
            operators.put(id, instances);
        }

        // 2. Chains: a node whose single inbound edge is chainable joins its upstream node's task.
        Map<String, String> chainHead = new HashMap<>();
        for (String id : graph.topologicalOrder()) {
            List<Edge> inbound = graph.inbound(id);
            boolean chained = inbound.size() == 1 && chainable(graph, inbound.get(0), options);
            chainHead.put(id, chained ? chainHead.get(inbound.get(0).from()) : id);
        }

        // 3. A task per instance of each chain, with the chain's operators in topological order.
        Map<String, List<Task>> tasksByHead = new LinkedHashMap<>();
        List<Task> tasks = new ArrayList<>();
        for (String id : graph.topologicalOrder()) {
            if (!chainHead.get(id).equals(id)) {
                continue;
            }
            NodeSpec spec = graph.node(id);
            List<Task> instances = new ArrayList<>();
            for (int i = 0; i < spec.parallelism(); i++) {
                List<Operator> chain = new ArrayList<>();
                for (String member : graph.topologicalOrder()) {
                    if (chainHead.get(member).equals(id)) {
                        chain.add(operators.get(member).get(i));
                    }
                }
                InputQueue input = spec instanceof StartNodeSpec
                        ? null
                        : threaded ? new InputQueue.Blocking(options.queueCapacity()) : new InputQueue.Direct();
                Task task = new Task(taskName(graph, chain, i, spec.parallelism()), chain, input, tracking);
                instances.add(task);
                tasks.add(task);
            }
            tasksByHead.put(id, instances);
        }

        // 4. Outputs: a direct call along chained edges, channels along the others.
        for (String id : graph.topologicalOrder()) {
            NodeSpec spec = graph.node(id);
            for (int i = 0; i < spec.parallelism(); i++) {
                Task producer = tasksByHead.get(chainHead.get(id)).get(i);
                Map<String, List<Output>> byPort = new LinkedHashMap<>();
                for (String port : spec.ports()) {
                    byPort.put(port, new ArrayList<>());
                }
                for (Edge edge : graph.outbound(id)) {
                    Output output = chainHead.get(edge.to()).equals(chainHead.get(id))
                            ? new Output.Chained(operators.get(edge.to()).get(i))
                            : channelled(
                                    graph,
                                    edge,
                                    i,
                                    producer,
                                    tasksByHead.get(edge.to()),
                                    options.batchSize(),
                                    tracking);
                    byPort.get(edge.port()).add(output);
                }
                Map<String, Output[]> wired = new HashMap<>();
                byPort.forEach((port, outputs) -> wired.put(port, outputs.toArray(Output[]::new)));
                operators.get(id).get(i).wire(wired);
            }
        }
        // 5. Hops from the ends of the chains up, so that each is built on its successor's final hop.
        List<String> order = new ArrayList<>(graph.topologicalOrder());
        for (int n = order.size() - 1; n >= 0; n--) {
            operators.get(order.get(n)).forEach(Operator::link);
        }
        if (tracking != null) {
            trackSources(graph, tracking, tasksByHead, options.batchSize());
        }
        Checkpointing checkpointing =
                options.checkpoints().isEmpty() ? null : checkpointing(graph, options, operators, tasks, fault);
        return new LocalPlan(List.copyOf(tasks), operators, tracking, checkpointing);
    }

    /**
     * Reads the checkpoint, puts every store's content back before any node opens, and gives every task its part in
     * the checkpoints to come. Refuses a start node that cannot say where it is, unless it was told explicitly to stay
     * out, and a checkpoint written with another parallelism for a node it holds something of.
     */
    private static Checkpointing checkpointing(
            ComputationalGraph graph,
            LocalOptions options,
            Map<String, List<Operator>> operators,
            List<Task> tasks,
            String fault) {
        Path directory = options.checkpoints().orElseThrow();
        Map<String, Integer> parallelism = new LinkedHashMap<>();
        graph.nodes().forEach(spec -> parallelism.put(spec.id(), spec.parallelism()));
        Checkpoints checkpoints = Checkpoints.open(directory, graph.name(), parallelism);
        for (NodeSpec spec : graph.startNodes()) {
            operators.get(spec.id()).forEach(o -> ((Operator.Source) o).commitPositions());
            boolean resumable = ((Operator.Source) operators.get(spec.id()).get(0)).resumable() != null;
            if (!resumable && graph.robustness().nodeLevels().get(spec.id()) != Robustness.Level.NONE) {
                throw new SluiceException("Start node '" + spec.id() + "' cannot resume from the checkpoint "
                        + checkpoints.file() + ": its node does not implement Resumable, so it cannot say where it"
                        + " is in its input; implement io.sluice.Resumable, or give the node the level NONE"
                        + " (Robustness.withNode(\"" + spec.id() + "\", Level.NONE)) to start it from its beginning"
                        + " after a restart");
            }
        }
        for (NodeSpec spec : graph.nodes()) {
            Integer stored = checkpoints.storedParallelism(spec.id());
            if (stored != null && stored != spec.parallelism() && checkpoints.holdsAnythingOf(spec.id())) {
                throw new SluiceException("Node '" + spec.id() + "': the checkpoint " + checkpoints.file()
                        + " was written with a different parallelism; expected " + stored + " (its state and"
                        + " positions are split that way) but found " + spec.parallelism() + "; run the node with"
                        + " parallelism " + stored + ", or delete the checkpoint to start from the beginning");
            }
        }
        if (checkpoints.allEnded()) {
            checkpoints.forgetEnded(); // it completed: this run goes on from where it ended
        }
        restoreStores(checkpoints, operators, fault.contains("skip-store-restore"));
        List<Task> ended = tasks.stream()
                .filter(t -> t.operators.stream().allMatch(o -> checkpoints.ended(o.nodeId, o.instance)))
                .toList();
        Checkpointing checkpointing =
                new Checkpointing(checkpoints, options.checkpointInterval().toNanos(), tasks.size(), ended.size());
        for (Task task : tasks) {
            task.checkpointWith(checkpointing, ended.contains(task), fault.contains("skip-output-resume"));
        }
        checkpointing.sources(tasks.stream().filter(Task::isSource).toList());
        return checkpointing;
    }

    /**
     * Empties every store and puts back what the checkpoint holds of it, before the node opens. An external store the
     * checkpoint does not know yet adopts what its server holds, and a checkpoint of that content is written before
     * any item moves: a run killed before its first regular checkpoint then puts the server back to it, rather than
     * adopting what the killed run wrote.
     */
    private static void restoreStores(Checkpoints checkpoints, Map<String, List<Operator>> operators, boolean skip) {
        Set<Checkpoints.StoreId> declared = new HashSet<>();
        Checkpoints.Delta adopted = new Checkpoints.Delta();
        for (List<Operator> instances : operators.values()) {
            for (Operator operator : instances) {
                for (InstanceStore store : operator.stores.all()) {
                    Checkpoints.StoreId id = new Checkpoints.StoreId(operator.nodeId, operator.instance, store.name());
                    declared.add(id);
                    store.reset();
                    store.trackChanges(); // every checkpoint takes what changed since the last
                    if (store.isExternal()) {
                        // A checkpoint that knows the store holds its whole content: put the server back to it
                        // exactly. Otherwise adopt what the server holds, so the next checkpoint takes it in.
                        if (checkpoints.storeIds().contains(id) && !skip) {
                            store.restoreExactly(checkpoints.store(id));
                            store.commitExternal();
                        } else {
                            store.adoptContent();
                            Checkpoints.Changes content = new Checkpoints.Changes();
                            store.drainChanges(content::add);
                            adopted.changes.put(id, content);
                        }
                    } else if (!skip) {
                        checkpoints.store(id).forEach(store::restore);
                    }
                }
            }
        }
        if (!adopted.changes.isEmpty()) {
            checkpoints.write(checkpoints.number() + 1, adopted);
        }
        for (Checkpoints.StoreId id : List.copyOf(checkpoints.storeIds())) {
            if (!declared.contains(id)) {
                LOG.warn(
                        "Checkpoint {} holds {}, which the graph no longer declares; it is left out from now on",
                        checkpoints.file(),
                        id.describe());
                checkpoints.drop(id);
            }
        }
    }

    /**
     * Gives every tracked start node's task its ledger, and every start node's task channels to the dead-letter node,
     * if there is one, so that the dead-letter node ends when they all have.
     */
    private static void trackSources(
            ComputationalGraph graph, Tracking tracking, Map<String, List<Task>> tasksByHead, int batchSize) {
        List<Task> deadLetterTasks =
                graph.robustness().deadLetter().map(tasksByHead::get).orElse(null);
        for (NodeSpec spec : graph.startNodes()) {
            for (Task task : tasksByHead.get(spec.id())) {
                if (deadLetterTasks != null) {
                    task.sendDeadLettersTo(channels(task, deadLetterTasks, batchSize, tracking));
                }
                if (tracking.levelOf(spec.id()) == Robustness.Level.NONE) {
                    continue;
                }
                task.trackSource(tracking.ledger(spec.id(), task.head.instance));
            }
        }
    }

    private static boolean chainable(ComputationalGraph graph, Edge edge, LocalOptions options) {
        if (!options.chaining()) {
            return false;
        }
        int up = graph.node(edge.from()).parallelism();
        int down = graph.node(edge.to()).parallelism();
        return up == down && (up == 1 || edge.partitioning() instanceof Partitioning.Forward);
    }

    private static Output channelled(
            ComputationalGraph graph,
            Edge edge,
            int instance,
            Task producer,
            List<Task> consumers,
            int batchSize,
            Tracking tracking) {
        int upstream = graph.node(edge.from()).parallelism();
        int downstream = consumers.size();
        return switch (edge.partitioning()) {
            case Partitioning.Forward f ->
                upstream == downstream
                        ? new Output.Single(channel(producer, consumers.get(instance), batchSize, tracking))
                        : new Output.RoundRobin(channels(producer, consumers, batchSize, tracking), instance);
            case Partitioning.RoundRobin r ->
                new Output.RoundRobin(channels(producer, consumers, batchSize, tracking), instance);
            case Partitioning.Keyed k ->
                new Output.Keyed(k.keyFunction(), channels(producer, consumers, batchSize, tracking), edge.describe());
            case Partitioning.Broadcast b -> new Output.Broadcast(channels(producer, consumers, batchSize, tracking));
            // Channels to every instance, though only the first gets items: the others must still see the end.
            case Partitioning.Global g -> new Output.Single(channels(producer, consumers, batchSize, tracking)[0]);
        };
    }

    private static Channel[] channels(Task producer, List<Task> consumers, int batchSize, Tracking tracking) {
        Channel[] channels = new Channel[consumers.size()];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = channel(producer, consumers.get(i), batchSize, tracking);
        }
        return channels;
    }

    private static Channel channel(Task producer, Task consumer, int batchSize, Tracking tracking) {
        Channel channel = new Channel(consumer.input, batchSize, producer, tracking != null);
        producer.addChannel(channel);
        consumer.expectEnd();
        return channel;
    }

    private static String taskName(ComputationalGraph graph, List<Operator> chain, int instance, int parallelism) {
        StringBuilder name = new StringBuilder("sluice-").append(graph.name()).append('-');
        for (int i = 0; i < chain.size(); i++) {
            name.append(i == 0 ? "" : "+").append(chain.get(i).nodeId);
        }
        return parallelism == 1
                ? name.toString()
                : name.append('-').append(instance).toString();
    }
}
