package io.sluice.internal.local;

import io.sluice.Emitter;
import io.sluice.EndNode;
import io.sluice.EndNodeSpec;
import io.sluice.ItemFailure;
import io.sluice.KeyValueStore;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.NodeFailedException;
import io.sluice.NodeSpec;
import io.sluice.NodeState;
import io.sluice.ProcessingNodeSpec;
import io.sluice.Resumable;
import io.sluice.StartNode;
import io.sluice.StartNodeSpec;
import io.sluice.ValueState;
import io.sluice.spi.InstanceStores;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One instance of a node at run time: the user's node object, the outputs its emits go to, and its counters. It is
 * the node's {@link Emitter} and {@link NodeContext}, so that an emit is one call away from the next node.
 *
 * <p>Counters are written by the owning thread only and published once per batch ({@link #publish}), so the hot path
 * pays no memory barrier per item. Along a chain an item is counted once per edge, not once per node: a hop counts
 * what it passes to its next hop ({@link #itemsPassed}), and the next node's items in are derived from that at
 * publication, so a five-node chain pays three or four increments per item rather than eight.
 *
 * <p>Everything user code throws leaves here wrapped in a {@link NodeFailedException} naming the node, the instance
 * and the item — errors too ({@link AssertionError}, {@link StackOverflowError}, {@link NoClassDefFoundError}): they
 * are the node's failure like any exception, so that no runtime mistakes one for its worker finishing. The
 * exceptions are the JVM's own failures ({@link #isFatal}), which leave untouched.
 */
abstract sealed class Operator implements Emitter<Object>, NodeContext {

    private static final int MAX_ITEM_TEXT = 200;

    final String graph;
    final String nodeId;
    final int instance;
    final int parallelism;
    private final BiConsumer<String, Object> results;

    /** The node's stores; set once by {@link #of}, before the node opens. */
    InstanceStores stores = InstanceStores.none();

    /** The outputs of the default port; {@code null} if the node has no default port (a route). */
    private Output[] defaultOutputs;

    private Map<String, Output[]> portOutputs = Map.of();

    /**
     * The instance the default port feeds when that is its only output and it is chained: its hop is then this one's
     * next, so that an emit is a direct call into it, on the hottest path of a chain.
     */
    private Operator chainedNext;

    /**
     * The instance whose hop feeds this one's directly (a chained node has one inbound edge), or {@code null}: its
     * {@link #itemsPassed} are items in for this one.
     */
    private Operator chainedPrevious;

    /** The per-item path through this instance ({@link Hop}); built by {@link #link}, again once the chain is wired. */
    Hop hop;

    /** Items taken from outside the chain: a queue, a chained output that branches, another runtime's consumer. */
    long itemsIn;

    /** Items emitted other than to the next hop: to the outputs of a port where the chain branches, crosses or ends. */
    long itemsOut;

    /** Items passed to the next hop; counted once for this instance (out) and the next (in). */
    long itemsPassed;

    /** Items a map took and passed nowhere (its function returned {@code null}); see {@link #passed}. */
    long itemsDropped;

    /** Whether this instance's items passed are derived from its drops ({@link #passed}): a chained map's. */
    boolean passedByDrops;

    long errors;
    private long publishedIn;
    private long publishedOut;
    volatile long seenIn;
    volatile long seenOut;
    volatile long seenErrors;
    volatile long lastActivityMillis;
    volatile NodeState state = NodeState.CREATED;

    long tickPeriodNanos;
    long nextTickNanos;

    Operator(String graph, String nodeId, int instance, int parallelism, BiConsumer<String, Object> results) {
        this.graph = graph;
        this.nodeId = nodeId;
        this.instance = instance;
        this.parallelism = parallelism;
        this.results = results;
    }

    void wire(Map<String, Output[]> outputs) {
        this.portOutputs = Map.copyOf(outputs);
        this.defaultOutputs = outputs.get(DEFAULT_PORT);
        this.chainedNext =
                defaultOutputs != null && defaultOutputs.length == 1 && defaultOutputs[0] instanceof Output.Chained c
                        ? c.target
                        : null;
        if (chainedNext != null) {
            chainedNext.chainedPrevious = this;
        }
        link();
    }

    /**
     * Builds this instance's hop, feeding the chained instance's hop directly. The plan links a chain from its end
     * up, so that every hop is built on its successor's final hop.
     */
    final void link() {
        hop = Hop.of(this, chainedNext == null ? null : chainedNext.hop);
    }

    // ---- lifecycle, called by the task; every user exception leaves wrapped ----

    /** A call into the user's node. */
    @FunctionalInterface
    private interface UserCall {
        void run() throws Exception;
    }

    abstract void openNode() throws Exception;

    abstract void tickNode() throws Exception;

    abstract void completeNode() throws Exception;

    abstract void closeNode() throws Exception;

    final void open() {
        call("to open", this::openNode);
    }

    /** Takes one item from outside the chain (a hop takes its predecessor's items from {@link Hop#accept}). */
    final void accept(Object item) {
        itemsIn++;
        hop.accept(item);
    }

    final void tick() {
        call("on tick", this::tickNode);
    }

    final void complete() {
        call("on complete", this::completeNode);
    }

    /** Closes the user's node; returns the failure, if closing threw, rather than throwing it. */
    final Throwable close() {
        try {
            closeNode();
            return null;
        } catch (Throwable e) {
            rethrowIfFatal(e);
            return failure("to close", null, false, e);
        } finally {
            stores.close();
        }
    }

    private void call(String phase, UserCall call) {
        try {
            call.run();
        } catch (Throwable e) {
            throw leave(e, phase, null, false);
        }
    }

    /**
     * What leaves the operator when user code threw {@code e}: our own signals as they are, an interruption as
     * cancellation, a {@linkplain #isFatal fatal} error of the JVM rethrown as it is, anything else — exceptions and
     * errors — wrapped with the node, instance and item.
     */
    final RuntimeException leave(Throwable e, String phase, Object item, boolean onItem) {
        if (e instanceof NodeFailedException || e instanceof Cancelled) {
            return (RuntimeException) e;
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return Cancelled.INSTANCE;
        }
        rethrowIfFatal(e);
        return failure(phase, item, onItem, e);
    }

    /**
     * Whether {@code e} is the JVM's failure rather than the node's: a {@link VirtualMachineError} such as {@link
     * OutOfMemoryError} or {@link InternalError}. Made the item's failure, it would be replayed or dead-lettered
     * under a robustness level although the item did nothing wrong, and the JVM — whose other threads it may have
     * broken mid-update — would go on as if all were well. So it passes through untouched, and the boundary that runs
     * the node (a LOCAL task, a KAFKA worker) fails the deployment with it, naming the node. A {@link
     * StackOverflowError} is the exception: it is the node's own recursion, the stack has unwound by the time it is
     * caught, and the same item would overflow again — the node's failure like any other.
     */
    static boolean isFatal(Throwable e) {
        return e instanceof VirtualMachineError && !(e instanceof StackOverflowError);
    }

    /** Rethrows {@code e} if it is {@linkplain #isFatal fatal}. */
    static void rethrowIfFatal(Throwable e) {
        if (isFatal(e)) {
            throw (VirtualMachineError) e;
        }
    }

    // ---- Emitter ----

    @Override
    public void emit(Object item) {
        hop.emit(item);
    }

    /** Emits {@code item} through the outputs of the default port: where the chain branches, crosses or ends. */
    final void emitToOutputs(Object item) {
        Output[] outputs = defaultOutputs;
        if (outputs == null) {
            throw new IllegalArgumentException("node '" + nodeId + "' has no default port; emit on one of its ports "
                    + new TreeSet<>(portOutputs.keySet()) + " with emit(port, item)");
        }
        itemsOut++;
        for (Output output : outputs) {
            output.accept(item);
        }
    }

    @Override
    public final void emit(String port, Object item) {
        Output[] outputs = portOutputs.get(port);
        if (outputs == null) {
            throw new IllegalArgumentException("node '" + nodeId + "' has no port '" + port + "'; its ports: "
                    + new TreeSet<>(portOutputs.keySet()) + "; declare side outputs on the node and give each an edge");
        }
        itemsOut++;
        for (Output output : outputs) {
            output.accept(item);
        }
    }

    /** What a start node's hop does with an item from upstream: a start node has none. */
    final void refuseInput() {
        throw new IllegalStateException("start node '" + nodeId + "' has no input");
    }

    // ---- NodeContext ----

    @Override
    public String graph() {
        return graph;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public int instance() {
        return instance;
    }

    @Override
    public int parallelism() {
        return parallelism;
    }

    @Override
    public void tickEvery(Duration period) {
        if (period == null || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException(
                    "tickEvery on node '" + nodeId + "': period must be positive, found " + period);
        }
        tickPeriodNanos = period.toNanos();
        nextTickNanos = System.nanoTime() + tickPeriodNanos;
    }

    @Override
    public void keepResult(Object item) {
        results.accept(nodeId, item);
    }

    @Override
    public <K, V> KeyValueStore<K, V> store(String name) {
        return stores.store(name);
    }

    @Override
    public <V> ValueState<V> valueState(String name) {
        return stores.valueState(name);
    }

    // ---- counters ----

    /** Items in so far: taken from outside the chain, and passed by the previous hop. On the owning thread only. */
    private long in() {
        return chainedPrevious == null ? itemsIn : itemsIn + chainedPrevious.passed();
    }

    /**
     * Items passed to the next hop so far; on the owning thread only. A chained map passes nearly every item, so its
     * hop counts the exceptions instead: what it took, less what it dropped and what failed in its function (its
     * {@link #errors}; a map has no other phase that fails). An item under way counts as passed from the moment it is
     * taken in; no publication falls inside a map's function, so that never shows.
     */
    final long passed() {
        return passedByDrops ? in() - itemsDropped - errors : itemsPassed;
    }

    /** Makes the counters visible to status readers; called by the owning thread after each batch. */
    final void publish(long nowMillis) {
        long in = in();
        long out = itemsOut + passed();
        if (in != publishedIn || out != publishedOut) {
            publishedIn = in;
            publishedOut = out;
            seenIn = in;
            seenOut = out;
            lastActivityMillis = nowMillis;
        }
    }

    // ---- failures ----

    final NodeFailedException failure(String phase, Object item, boolean onItem, Throwable cause) {
        errors++;
        seenErrors = errors;
        String where = parallelism == 1 ? "" : " (instance " + instance + " of " + parallelism + ")";
        String itemText = onItem ? describe(item) : null;
        String what = onItem ? "failed on item " + itemText : "failed " + phase;
        return new NodeFailedException(
                nodeId, itemText, "Node '" + nodeId + "'" + where + " " + what + ": " + describe(cause), cause);
    }

    static String describe(Throwable cause) {
        return ItemFailure.errorOf(cause);
    }

    static String describe(Object item) {
        String text;
        try {
            text = String.valueOf(item);
        } catch (RuntimeException e) {
            text = item.getClass().getName() + " (toString threw "
                    + e.getClass().getSimpleName() + ")";
        }
        return text.length() > MAX_ITEM_TEXT ? text.substring(0, MAX_ITEM_TEXT) + "…" : text;
    }

    // ---- creation ----

    /** The operator of one instance of {@code spec}, with its node object made by the spec's factory. */
    @SuppressWarnings("unchecked")
    static Operator of(String graph, NodeSpec spec, int instance, BiConsumer<String, Object> results, boolean rooting) {
        int p = spec.parallelism();
        Operator operator =
                switch (spec) {
                    case StartNodeSpec s ->
                        rooting
                                ? new Operator.RootingSource(graph, s.id(), instance, p, results, (StartNode<Object>)
                                        create(s.id(), s.factory()))
                                : new Operator.Source(graph, s.id(), instance, p, results, (StartNode<Object>)
                                        create(s.id(), s.factory()));
                    case ProcessingNodeSpec s ->
                        new Operator.Process(graph, s.id(), instance, p, results, (Node<Object, Object>)
                                create(s.id(), s.factory()));
                    case EndNodeSpec s ->
                        new Operator.End(
                                graph, s.id(), instance, p, results, (EndNode<Object>) create(s.id(), s.factory()));
                };
        operator.stores = InstanceStores.open(graph, spec, instance); // none declared: an empty set naming the node
        operator.link();
        return operator;
    }

    private static Object create(String id, Supplier<?> factory) {
        Object node;
        try {
            node = factory.get();
        } catch (RuntimeException | Error e) {
            rethrowIfFatal(e);
            throw new NodeFailedException(
                    id, "Node '" + id + "' could not be created: its factory threw " + describe(e), e);
        }
        if (node == null) {
            throw new NodeFailedException(
                    id,
                    "Node '" + id + "' could not be created: its factory returned null; return a new node object",
                    null);
        }
        return node;
    }

    // ---- the three kinds ----

    /** A start node's instance; untracked, its emits go straight on. */
    static sealed class Source extends Operator permits RootingSource {
        final StartNode<Object> node;
        private boolean positionsCommitted; // set before the node opens

        Source(
                String graph,
                String id,
                int instance,
                int parallelism,
                BiConsumer<String, Object> results,
                StartNode<Object> node) {
            super(graph, id, instance, parallelism, results);
            this.node = node;
        }

        /** The node as a {@link Resumable}, or {@code null} if it cannot say where it is. */
        Resumable resumable() {
            return node instanceof Resumable r ? r : null;
        }

        /** The runtime commits this source's position and calls {@link Resumable#committed}; before it opens. */
        void commitPositions() {
            positionsCommitted = true;
        }

        @Override
        public boolean positionsCommitted() {
            return positionsCommitted;
        }

        /** Pulls once; returns whether the source has more. */
        boolean pull() {
            try {
                return hop.pull();
            } catch (Throwable e) {
                throw leave(e, "while pulling", null, false);
            }
        }

        @Override
        public void tickEvery(Duration period) {
            throw new IllegalStateException(
                    "start node '" + nodeId + "' cannot tick; a start node times itself" + " inside pull");
        }

        @Override
        void openNode() throws Exception {
            node.open(this);
        }

        @Override
        void tickNode() {}

        @Override
        void completeNode() {}

        @Override
        void closeNode() throws Exception {
            node.close();
        }
    }

    /**
     * A tracked start node's instance: every emit opens a tuple tree in its task. A class of its own, so that an
     * untracked source's emit carries no check at all.
     */
    static final class RootingSource extends Source {

        /** The task that opens a tuple tree for every item this source emits; set before the node opens. */
        Task rooting;

        RootingSource(
                String graph,
                String id,
                int instance,
                int parallelism,
                BiConsumer<String, Object> results,
                StartNode<Object> node) {
            super(graph, id, instance, parallelism, results, node);
        }

        @Override
        boolean pull() {
            try {
                return node.pull(this);
            } catch (Throwable e) {
                throw leave(e, "while pulling", null, false);
            }
        }

        @Override
        public void emit(Object item) {
            Task task = rooting;
            if (task == null) {
                super.emit(item);
            } else {
                task.emitRooted(this, item, null);
            }
        }
    }

    static final class Process extends Operator {
        final Node<Object, Object> node;

        Process(
                String graph,
                String id,
                int instance,
                int parallelism,
                BiConsumer<String, Object> results,
                Node<Object, Object> node) {
            super(graph, id, instance, parallelism, results);
            this.node = node;
        }

        @Override
        void openNode() throws Exception {
            node.open(this);
        }

        @Override
        void tickNode() throws Exception {
            node.onTick(this);
        }

        @Override
        void completeNode() throws Exception {
            node.onComplete(this);
        }

        @Override
        void closeNode() throws Exception {
            node.close();
        }
    }

    static final class End extends Operator {

        final EndNode<Object> node;
        private String offered; // the output position handed in with checkpoint offeredEpoch, not yet confirmed
        private long offeredEpoch;

        End(
                String graph,
                String id,
                int instance,
                int parallelism,
                BiConsumer<String, Object> results,
                EndNode<Object> node) {
            super(graph, id, instance, parallelism, results);
            this.node = node;
            wire(Map.of());
        }

        @Override
        void openNode() throws Exception {
            node.open(this);
        }

        /** The node as a {@link Resumable}, or {@code null} if it cannot go back to an earlier output position. */
        Resumable resumable() {
            return node instanceof Resumable r ? r : null;
        }

        /** Remembers the position handed in with checkpoint {@code epoch}, to confirm once that is written. */
        void offered(String position, long epoch) {
            offered = position;
            offeredEpoch = epoch;
        }

        /**
         * Tells the node, once, that the checkpoint holding its last position handed in is on disk (see {@link
         * Resumable#committed}): what it wrote up to there may become visible.
         */
        void confirmIfWritten(long completedEpoch) {
            String position = offered;
            if (position != null && completedEpoch >= offeredEpoch) {
                offered = null;
                try {
                    ((Resumable) node).committed(position);
                } catch (Throwable e) {
                    throw leave(e, "to commit its output up to position '" + position + "'", null, false);
                }
            }
        }

        /** Lets the end node make what it wrote durable; see {@link EndNode#flush}. */
        void flush() {
            try {
                node.flush();
            } catch (Throwable e) {
                throw leave(e, "to flush", null, false);
            }
        }

        @Override
        void tickNode() throws Exception {
            node.onTick();
        }

        @Override
        void completeNode() throws Exception {
            node.onComplete();
        }

        @Override
        void closeNode() throws Exception {
            node.close();
        }
    }
}
