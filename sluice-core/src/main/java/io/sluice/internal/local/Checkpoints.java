package io.sluice.internal.local;

import io.sluice.NodeFailedException;
import io.sluice.SluiceException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint of one graph in {@code <directory>/<graph>.checkpoint}: the start nodes' positions, the end nodes'
 * output positions, the node instances that had ended, and every store's content, as one consistent cut.
 *
 * <p>The file is a log of records, each framed by its length and a CRC-32 so that a record cut short by a crash is
 * recognised and ignored: a record is the checkpoint once it is whole on disk ({@code force}) and not before. A
 * record holds every position and the store changes since the record before it; a <i>full</i> record holds every
 * store's whole content and starts the file afresh — written to a temporary file, forced and renamed over the log —
 * at the first checkpoint of every run and whenever the changes appended since the last full record outweigh it. So
 * each checkpoint writes what changed, and reading one back is replaying the log from its full record.
 *
 * <p>Keys and values are written with Java serialization; a key or value that cannot be is named with its node,
 * store and type. Not thread-safe: the {@link Checkpointing} coordinator calls it under its lock.
 */
final class Checkpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    /** The first bytes of the file: what it is and the version of its format. */
    private static final byte[] MAGIC = "SLUICE-CHECKPOINT-1\n".getBytes(StandardCharsets.US_ASCII);

    /** Changes appended after a full record may grow to this many times its size before the next is full. */
    private static final int COMPACT_RATIO = 2;

    /** ... and to at least this many bytes, so that a small state is not rewritten at every checkpoint. */
    private static final long COMPACT_MIN_BYTES = 1 << 20;

    /** One store of one node instance. */
    record StoreId(String node, int instance, String store) implements Comparable<StoreId> {
        @Override
        public int compareTo(StoreId o) {
            int c = node.compareTo(o.node);
            if (c == 0) {
                c = Integer.compare(instance, o.instance);
            }
            return c != 0 ? c : store.compareTo(o.store);
        }

        String describe() {
            return "store '" + store + "' of node '" + node + "' (instance " + instance + ")";
        }
    }

    /**
     * What a checkpoint adds: positions of sources and sinks (replacing those stored), node instances that ended, and
     * store changes by store.
     */
    static final class Delta {
        final Map<String, String> positions = new TreeMap<>();
        final Map<String, String> outputs = new TreeMap<>();
        final Set<String> ended = new TreeSet<>();
        final Map<StoreId, Changes> changes = new TreeMap<>();

        /** Adds {@code later}'s content; where both have a key, {@code later} wins. */
        void add(Delta later) {
            positions.putAll(later.positions);
            outputs.putAll(later.outputs);
            ended.addAll(later.ended);
            later.changes.forEach((id, pairs) -> {
                Changes mine = changes.get(id);
                if (mine == null) {
                    changes.put(id, pairs);
                } else {
                    mine.addAll(pairs);
                }
            });
        }
    }

    /**
     * The changes of one store, key and value pairs in the order they came ({@code null} value: the key was deleted);
     * where a key comes twice, the later pair wins. A flat array: taking 100,000 changes is then a copy of references,
     * not 100,000 hash insertions, while the sources wait.
     */
    static final class Changes {
        private Object[] pairs = new Object[32];
        private int size; // slots used, two per pair

        void add(Object key, Object value) {
            if (size == pairs.length) {
                pairs = Arrays.copyOf(pairs, size * 2);
            }
            pairs[size++] = key;
            pairs[size++] = value;
        }

        void addAll(Changes later) {
            for (int i = 0; i < later.size; i += 2) {
                add(later.pairs[i], later.pairs[i + 1]);
            }
        }

        /** How many pairs. */
        int size() {
            return size / 2;
        }

        Object key(int pair) {
            return pairs[2 * pair];
        }

        Object value(int pair) {
            return pairs[2 * pair + 1];
        }
    }

    private final Path file;
    private final Map<String, Integer> parallelism; // of every node in the graph, written in every record

    // The checkpoint as last written (or read): what a restart would find.
    private final Map<String, String> positions = new TreeMap<>();
    private final Map<String, String> outputs = new TreeMap<>();
    private final Set<String> ended = new TreeSet<>();
    private final Map<StoreId, Map<Object, Object>> stores = new TreeMap<>();
    private final Map<String, Integer> storedParallelism = new TreeMap<>();
    private final boolean found;

    private long fullBytes; // size of the last full record
    private long appendedBytes; // bytes of records appended after it
    private boolean fullNext = true; // the first write of a run starts the file afresh
    private long records;
    private long lastNumber; // of the last record read or written

    private Checkpoints(Path file, Map<String, Integer> parallelism, boolean found) {
        this.file = file;
        this.parallelism = Map.copyOf(parallelism);
        this.found = found;
    }

    /**
     * Reads the checkpoint of {@code graph} in {@code directory}, if there is one; a record cut short at the end of the
     * file (a crash while writing it) is ignored, as it never became the checkpoint.
     */
    static Checkpoints open(Path directory, String graph, Map<String, Integer> parallelism) {
        Path file = directory.resolve(graph + ".checkpoint");
        try {
            Files.createDirectories(directory);
            if (!Files.exists(file)) {
                return new Checkpoints(file, parallelism, false);
            }
            Checkpoints checkpoints = new Checkpoints(file, parallelism, true);
            byte[] content = Files.readAllBytes(file);
            if (content.length > 0 && content[0] == '#') {
                checkpoints.readPositionsFile(content);
            } else {
                checkpoints.readLog(content);
            }
            return checkpoints;
        } catch (SluiceException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw unreadable(file, Operator.describe(e), e);
        }
    }

    private static SluiceException unreadable(Path file, String problem, Throwable cause) {
        return new SluiceException(
                "Cannot read the checkpoint " + file.toAbsolutePath() + ": " + problem
                        + "; fix or delete the file (deleting it starts the graph from the beginning)",
                cause);
    }

    /** A checkpoint of an earlier version: a properties file of positions (no state was kept then). */
    private void readPositionsFile(byte[] content) throws IOException {
        Properties stored = new Properties();
        try (Reader reader = new java.io.InputStreamReader(new ByteArrayInputStream(content), StandardCharsets.UTF_8)) {
            stored.load(reader);
        }
        stored.stringPropertyNames().forEach(key -> positions.put(key, stored.getProperty(key)));
    }

    private void readLog(byte[] content) throws IOException {
        if (content.length < MAGIC.length || !Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            String start = new String(content, 0, Math.min(content.length, MAGIC.length - 1), StandardCharsets.UTF_8);
            throw unreadable(
                    file,
                    "expected a file starting with '"
                            + new String(MAGIC, 0, MAGIC.length - 1, StandardCharsets.US_ASCII) + "' but found '"
                            + start + "'",
                    null);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(content));
        in.skipNBytes(MAGIC.length);
        long offset = MAGIC.length;
        while (offset < content.length) {
            if (content.length - offset < 8) {
                break; // a frame header cut short
            }
            int length = in.readInt();
            int crc = in.readInt();
            if (length < 0 || length > content.length - offset - 8) {
                break; // a record cut short
            }
            byte[] payload = in.readNBytes(length);
            CRC32 check = new CRC32();
            check.update(payload);
            if ((int) check.getValue() != crc) {
                break; // a record cut short, its bytes partly written
            }
            boolean full = readRecord(payload);
            if (full) {
                fullBytes = 8L + length;
                appendedBytes = 0;
            } else {
                appendedBytes += 8L + length;
            }
            offset += 8L + length;
            records++;
        }
        if (offset < content.length) {
            LOG.warn(
                    "Checkpoint {}: ignoring the last {} bytes, a record a crash cut short; the checkpoint before it"
                            + " stands",
                    file.toAbsolutePath(),
                    content.length - offset);
        }
        if (records == 0) {
            throw unreadable(file, "it holds no whole record", null);
        }
    }

    /** Applies one record; returns whether it was full. */
    private boolean readRecord(byte[] payload) throws IOException {
        try (ObjectInputStream in = new LoaderAwareInput(new ByteArrayInputStream(payload))) {
            lastNumber = in.readLong();
            boolean full = in.readBoolean();
            storedParallelism.clear();
            for (int n = in.readInt(); n > 0; n--) {
                storedParallelism.put(in.readUTF(), in.readInt());
            }
            positions.clear();
            readStrings(in, positions);
            outputs.clear();
            readStrings(in, outputs);
            ended.clear();
            for (int n = in.readInt(); n > 0; n--) {
                ended.add(in.readUTF());
            }
            if (full) {
                stores.clear();
            }
            for (int n = in.readInt(); n > 0; n--) {
                StoreId id = new StoreId(in.readUTF(), in.readInt(), in.readUTF());
                Map<Object, Object> store = stores.computeIfAbsent(id, k -> new HashMap<>());
                for (int entries = in.readInt(); entries > 0; entries--) {
                    Object key;
                    Object value;
                    try {
                        key = readValue(in);
                        value = readValue(in);
                    } catch (ClassNotFoundException | InvalidClassException e) {
                        throw unreadable(
                                file,
                                id.describe() + " holds a key or value of a class that cannot be read ("
                                        + Operator.describe(e) + "); put the class back on the class path as it was"
                                        + " when the checkpoint was written",
                                e);
                    }
                    if (value == null) {
                        store.remove(key);
                    } else {
                        store.put(key, value);
                    }
                }
            }
            return full;
        }
    }

    private static void readStrings(ObjectInputStream in, Map<String, String> into) throws IOException {
        for (int n = in.readInt(); n > 0; n--) {
            try {
                into.put(in.readUTF(), (String) in.readObject());
            } catch (ClassNotFoundException e) {
                throw new IOException(e);
            }
        }
    }

    // ---- what was read ----

    Path file() {
        return file;
    }

    /** The number of the last checkpoint read or written; 0 if none. */
    long number() {
        return lastNumber;
    }

    /** Whether a checkpoint was found on disk. */
    boolean found() {
        return found;
    }

    /** The stored position of a start node instance, or {@code null}. */
    String position(String node, int instance) {
        return positions.get(key(node, instance));
    }

    /** The stored output position of an end node instance, or {@code null}. */
    String output(String node, int instance) {
        return outputs.get(key(node, instance));
    }

    /** Whether the node instance had ended when the checkpoint was written. */
    boolean ended(String node, int instance) {
        return ended.contains(key(node, instance));
    }

    /** Whether every node instance of the graph had ended: the deployment had completed. */
    boolean allEnded() {
        return parallelism.entrySet().stream().allMatch(e -> java.util.stream.IntStream.range(0, e.getValue())
                .allMatch(i -> ended.contains(key(e.getKey(), i))));
    }

    /** Forgets which instances had ended: a deployment that completed is run again from where it ended. */
    void forgetEnded() {
        ended.clear();
    }

    /** The stored content of one store, or an empty map. */
    Map<Object, Object> store(StoreId id) {
        return stores.getOrDefault(id, Map.of());
    }

    /** Every stored store. */
    Set<StoreId> storeIds() {
        return stores.keySet();
    }

    /** Drops a store the graph no longer declares, so that the next full record leaves it out. */
    void drop(StoreId id) {
        stores.remove(id);
    }

    /** The parallelism the checkpoint was written with for {@code node}, if it was written with the node. */
    Integer storedParallelism(String node) {
        return storedParallelism.get(node);
    }

    /** Whether the checkpoint holds anything for instances of {@code node}. */
    boolean holdsAnythingOf(String node) {
        String prefix = node + ".";
        return positions.keySet().stream().anyMatch(k -> k.startsWith(prefix) && isInstanceKey(k, prefix))
                || outputs.keySet().stream().anyMatch(k -> k.startsWith(prefix) && isInstanceKey(k, prefix))
                || ended.stream().anyMatch(k -> k.startsWith(prefix) && isInstanceKey(k, prefix))
                || stores.keySet().stream().anyMatch(id -> id.node().equals(node));
    }

    private static boolean isInstanceKey(String key, String prefix) {
        String rest = key.substring(prefix.length());
        return !rest.isEmpty() && rest.chars().allMatch(Character::isDigit);
    }

    static String key(String node, int instance) {
        return node + "." + instance;
    }

    // ---- writing ----

    /** What one write put on disk. */
    record Written(boolean full, long bytes) {}

    /**
     * Makes {@code delta} part of the checkpoint on disk: appended as one record, or — at the first write of a run and
     * when the appended records outweigh the last full one — the whole checkpoint written anew and renamed over.
     *
     * @param number the checkpoint's number, written for people reading the file
     * @throws NodeFailedException naming the node and store when a key or value cannot be serialized
     * @throws UncheckedIOException if the file cannot be written
     */
    Written write(long number, Delta delta) {
        positions.putAll(delta.positions);
        outputs.putAll(delta.outputs);
        ended.addAll(delta.ended);
        lastNumber = number;
        if (fullNext || appendedBytes > Math.max(COMPACT_MIN_BYTES, COMPACT_RATIO * fullBytes)) {
            merge(delta.changes);
            byte[] record = record(number, true, Map.of(), stores);
            writeFull(record);
            fullBytes = record.length;
            appendedBytes = 0;
            fullNext = false;
            return new Written(true, record.length);
        } else {
            // Serialized before it is merged: a value that cannot be written fails with nothing applied.
            byte[] record = record(number, false, delta.changes, Map.of());
            merge(delta.changes);
            append(record);
            appendedBytes += record.length;
            return new Written(false, record.length);
        }
    }

    private void merge(Map<StoreId, Changes> changes) {
        changes.forEach((id, pairs) -> {
            Map<Object, Object> store = stores.computeIfAbsent(id, k -> new HashMap<>());
            for (int i = 0; i < pairs.size(); i++) {
                Object value = pairs.value(i);
                if (value == null) {
                    store.remove(pairs.key(i));
                } else {
                    store.put(pairs.key(i), value);
                }
            }
        });
    }

    /** One framed record: length, CRC-32, payload, holding a delta's {@code changes} or a full record's {@code all}. */
    private byte[] record(
            long number, boolean full, Map<StoreId, Changes> changes, Map<StoreId, Map<Object, Object>> all) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeLong(number);
            out.writeBoolean(full);
            out.writeInt(parallelism.size());
            for (Map.Entry<String, Integer> node : new TreeMap<>(parallelism).entrySet()) {
                out.writeUTF(node.getKey());
                out.writeInt(node.getValue());
            }
            writeStrings(out, positions);
            writeStrings(out, outputs);
            out.writeInt(ended.size());
            for (String instance : ended) {
                out.writeUTF(instance);
            }
            out.writeInt(changes.size() + all.size());
            for (Map.Entry<StoreId, Changes> store : changes.entrySet()) {
                StoreId id = writeStoreId(out, store.getKey());
                Changes pairs = store.getValue();
                out.writeInt(pairs.size());
                for (int i = 0; i < pairs.size(); i++) {
                    writeEntry(out, id, pairs.key(i), pairs.value(i));
                }
            }
            for (Map.Entry<StoreId, Map<Object, Object>> store : all.entrySet()) {
                StoreId id = writeStoreId(out, store.getKey());
                out.writeInt(store.getValue().size());
                for (Map.Entry<Object, Object> entry : store.getValue().entrySet()) {
                    writeEntry(out, id, entry.getKey(), entry.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + file.toAbsolutePath(), e);
        }
        byte[] payload = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(payload);
        return ByteBuffer.allocate(8 + payload.length)
                .putInt(payload.length)
                .putInt((int) crc.getValue())
                .put(payload)
                .array();
    }

    private static StoreId writeStoreId(ObjectOutputStream out, StoreId id) throws IOException {
        out.writeUTF(id.node());
        out.writeInt(id.instance());
        out.writeUTF(id.store());
        return id;
    }

    private static void writeStrings(ObjectOutputStream out, Map<String, String> strings) throws IOException {
        out.writeInt(strings.size());
        for (Map.Entry<String, String> entry : strings.entrySet()) {
            out.writeUTF(entry.getKey());
            out.writeObject(entry.getValue());
        }
    }

    private void writeEntry(ObjectOutputStream out, StoreId id, Object key, Object value) throws IOException {
        try {
            writeValue(out, key);
        } catch (NotSerializableException e) {
            throw notSerializable(id, key, "key", key, e);
        }
        try {
            writeValue(out, value);
        } catch (NotSerializableException e) {
            throw notSerializable(id, key, "value", value, e);
        }
    }

    // Tags of a key or value: the common immutable types as themselves, a few times faster than writeObject.
    private static final int NULL = 0;
    private static final int STRING = 1;
    private static final int LONG = 2;
    private static final int INTEGER = 3;
    private static final int DOUBLE = 4;
    private static final int OBJECT = 9;

    /** The longest string writeUTF takes whatever its characters (three bytes each at most). */
    private static final int SHORT_STRING = 65_535 / 3;

    private static void writeValue(ObjectOutputStream out, Object value) throws IOException {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof String string && string.length() <= SHORT_STRING) {
            out.writeByte(STRING);
            out.writeUTF(string);
        } else if (value instanceof Long number) {
            out.writeByte(LONG);
            out.writeLong(number);
        } else if (value instanceof Integer number) {
            out.writeByte(INTEGER);
            out.writeInt(number);
        } else if (value instanceof Double number) {
            out.writeByte(DOUBLE);
            out.writeDouble(number);
        } else {
            out.writeByte(OBJECT);
            out.writeObject(value);
        }
    }

    private static Object readValue(ObjectInputStream in) throws IOException, ClassNotFoundException {
        int tag = in.readByte();
        return switch (tag) {
            case NULL -> null;
            case STRING -> in.readUTF();
            case LONG -> in.readLong();
            case INTEGER -> in.readInt();
            case DOUBLE -> in.readDouble();
            case OBJECT -> in.readObject();
            default -> throw new IOException("unknown value tag " + tag);
        };
    }

    private NodeFailedException notSerializable(
            StoreId id, Object key, String what, Object offender, NotSerializableException e) {
        String type = offender.getClass().getName();
        String inner = e.getMessage() == null || e.getMessage().equals(type)
                ? ""
                : " (it holds a " + e.getMessage() + ", which is not)";
        return new NodeFailedException(
                id.node(),
                "Store '" + id.store() + "' of node '" + id.node() + "' (instance " + id.instance()
                        + "): cannot write key '" + Operator.describe(key) + "' to the checkpoint "
                        + file.toAbsolutePath()
                        + "; expected a " + what + " that is java.io.Serializable but found a " + type + inner
                        + "; make " + type + " implement java.io.Serializable (and every class it holds), or keep a"
                        + " Serializable form of it in the store",
                e);
    }

    private void append(byte[] record) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            write(channel, record);
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + file.toAbsolutePath(), e);
        }
    }

    private void writeFull(byte[] record) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(
                    temporary,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                write(channel, MAGIC);
                write(channel, record);
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + file.toAbsolutePath(), e);
        }
    }

    private static void write(FileChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Resolves classes with the thread's context class loader when the default one cannot: pipelines load theirs. */
    private static final class LoaderAwareInput extends ObjectInputStream {
        LoaderAwareInput(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return super.resolveClass(desc);
            } catch (ClassNotFoundException e) {
                ClassLoader context = Thread.currentThread().getContextClassLoader();
                if (context == null) {
                    throw e;
                }
                return Class.forName(desc.getName(), false, context);
            }
        }
    }
}
