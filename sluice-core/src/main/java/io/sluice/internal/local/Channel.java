package io.sluice.internal.local;

import java.util.Arrays;

/**
 * The link from one producing task to one consuming task's queue: items are gathered into a batch, so that the
 * queue's synchronisation is paid per batch, not per item. Used only on the producer's thread.
 */
final class Channel {

    private final InputQueue target;
    private final Object[] buffer;
    private int size;

    Channel(InputQueue target, int batchSize) {
        this.target = target;
        this.buffer = new Object[batchSize];
    }

    void add(Object item) {
        buffer[size++] = item;
        if (size == buffer.length) {
            flush();
        }
    }

    /** Hands what is gathered to the consumer. */
    void flush() {
        if (size > 0) {
            Object[] batch = Arrays.copyOf(buffer, size);
            Arrays.fill(buffer, 0, size, null);
            size = 0;
            target.put(batch);
        }
    }

    /** Flushes and tells the consumer this producer has finished. */
    void end() {
        flush();
        target.put(InputQueue.END);
    }
}
