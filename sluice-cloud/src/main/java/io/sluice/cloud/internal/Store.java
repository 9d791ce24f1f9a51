package io.sluice.cloud.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A node's durable memory: an append-only log of JSON lines, one per change (an object stored, a group served, a type
 * defined), replayed at start and then rewritten with only what is still held. Every line is written to the file as
 * soon as it is appended, so a process killed with kill -9 loses none; {@link #sync} forces the file to the disk,
 * several callers at once (group commit), before a node tells a client or a peer that an object is stored.
 *
 * <p>Kept for the crash test's power check: with {@code -Dsluice.cloud.store=none} nothing is written, and a
 * restarted node remembers nothing.
 */
final class Store implements AutoCloseable {

    /** One line of the log; fields unused by an operation are null. */
    record Entry(
            String op,
            String id,
            String type,
            JsonNode obj,
            Long at,
            List<String> groups,
            String group,
            JsonNode schema) {

        static Entry put(String id, String type, JsonNode obj, long at, List<String> groups) {
            return new Entry("put", id, type, obj, at, groups, null, null);
        }

        static Entry groups(String id, List<String> groups) {
            return new Entry("groups", id, null, null, null, groups, null, null);
        }

        static Entry done(String id, String group) {
            return new Entry("done", id, null, null, null, null, group, null);
        }

        static Entry type(String name, JsonNode schema) {
            return new Entry("type", null, name, null, null, null, null, schema);
        }

        static Entry known(String type, String group) {
            return new Entry("known", null, type, null, null, null, group, null);
        }
    }

    private static final String LOG = "objects.log";

    private final Path dir;
    private final boolean keep;
    private final Object file = new Object();
    private FileChannel channel;
    private long entries;
    private final List<Runnable> waiting = new ArrayList<>();
    private final Thread syncer;
    private volatile boolean closed;

    private Store(Path dir, boolean keep, FileChannel channel, String name) {
        this.dir = dir;
        this.keep = keep;
        this.channel = channel;
        this.syncer =
                Thread.ofPlatform().daemon().name("cloud-store-sync-" + name).start(this::syncLoop);
    }

    /**
     * Opens the log in {@code dir}, first passing every entry of an earlier run to {@code replay} and rewriting the
     * file with what {@code compacted} says is still held.
     */
    static Store open(
            Path dir, String name, Consumer<Entry> replay, java.util.function.Supplier<List<Entry>> compacted) {
        boolean keep = !"none".equals(System.getProperty("sluice.cloud.store"));
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve(LOG);
            if (keep && Files.exists(log)) {
                try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        Entry entry;
                        try {
                            entry = Wire.JSON.readValue(line, Entry.class);
                        } catch (IOException torn) {
                            break; // the last line of a process killed while writing it
                        }
                        replay.accept(entry);
                    }
                }
                Path fresh = dir.resolve(LOG + ".new");
                try (FileChannel out = FileChannel.open(
                        fresh,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
                    for (Entry entry : compacted.get()) {
                        write(out, entry);
                    }
                    out.force(true);
                }
                Files.move(fresh, log, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            FileChannel channel = keep
                    ? FileChannel.open(
                            log, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                    : null;
            return new Store(dir, keep, channel, name);
        } catch (IOException e) {
            throw new UncheckedIOException("cloud store '" + dir + "': cannot open it: " + e.getMessage(), e);
        }
    }

    /** Writes {@code entry} to the file; the caller orders entries (the node's lock). */
    void append(Entry entry) {
        if (!keep || closed) {
            return;
        }
        try {
            write(channel, entry);
            entries++;
        } catch (IOException e) {
            throw new UncheckedIOException("cloud store '" + dir + "': cannot write: " + e.getMessage(), e);
        }
    }

    /** Entries appended since the store was opened or last rewritten. */
    long entries() {
        return entries;
    }

    /**
     * Replaces the log with {@code live}, what is still held, forced to disk before it takes the old log's place.
     * The caller holds the node's lock, so nothing is appended meanwhile.
     */
    void rewrite(List<Entry> live) {
        if (!keep || closed) {
            return;
        }
        Path log = dir.resolve(LOG);
        Path fresh = dir.resolve(LOG + ".new");
        synchronized (file) {
            try {
                try (FileChannel out = FileChannel.open(
                        fresh,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
                    for (Entry entry : live) {
                        write(out, entry);
                    }
                    out.force(true);
                }
                Files.move(fresh, log, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                forceDirectory();
                channel.close();
                channel = FileChannel.open(log, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                entries = live.size();
            } catch (IOException e) {
                throw new UncheckedIOException("cloud store '" + dir + "': cannot compact: " + e.getMessage(), e);
            }
        }
    }

    private void forceDirectory() {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // not every file system lets a directory be forced; the rename is then as durable as it can be made
        }
    }

    private static void write(FileChannel out, Entry entry) throws IOException {
        byte[] json = Wire.JSON.writeValueAsBytes(entry);
        ByteBuffer buffer =
                ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** Runs {@code then} once everything appended so far is on the disk. */
    void sync(Runnable then) {
        synchronized (waiting) {
            waiting.add(then);
            waiting.notifyAll();
        }
    }

    private void syncLoop() {
        List<Runnable> batch = new ArrayList<>();
        while (!closed) {
            synchronized (waiting) {
                while (waiting.isEmpty() && !closed) {
                    try {
                        waiting.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                batch.addAll(waiting);
                waiting.clear();
            }
            try {
                synchronized (file) {
                    if (keep && !closed) {
                        channel.force(false);
                    }
                }
            } catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException("cloud store '" + dir + "': cannot sync: " + e.getMessage(), e);
                }
            }
            for (Runnable then : batch) {
                try {
                    then.run();
                } catch (RuntimeException e) {
                    // one caller's failed reply must not stop the others' replies
                }
            }
            batch.clear();
        }
    }

    @Override
    public void close() {
        closed = true;
        syncer.interrupt();
        synchronized (file) {
            closeChannel();
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing: nothing more to write
            }
        }
    }
}
