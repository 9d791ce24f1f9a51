package io.sluice;

import java.time.Duration;
import java.util.List;

/**
 * A graph running on a system: the handle to ask it for its status and results, wait for it, and stop it.
 *
 * <p>All methods may be called from any thread. A deployment is returned running — except in LOCAL single-thread
 * mode, where the graph advances only inside {@link #awaitCompletion}. Close it when done; closing a completed
 * deployment is harmless.
 *
 * <pre>{@code
 * try (Deployment d = graph.deploySystem(SystemType.LOCAL)) {
 *     d.awaitCompletion(Duration.ofMinutes(1));
 *     List<String> words = d.results("out");
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
     * Waits until every bounded input has been processed to the end, or the timeout passes.
     *
     * @return {@code true} once the deployment has completed; {@code false} if the timeout passed first or the
     *     deployment was stopped
     * @throws NodeFailedException if a node failed: the deployment is FAILED and the exception names the node and item
     * @throws InterruptedException if the waiting thread is interrupted
     */
    boolean awaitCompletion(Duration timeout) throws InterruptedException;

    /**
     * Stops every node and releases the deployment's threads and resources, waiting for them to end; {@code close} is
     * called on every node instance. A running deployment becomes CANCELLED.
     */
    @Override
    void close();
}
