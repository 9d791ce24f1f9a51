package io.sluice.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.squareup.tape2.QueueFile;
import io.sluice.Inbox;
import io.sluice.SluiceException;
import io.sluice.spi.InboxStore;
import io.sluice.spi.Positions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * An {@link Inbox} whose items are written to a durable log on disk before {@link Inbox#offer} returns — and so before
 * {@code POST /api/nodes/{id}/items} answers — so that an item a client was told is accepted survives a crash. The
 * log is Square's Tape ({@link QueueFile}): every write is synced, and a write cut short by a crash leaves the file as
 * it was before it.
 *
 * <p>Each entry is the item's number and its JSON. The inbox's start node is {@link io.sluice.Resumable}: its position
 * is the number of the next item to pull. With checkpoints ({@code LocalOptions.withCheckpoints}), a restarted
 * deployment skips what the checkpoint covers and pulls the rest again; after each checkpoint the covered entries are
 * dropped from the log (all but the last, which keeps the numbering going).
 *
 * <pre>{@code
 * try (DurableInbox<Order> orders = DurableInbox.open(Order.class, Path.of("state/orders.log"), 10_000)) {
 *     ComputationalGraph graph = builder.start("orders", Sources.inbox(orders.inbox()))...;
 *     Deployment d = graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withCheckpoints(Path.of("state")));
 *     SluiceServer.start(d, ServerOptions.port(8080));
 * }
 * }</pre>
 *
 * @param <T> the type of the items, written and read as JSON
 */
public final class DurableInbox<T> implements AutoCloseable {

    /**
     * For the crash tests' power checks only: {@code memory-only} writes nothing to the log, so that a crash loses the
     * items accepted since the last checkpoint, as an inbox without a log would.
     */
    static final String FAULT_PROPERTY = "sluice.inbox.fault";

    private final Inbox<T> inbox;
    private final TapeStore<T> store;

    private DurableInbox(Class<T> type, TapeStore<T> store) {
        this.store = store;
        this.inbox = Inbox.of(type, store);
    }

    /**
     * Opens (or creates) the log at {@code file}; items it holds from an earlier run are pulled first.
     *
     * @param capacity how many items may wait to be pulled before {@link Inbox#offer} waits (backpressure)
     * @throws SluiceException if the file cannot be opened or is not such a log
     */
    public static <T> DurableInbox<T> open(Class<T> type, Path file, int capacity) {
        Objects.requireNonNull(type, "type");
        if (capacity < 1) {
            throw new IllegalArgumentException("DurableInbox capacity must be ≥ 1, found " + capacity);
        }
        return new DurableInbox<>(type, new TapeStore<>(type, file, capacity));
    }

    /** The inbox, for {@code Sources.inbox(…)}. */
    public Inbox<T> inbox() {
        return inbox;
    }

    /** Entries in the log: items not yet covered by a checkpoint, and the one that keeps the numbering. */
    public int logSize() {
        return store.logSize();
    }

    /** Closes the log file. Close it after the deployment that pulls from it. */
    @Override
    public void close() {
        store.close();
    }

    /** The store: a Tape file for durability, and a queue in memory of what waits to be pulled. */
    private static final class TapeStore<T> implements InboxStore<T> {
        private final Class<T> type;
        private final Path path;
        private final ObjectMapper json = new ObjectMapper();
        private final QueueFile file; // guarded by this
        private final ArrayDeque<Entry<T>> waiting = new ArrayDeque<>(); // guarded by this
        private final Semaphore room;
        private final boolean memoryOnly =
                System.getProperty(FAULT_PROPERTY, "").contains("memory-only");
        private long nextNumber; // guarded by this
        private long nextToPull; // the start node's thread

        private record Entry<T>(long number, T item) {}

        TapeStore(Class<T> type, Path path, int capacity) {
            this.type = type;
            this.path = path;
            try {
                Path parent = path.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                file = new QueueFile.Builder(path.toFile()).build();
                for (byte[] bytes : file) {
                    waiting.add(decode(bytes));
                }
            } catch (IOException | RuntimeException e) {
                throw new SluiceException(
                        "Cannot open the durable inbox log " + path.toAbsolutePath() + ": " + e.getMessage()
                                + "; it is not a log this inbox wrote, or it is damaged — move it aside to start"
                                + " afresh",
                        e);
            }
            if (memoryOnly) {
                org.slf4j.LoggerFactory.getLogger(DurableInbox.class)
                        .warn(
                                "Injecting a fault for a crash test ({}=memory-only): the inbox {} writes nothing to"
                                        + " its log",
                                FAULT_PROPERTY,
                                path);
            }
            nextNumber = waiting.isEmpty() ? 0 : waiting.peekLast().number() + 1;
            nextToPull = waiting.isEmpty() ? nextNumber : waiting.peekFirst().number();
            this.room = new Semaphore(capacity - waiting.size());
        }

        @Override
        public boolean offer(T item, Duration timeout) throws InterruptedException {
            if (!room.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return false;
            }
            synchronized (this) {
                long number = nextNumber;
                try {
                    if (!memoryOnly) {
                        file.add(encode(number, item));
                    }
                } catch (IOException e) {
                    room.release();
                    throw new UncheckedIOException("cannot write to the durable inbox log " + path, e);
                }
                nextNumber = number + 1;
                waiting.add(new Entry<>(number, item));
                notifyAll();
            }
            return true;
        }

        @Override
        public synchronized T poll(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (waiting.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return take();
        }

        @Override
        public synchronized T pollNow() {
            return waiting.isEmpty() ? null : take();
        }

        private T take() {
            Entry<T> entry = waiting.poll();
            room.release();
            nextToPull = entry.number() + 1;
            return entry.item();
        }

        @Override
        public synchronized int size() {
            return waiting.size();
        }

        @Override
        public boolean durable() {
            return true;
        }

        @Override
        public synchronized String position() {
            return Long.toString(nextToPull);
        }

        @Override
        public synchronized void resume(String position) {
            long number = Positions.parse(position);
            while (!waiting.isEmpty() && waiting.peekFirst().number() < number) {
                waiting.poll();
                room.release();
            }
            nextToPull = Math.max(nextToPull, number);
            nextNumber = Math.max(nextNumber, number);
        }

        @Override
        public synchronized void committed(String position) {
            long number = Positions.parse(position);
            try {
                int covered = 0;
                for (byte[] bytes : file) {
                    if (covered == file.size() - 1 || numberOf(bytes) >= number) {
                        break;
                    }
                    covered++;
                }
                if (covered > 0) {
                    file.remove(covered);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot drop checkpointed entries from the log " + path, e);
            }
        }

        synchronized int logSize() {
            return file.size();
        }

        synchronized void close() {
            try {
                file.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the durable inbox log " + path, e);
            }
        }

        private byte[] encode(long number, T item) throws IOException {
            byte[] body = json.writeValueAsBytes(item);
            return ByteBuffer.allocate(Long.BYTES + body.length)
                    .putLong(number)
                    .put(body)
                    .array();
        }

        private Entry<T> decode(byte[] bytes) throws IOException {
            return new Entry<>(
                    numberOf(bytes), json.readValue(Arrays.copyOfRange(bytes, Long.BYTES, bytes.length), type));
        }

        private static long numberOf(byte[] bytes) {
            return ByteBuffer.wrap(bytes, 0, Long.BYTES).getLong();
        }
    }
}
