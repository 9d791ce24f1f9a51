package io.sluice.internal.nodes;

import io.sluice.Emitter;
import io.sluice.NodeContext;
import io.sluice.Resumable;
import io.sluice.StartNode;
import io.sluice.spi.Positions;
import java.util.Iterator;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Start nodes over a sequence: an iterator, or a generator function of the sequence number. With parallelism
 * <i>p</i>, instance <i>i</i> emits the items at positions <i>i</i>, <i>i + p</i>, … so the instances share the input
 * without overlap.
 */
public final class SequenceSource {

    /** Items handed downstream per pull: large enough for full batches, small enough to stay responsive. */
    static final int BURST = 512;

    private SequenceSource() {}

    public static <T> StartNode<T> ofIterator(Supplier<? extends Iterator<? extends T>> iterators) {
        return new IteratorSource<>(iterators);
    }

    public static <T> StartNode<T> ofGenerator(long count, LongFunction<? extends T> generator) {
        return new GeneratorSource<>(count, generator);
    }

    /** Resumes by reading the iterator again up to the stored position: iterators cannot seek. */
    private static final class IteratorSource<T> implements StartNode<T>, Resumable {
        private final Supplier<? extends Iterator<? extends T>> iterators;
        private Iterator<? extends T> iterator;
        private int instance;
        private int parallelism;
        private long position;

        IteratorSource(Supplier<? extends Iterator<? extends T>> iterators) {
            this.iterators = iterators;
        }

        @Override
        public void open(NodeContext context) {
            iterator = iterators.get();
            instance = context.instance();
            parallelism = context.parallelism();
        }

        @Override
        public boolean pull(Emitter<T> emitter) {
            for (int emitted = 0; emitted < BURST; ) {
                if (!iterator.hasNext()) {
                    return false;
                }
                T item = iterator.next();
                if (position++ % parallelism == instance) {
                    emitter.emit(item);
                    emitted++;
                }
            }
            return true;
        }

        @Override
        public String position() {
            return Long.toString(position);
        }

        @Override
        public void resume(String stored) {
            long target = Positions.parse(stored);
            while (position < target && iterator.hasNext()) {
                iterator.next();
                position++;
            }
        }
    }

    private static final class GeneratorSource<T> implements StartNode<T>, Resumable {
        private final long count;
        private final LongFunction<? extends T> generator;
        private long next;
        private int step;

        GeneratorSource(long count, LongFunction<? extends T> generator) {
            this.count = count;
            this.generator = generator;
        }

        @Override
        public void open(NodeContext context) {
            next = context.instance();
            step = context.parallelism();
        }

        @Override
        public boolean waitsForInput() {
            return false; // what it emits is computed, never awaited
        }

        /**
         * Counts in a local, written back once per burst: a field would be stored and loaded again around every call
         * the chain makes that the JIT cannot inline (a user's {@code HashMap.merge}), on every item.
         */
        @Override
        public boolean pull(Emitter<T> emitter) {
            long n = next;
            try {
                for (int i = 0; i < BURST && n < count; i++, n += step) {
                    emitter.emit(generator.apply(n));
                }
            } finally {
                next = n; // where an emit threw, at that item, as before
            }
            return n < count;
        }

        @Override
        public String position() {
            return Long.toString(next);
        }

        @Override
        public void resume(String stored) {
            next = Positions.parse(stored);
        }
    }
}
