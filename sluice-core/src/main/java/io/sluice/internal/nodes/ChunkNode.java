package io.sluice.internal.nodes;

import io.sluice.Chunking;
import io.sluice.Emitter;
import io.sluice.Node;
import io.sluice.NodeContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Groups items into lists by count, key run, total size or time, and flushes what it holds at end of input. */
public final class ChunkNode implements Node<Object, List<Object>> {

    private final Chunking chunking;
    private List<Object> chunk = new ArrayList<>();
    private Object currentKey;
    private long currentSize;

    public ChunkNode(Chunking chunking) {
        this.chunking = chunking;
    }

    @Override
    public void open(NodeContext context) {
        if (chunking instanceof Chunking.ByTime byTime) {
            context.tickEvery(byTime.period());
        }
    }

    @Override
    public void process(Object item, Emitter<List<Object>> emitter) {
        switch (chunking) {
            case Chunking.ByCount byCount -> {
                chunk.add(item);
                if (chunk.size() >= byCount.count()) {
                    flush(emitter);
                }
            }
            case Chunking.ByKey byKey -> {
                Object key = byKey.key().apply(item);
                if (!chunk.isEmpty() && !Objects.equals(key, currentKey)) {
                    flush(emitter);
                }
                currentKey = key;
                chunk.add(item);
            }
            case Chunking.BySize bySize -> {
                long size = bySize.size().applyAsLong(item);
                if (!chunk.isEmpty() && currentSize + size > bySize.limit()) {
                    flush(emitter);
                }
                chunk.add(item);
                currentSize += size;
                if (currentSize >= bySize.limit()) {
                    flush(emitter);
                }
            }
            case Chunking.ByTime byTime -> chunk.add(item);
        }
    }

    @Override
    public void onTick(Emitter<List<Object>> emitter) {
        flush(emitter);
    }

    @Override
    public void onComplete(Emitter<List<Object>> emitter) {
        flush(emitter);
    }

    private void flush(Emitter<List<Object>> emitter) {
        if (!chunk.isEmpty()) {
            List<Object> full = chunk;
            chunk = new ArrayList<>();
            currentSize = 0;
            emitter.emit(full);
        }
    }
}
