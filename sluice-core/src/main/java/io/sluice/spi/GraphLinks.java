package io.sluice.spi;

import io.sluice.ComputationalGraph;
import io.sluice.Emitter;
import io.sluice.EndNode;
import io.sluice.EndNodeSpec;
import io.sluice.NodeContext;
import io.sluice.NodeSpec;
import io.sluice.SluiceException;
import io.sluice.StartNode;
import io.sluice.StartNodeSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The links between graphs: an end node that publishes a graph's named output, and a start node that reads another
 * graph's output, at the address {@code <graph>.<output>}. A runtime that moves items between processes replaces
 * both with its own transport — on KAFKA the output is the topic {@code <graph>.<output>}, written in the worker's
 * transaction with end markers, and the input reads it until every writer's marker has come — by recognising the
 * factories ({@link #outputOf}, {@link #inputOf}) and building other nodes from the same spec.
 *
 * <p>Built as they are, the nodes link graphs deployed in one JVM through an in-memory channel per address: bounded
 * (a writer waits while {@value #CAPACITY} items are unread), items kept until a reader takes them — also those
 * published before any reader was deployed — and each item to one reader instance. When every instance of the output
 * has completed, a reader that has taken everything completes too: that is the batch-completed marker. A graph that
 * stops before its output is whole fails the graphs reading it, naming it. Nothing survives the process: between
 * graphs on LOCAL the link is at-most-once across a crash, whatever the graphs' own robustness.
 */
public final class GraphLinks {

    /** Items an in-memory link holds before its writers wait. */
    public static final int CAPACITY = 8192;

    private static final int BATCH = 256;
    private static final long WAIT_MILLIS = 50;
    private static final Map<String, Channel> CHANNELS = new ConcurrentHashMap<>();

    private GraphLinks() {}

    /** The factory of the end node publishing the output named as the node, at {@code <graph>.<node>}. */
    public static Output output() {
        return new Output();
    }

    /** The factory of a start node reading the output at {@code address} ({@code <graph>.<output>}). */
    public static Input input(String address) {
        return new Input(checkAddress(address));
    }

    /** The address an end node of {@code graph} publishes, if it is a graph output. */
    public static Optional<String> outputOf(String graph, NodeSpec node) {
        return node instanceof EndNodeSpec end && end.factory() instanceof Output
                ? Optional.of(address(graph, node.id()))
                : Optional.empty();
    }

    /** The address a start node reads, if it is a graph input. */
    public static Optional<String> inputOf(NodeSpec node) {
        return node instanceof StartNodeSpec start && start.factory() instanceof Input input
                ? Optional.of(input.address())
                : Optional.empty();
    }

    /** The outputs of {@code graph}: end node id to address. */
    public static Map<String, String> outputs(ComputationalGraph graph) {
        Map<String, String> outputs = new LinkedHashMap<>();
        for (NodeSpec node : graph.endNodes()) {
            outputOf(graph.name(), node).ifPresent(address -> outputs.put(node.id(), address));
        }
        return outputs;
    }

    /** The inputs of {@code graph}: start node id to the address it reads. */
    public static Map<String, String> inputs(ComputationalGraph graph) {
        Map<String, String> inputs = new LinkedHashMap<>();
        for (NodeSpec node : graph.startNodes()) {
            inputOf(node).ifPresent(address -> inputs.put(node.id(), address));
        }
        return inputs;
    }

    /** {@code <graph>.<output>}. */
    public static String address(String graph, String output) {
        return graph + "." + output;
    }

    private static String checkAddress(String address) {
        Objects.requireNonNull(address, "address");
        int dot = address.lastIndexOf('.');
        if (dot <= 0 || dot == address.length() - 1) {
            throw new IllegalArgumentException("Graph output address '" + address
                    + "': expected <graph>.<output>, as 'orders.cleaned' for the output 'cleaned' of graph 'orders'");
        }
        return address;
    }

    /** Makes the end nodes of a graph output; a runtime with a transport of its own recognises it and builds others. */
    public static final class Output implements Supplier<EndNode<Object>> {
        private Output() {}

        @Override
        public EndNode<Object> get() {
            return new Publisher();
        }
    }

    /** Makes the start nodes reading a graph output; a runtime with a transport of its own builds others. */
    public static final class Input implements Supplier<StartNode<Object>> {
        private final String address;

        private Input(String address) {
            this.address = address;
        }

        /** The address read: {@code <graph>.<output>}. */
        public String address() {
            return address;
        }

        @Override
        public StartNode<Object> get() {
            return new Subscriber(address);
        }
    }

    /** An output's instance on LOCAL: hands items to the channel of its address. */
    private static final class Publisher implements EndNode<Object> {
        private Channel channel;
        private int instance;
        private boolean completed;

        @Override
        public void open(NodeContext context) {
            instance = context.instance();
            String address = address(context.graph(), context.nodeId());
            channel = CHANNELS.compute(address, (key, existing) -> {
                if (existing == null || existing.broken != null) {
                    return new Channel(key);
                }
                return existing;
            });
            channel.writerOpened(context.parallelism(), instance);
        }

        @Override
        public void process(Object item) throws InterruptedException {
            channel.put(item);
        }

        @Override
        public void onComplete() {
            completed = true;
            channel.writerFinished(instance);
        }

        @Override
        public void close() {
            if (channel != null && !completed) {
                channel.breakOff("graph '" + channel.graph() + "' stopped before its output '" + channel.output()
                        + "' was whole");
            }
        }
    }

    /** An input's instance on LOCAL: takes items from the channel of its address. */
    private static final class Subscriber implements StartNode<Object> {
        private final String address;
        private final List<Object> batch = new ArrayList<>(BATCH);
        private Channel channel;
        private String node;
        private String graph;

        Subscriber(String address) {
            this.address = address;
        }

        @Override
        public void open(NodeContext context) {
            node = context.nodeId();
            graph = context.graph();
            channel = CHANNELS.computeIfAbsent(address, Channel::new);
        }

        @Override
        public boolean pull(Emitter<Object> emitter) throws InterruptedException {
            Object first = channel.items.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            if (first == null) {
                String broken = channel.broken;
                if (broken != null) {
                    throw new SluiceException(
                            "Input '" + node + "' of graph '" + graph + "' reading '" + address + "': " + broken);
                }
                if (channel.ended && channel.items.isEmpty()) {
                    CHANNELS.remove(address, channel); // read to the end: the address may carry a new run
                    return false;
                }
                return true;
            }
            emitter.emit(first);
            channel.items.drainTo(batch, BATCH - 1);
            for (Object item : batch) {
                emitter.emit(item);
            }
            batch.clear();
            return true;
        }
    }

    /** What one address holds in this JVM. */
    private static final class Channel {
        private final String address;
        private final BlockingQueue<Object> items = new ArrayBlockingQueue<>(CAPACITY);
        private final Set<Integer> finished = new HashSet<>();
        private int writers = -1;
        private volatile boolean ended;
        private volatile String broken;

        Channel(String address) {
            this.address = address;
        }

        String graph() {
            return address.substring(0, address.lastIndexOf('.'));
        }

        String output() {
            return address.substring(address.lastIndexOf('.') + 1);
        }

        synchronized void writerOpened(int parallelism, int instance) {
            if (ended) {
                throw new SluiceException("Output '" + output() + "' of graph '" + graph()
                        + "': its previous run is not read to the end yet (" + items.size()
                        + " items unread); deploy the graph reading '" + address + "' first, or wait for it");
            }
            writers = parallelism;
        }

        synchronized void writerFinished(int instance) {
            finished.add(instance);
            if (finished.size() == writers) {
                ended = true;
            }
        }

        void breakOff(String reason) {
            broken = reason;
        }

        void put(Object item) throws InterruptedException {
            while (!items.offer(item, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    }
}
