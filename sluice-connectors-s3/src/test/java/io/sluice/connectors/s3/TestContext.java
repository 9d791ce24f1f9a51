package io.sluice.connectors.s3;

import io.sluice.Emitter;
import io.sluice.KeyValueStore;
import io.sluice.NodeContext;
import io.sluice.ValueState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The context a test hands to a node it drives itself, and an emitter that keeps what the node emits. */
public final class TestContext implements NodeContext {

    private final String node;
    private final int instance;
    private final int parallelism;

    TestContext(String node, int instance, int parallelism) {
        this.node = node;
        this.instance = instance;
        this.parallelism = parallelism;
    }

    public static TestContext of(String node) {
        return new TestContext(node, 0, 1);
    }

    @Override
    public String graph() {
        return "test";
    }

    @Override
    public String nodeId() {
        return node;
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
    public void tickEvery(Duration period) {}

    @Override
    public void keepResult(Object item) {}

    @Override
    public <K, V> KeyValueStore<K, V> store(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <V> ValueState<V> valueState(String name) {
        throw new UnsupportedOperationException();
    }

    /** Keeps every item emitted. */
    static final class Collect<T> implements Emitter<T> {
        final List<T> items = new ArrayList<>();

        @Override
        public void emit(T item) {
            items.add(item);
        }

        @Override
        public void emit(String port, Object item) {
            throw new UnsupportedOperationException();
        }
    }
}
