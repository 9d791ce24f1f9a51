package io.sluice;

/**
 * The handle of an end node added with {@link Stage#to}: sets the node's parallelism, stores and ordering, and reads
 * its results with their type from a deployment of the graph ({@link Deployment#results(End)}).
 *
 * @param <T> the type of the results it keeps: the items it takes, for {@link Sinks#collect()}
 */
public final class End<T> {

    private final Stage<?> stage;

    End(Stage<?> stage) {
        this.stage = stage;
    }

    /** The end node's id. */
    public String id() {
        return stage.id();
    }

    /** Runs {@code parallelism} instances of the end node. */
    public End<T> parallelism(int parallelism) {
        stage.parallelism(parallelism);
        return this;
    }

    /** Declares in-memory stores of these names on the end node; see {@link KeyValueStore}. */
    public End<T> stores(String... names) {
        stage.stores(names);
        return this;
    }

    /** Declares stores on the end node. */
    public End<T> stores(StoreSpec... stores) {
        stage.stores(stores);
        return this;
    }

    /** Says that the end node needs its items in {@code ordering}; see {@link Stage#requireOrder}. */
    public End<T> requireOrder(Ordering ordering) {
        stage.requireOrder(ordering);
        return this;
    }

    /**
     * This end node's handle reading its results as {@code type}, for an end node that keeps other objects than it
     * takes ({@link NodeContext#keepResult}).
     */
    public <R> End<R> keeping(Class<R> type) {
        return new End<>(stage);
    }

    @Override
    public String toString() {
        return "End[" + id() + "]";
    }
}
