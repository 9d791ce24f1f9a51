package io.sluice.internal.request;

import io.sluice.RequestFailedException;
import io.sluice.RequestGraph.Step;
import io.sluice.RequestNode;
import io.sluice.RequestResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a request graph once: each node on a virtual thread of its own as soon as its parents have produced. The first
 * failure of a required node, or the request's timeout, fails the request and interrupts the nodes still running.
 * One instance serves every request of its graph; each request gets its own {@link Run}.
 */
public final class Evaluation<C> {

    /** Fires per-node timeouts; one daemon thread for the JVM. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sluice-request-timer");
        thread.setDaemon(true);
        return thread;
    });

    private final String graph;
    private final List<Step<C>> steps;
    private final List<String> leaves;
    private final int[][] parents; // by step index: the indexes of its parents
    private final List<Map<String, Integer>> parentIndex; // by step index: parent id -> index

    public Evaluation(String graph, List<Step<C>> steps, List<String> leaves) {
        this.graph = graph;
        this.steps = steps;
        this.leaves = leaves;
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            index.put(steps.get(i).id(), i);
        }
        this.parents = new int[steps.size()][];
        this.parentIndex = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Map<String, Integer> byName = new LinkedHashMap<>();
            steps.get(i).parents().forEach(p -> byName.put(p, index.get(p)));
            parents[i] = byName.values().stream().mapToInt(Integer::intValue).toArray();
            parentIndex.add(Map.copyOf(byName));
        }
    }

    /** Evaluates one request. */
    public RequestResult run(C context, Duration timeout) {
        Run run = new Run(context);
        run.start();
        return run.await(timeout);
    }

    /** One request's evaluation. */
    private final class Run {
        private final C context;
        private final Object[] outputs = new Object[steps.size()];
        private final Throwable[] errors = new Throwable[steps.size()];
        private final Thread[] threads = new Thread[steps.size()]; // guarded by this
        private final List<CompletableFuture<Object>> futures = new ArrayList<>(steps.size());
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final AtomicInteger remaining = new AtomicInteger(steps.size());

        Run(C context) {
            this.context = context;
            for (int i = 0; i < steps.size(); i++) {
                futures.add(new CompletableFuture<>());
            }
        }

        void start() {
            for (int i = 0; i < steps.size(); i++) {
                int node = i;
                if (parents[i].length == 0) {
                    launch(node);
                } else {
                    CompletableFuture<?>[] ready = new CompletableFuture<?>[parents[i].length];
                    for (int p = 0; p < ready.length; p++) {
                        ready[p] = futures.get(parents[i][p]);
                    }
                    CompletableFuture.allOf(ready).whenComplete((ignored, failed) -> {
                        if (failed == null) {
                            launch(node);
                        } else {
                            futures.get(node).completeExceptionally(failed);
                        }
                    });
                }
            }
        }

        private void launch(int node) {
            if (done.isDone()) {
                futures.get(node).cancel(false);
                return;
            }
            Step<C> step = steps.get(node);
            Thread thread = Thread.ofVirtual()
                    .name("sluice-request-" + graph + "-" + step.id())
                    .unstarted(() -> evaluate(node));
            synchronized (this) {
                threads[node] = thread;
            }
            thread.start();
            if (step.timeout() != null) {
                TIMER.schedule(() -> timedOut(node), step.timeout().toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        private void evaluate(int node) {
            Step<C> step = steps.get(node);
            try {
                Object output = step.node().evaluate(context, new NodeInputs(node));
                succeeded(node, output);
            } catch (Throwable e) {
                failed(node, e, "failed: " + describe(e));
            }
        }

        private void timedOut(int node) {
            if (!futures.get(node).isDone()) {
                Step<C> step = steps.get(node);
                failed(
                        node,
                        new TimeoutException(
                                "took longer than " + step.timeout().toMillis() + " ms"),
                        "timed out after " + step.timeout().toMillis() + " ms");
                interrupt(node);
            }
        }

        /** Synchronized with {@link #failed}: a node that finishes after timing out must not overwrite its result. */
        private synchronized void succeeded(int node, Object output) {
            if (futures.get(node).isDone()) {
                return;
            }
            outputs[node] = output;
            futures.get(node).complete(output);
            ended();
        }

        private synchronized void failed(int node, Throwable error, String what) {
            if (futures.get(node).isDone()) {
                return;
            }
            Step<C> step = steps.get(node);
            if (step.optional()) {
                errors[node] = error;
                futures.get(node).complete(null);
                ended();
                return;
            }
            if (futures.get(node).completeExceptionally(error)
                    && done.completeExceptionally(new RequestFailedException(
                            step.id(),
                            "Request to graph '" + graph + "' failed: node '" + step.id() + "' " + what,
                            error))) {
                cancelAll();
            }
        }

        private void ended() {
            if (remaining.decrementAndGet() == 0) {
                done.complete(null);
            }
        }

        RequestResult await(Duration timeout) {
            try {
                done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                List<String> unfinished = unfinished();
                done.completeExceptionally(e);
                cancelAll();
                throw new RequestFailedException(
                        null,
                        "Request to graph '" + graph + "' timed out after " + timeout.toMillis()
                                + " ms; unfinished nodes: " + unfinished,
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancelAll();
                throw new RequestFailedException(null, "Request to graph '" + graph + "' was interrupted", e);
            } catch (ExecutionException e) {
                RequestFailedException failure = (RequestFailedException) e.getCause();
                throw new RequestFailedException(
                        failure.nodeId().orElse(null), failure.getMessage(), failure.getCause());
            }
            Map<String, Object> byId = new LinkedHashMap<>();
            Map<String, Throwable> failures = new LinkedHashMap<>();
            for (int i = 0; i < steps.size(); i++) {
                byId.put(steps.get(i).id(), outputs[i]);
                if (errors[i] != null) {
                    failures.put(steps.get(i).id(), errors[i]);
                }
            }
            return new RequestResult(byId, failures, leaves);
        }

        private List<String> unfinished() {
            List<String> unfinished = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                if (!futures.get(i).isDone()) {
                    unfinished.add(steps.get(i).id());
                }
            }
            return unfinished;
        }

        /** Interrupts the nodes still running and settles every future, so that nothing waits on this request. */
        private void cancelAll() {
            for (int i = 0; i < steps.size(); i++) {
                if (futures.get(i).cancel(false)) {
                    interrupt(i);
                }
            }
        }

        private synchronized void interrupt(int node) {
            Thread thread = threads[node];
            if (thread != null && thread.isAlive()) {
                thread.interrupt();
            }
        }

        /** The parents' outputs of one node. */
        private final class NodeInputs implements RequestNode.Inputs {
            private final int node;

            NodeInputs(int node) {
                this.node = node;
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T get(String parent) {
                return (T) outputs[index(parent)];
            }

            @Override
            public boolean has(String parent) {
                return errors[index(parent)] == null;
            }

            private int index(String parent) {
                Integer index = parentIndex.get(node).get(parent);
                if (index == null) {
                    throw new IllegalArgumentException("'" + parent + "' is not a parent of node '"
                            + steps.get(node).id() + "'; its parents: "
                            + steps.get(node).parents());
                }
                return index;
            }
        }
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
