package io.sluice;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * How a chunk node groups items into lists. Every chunk node emits what it still holds when its input ends.
 *
 * <pre>{@code
 * .chunk("batches", Chunking.byCount(100))
 * .chunk("sessions", Chunking.byKey(Event::sessionId))
 * .chunk("parcels", Chunking.bySize(Order::weightGrams, 20_000))
 * .chunk("seconds", Chunking.byTime(Duration.ofSeconds(1)))
 * }</pre>
 */
public sealed interface Chunking {

    /**
     * Lists of {@code count} items.
     *
     * @param count items per chunk, ≥ 1
     */
    record ByCount(int count) implements Chunking {
        public ByCount {
            if (count < 1) {
                throw new IllegalArgumentException("Chunking.byCount: count must be ≥ 1, found " + count);
            }
        }
    }

    /**
     * Runs of consecutive items that share a key: a chunk ends when the key changes.
     *
     * @param key gives an item's key
     */
    record ByKey(Function<Object, ?> key) implements Chunking {
        public ByKey {
            if (key == null) {
                throw new IllegalArgumentException("Chunking.byKey: expected a key function but found null");
            }
        }
    }

    /**
     * Lists whose total size stays within {@code limit}; an item larger than the limit makes a chunk of its own.
     *
     * @param size gives an item's size (bytes, weight, …)
     * @param limit the most a chunk may hold, ≥ 1
     */
    record BySize(ToLongFunction<Object> size, long limit) implements Chunking {
        public BySize {
            if (size == null) {
                throw new IllegalArgumentException("Chunking.bySize: expected a size function but found null");
            }
            if (limit < 1) {
                throw new IllegalArgumentException("Chunking.bySize: limit must be ≥ 1, found " + limit);
            }
        }
    }

    /**
     * What arrived during each period; empty periods emit nothing.
     *
     * @param period how long a chunk gathers items, > 0
     */
    record ByTime(Duration period) implements Chunking {
        public ByTime {
            if (period == null || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("Chunking.byTime: period must be positive, found " + period);
            }
        }
    }

    static Chunking byCount(int count) {
        return new ByCount(count);
    }

    @SuppressWarnings("unchecked")
    static <T> Chunking byKey(Function<? super T, ?> key) {
        return new ByKey((Function<Object, ?>) key);
    }

    @SuppressWarnings("unchecked")
    static <T> Chunking bySize(ToLongFunction<? super T> size, long limit) {
        return new BySize((ToLongFunction<Object>) size, limit);
    }

    static Chunking byTime(Duration period) {
        return new ByTime(period);
    }
}
