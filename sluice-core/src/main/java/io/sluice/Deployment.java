package io.sluice;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A graph running on a system: the handle to ask it for its status and results, wait for it, and stop it.
 *
 * <p>All methods may be called from any thread. A deployment is returned running — except in LOCAL single-thread
 * mode, where the graph advances only inside {@link #awaitCompletion}. Close it when done; closing a completed
 * deployment is harmless.
 *
 * <pre>{@code
 * try (Deployment d = graph.deploySystem(SystemType.LOCAL)) {
 *     switch (d.awaitTermination(Duration.ofMinutes(1))) {
 *         case COMPLETED -> System.out.println(d.results("out"));
 *         case FAILED -> System.err.println(d.failure().orElseThrow().getMessage());
 *         case CANCELLED -> System.err.println("stopped");
 *         case RUNNING -> System.err.println("still running after a minute");
 *     }
 * }
 * }</pre>
 */
public interface Deployment extends AutoCloseable {

    /** An id unique to this deployment, for logs and the query API: {@code <graph>-<system>-<n>}. */
    String id();

    /** The graph this deployment runs. */
    ComputationalGraph graph();

    /** The system it runs on. */
    SystemType system();

    /** A snapshot of the state and counters of the deployment and each of its nodes. */
    DeploymentStatus status();

    /**
     * The items an end node kept so far ({@link NodeContext#keepResult}, as {@link Sinks#collect()} does), oldest
     * first; a snapshot, not a live view.
     *
     * @throws SluiceException if {@code endNodeId} is not an end node of the graph
     */
    <T> List<T> results(String endNodeId);

    /**
     * The results of an end node of a graph built with {@link Flow}, typed as the node takes them.
     *
     * @throws SluiceException if the end node is not in this deployment's graph
     */
    default <T> List<T> results(End<T> end) {
        return results(end.id());
    }

    /** A page of the results of an end node of a graph built with {@link Flow}; see {@link #results(String, long, int)}. */
    default <T> ResultPage<T> results(End<T> end, long from, int limit) {
        return results(end.id(), from, limit);
    }

    /**
     * At most {@code limit} of the results an end node kept, from position {@code from} on (0 is the first result it
     * ever kept), without copying the rest: what a reader that polls or pages uses. A deployment that keeps only the
     * latest results (as {@link LocalOptions#withKeptResults} asks) starts the page at the oldest one it still holds.
     *
     * @throws SluiceException if {@code endNodeId} is not an end node of the graph
     * @throws IllegalArgumentException if {@code from} is negative or {@code limit} is not positive
     */
    default <T> ResultPage<T> results(String endNodeId, long from, int limit) {
        ResultPage.check(from, limit);
        return ResultPage.of(results(endNodeId), from, limit);
    }

    /** The latest {@code limit} results of an end node, oldest first; see {@link #results(String, long, int)}. */
    default <T> ResultPage<T> latestResults(String endNodeId, int limit) {
        ResultPage.check(0, limit);
        List<T> all = results(endNodeId);
        return ResultPage.of(all, all.size() - (long) limit, limit);
    }

    /**
     * One store of a node, to read its state from outside the node while the deployment runs and after it has ended:
     * a value by key, a key written as text, or a bounded list of entries, over every instance of the node. See
     * {@link StoreView} for what each system shows and how keys are matched.
     *
     * <pre>{@code
     * Optional<Long> count = deployment.store("count", "counts").get("the");
     * }</pre>
     *
     * @throws NotDefinedException if the graph has no node {@code nodeId}, or the node declares no store {@code
     *     store}; the message lists the node's stores
     */
    StoreView store(String nodeId, String store);

    /**
     * Waits until the deployment ends — every bounded input processed to the end, a node failed, or the deployment
     * stopped — or the timeout passes, and says which. A failure is returned, not thrown: {@link #failure()} has it.
     *
     * @return {@link DeploymentState#COMPLETED}, {@link DeploymentState#FAILED} or {@link DeploymentState#CANCELLED}
     *     once it has ended; {@link DeploymentState#RUNNING} if the timeout passed first
     * @throws InterruptedException if the waiting thread is interrupted
     */
    DeploymentState awaitTermination(Duration timeout) throws InterruptedException;

    /**
     * Rescales a running node to {@code parallelism} instances, keeping its state: its instances stop, and the
     * node starts again with the new count, each instance taking up the partitions and the store keys it now owns.
     * Built on KAFKA with worker processes ({@code Workers.processes}); the node must have been given room to grow
     * with {@link NodeSpec#maxParallelism()} when the graph was deployed. Returns once the new instances run.
     *
     * <pre>{@code
     * deployment.scale("count", 5); // from 2 instances, say, up to its maxParallelism
     * }</pre>
     *
     * @throws NotDefinedException if the graph has no such node
     * @throws SluiceException if the node cannot be rescaled, saying why: the system does not rescale, a start node,
     *     a parallelism below 1 or above the node's maximum, a node that reads a global edge or keeps its stores in an
     *     external server
     */
    default void scale(String nodeId, int parallelism) {
        graph().node(nodeId);
        throw new SluiceException("Node '" + nodeId + "': deployment '" + id() + "' runs on " + system()
                + ", which cannot rescale a running node; rescaling is built on KAFKA with worker processes"
                + " (Workers.processes); to run it with another parallelism here, deploy the graph again");
    }

    /** Why the deployment failed, once it has: the node, and the item and cause where known. */
    Optional<NodeFailedException> failure();

    /**
     * Waits until every bounded input has been processed to the end, or the timeout passes. Use {@link
     * #awaitTermination} to tell a timeout from a stop.
     *
     * @return {@code true} once the deployment has completed; {@code false} if the timeout passed first or the
     *     deployment was stopped
     * @throws NodeFailedException if a node failed: the deployment is FAILED and the exception names the node and item
     * @throws InterruptedException if the waiting thread is interrupted
     */
    default boolean awaitCompletion(Duration timeout) throws InterruptedException {
        DeploymentState state = awaitTermination(timeout);
        if (state == DeploymentState.FAILED) {
            NodeFailedException f =
                    failure().orElseGet(() -> new NodeFailedException("?", "deployment " + id() + " failed", null));
            // thrown anew, so the waiting thread's stack shows where it waited
            throw new NodeFailedException(f.nodeId(), f.item().orElse(null), f.getMessage(), f.getCause());
        }
        return state == DeploymentState.COMPLETED;
    }

    /**
     * Stops every node and releases the deployment's threads and resources, waiting for them to end; {@code close} is
     * called on every node instance. A running deployment becomes CANCELLED.
     */
    @Override
    void close();
}
