package io.sluice.internal.local;

import io.sluice.SluiceException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The start nodes' positions of one graph, kept in {@code <directory>/<graph>.checkpoint} as a properties file (one
 * {@code node.instance=position} line each). Written whole to a temporary file, forced to disk and renamed over the
 * old one, so that a crash at any moment leaves either the old checkpoint or the new one.
 */
final class Checkpoints {

    private final Path file;
    private final Duration interval;
    private final Map<String, String> positions = new TreeMap<>(); // guarded by this
    private boolean dirty; // guarded by this

    private Checkpoints(Path file, Duration interval, Map<String, String> positions) {
        this.file = file;
        this.interval = interval;
        this.positions.putAll(positions);
    }

    static Checkpoints open(Path directory, Duration interval, String graph) {
        Path file = directory.resolve(graph + ".checkpoint");
        try {
            Files.createDirectories(directory);
            Properties stored = new Properties();
            if (Files.exists(file)) {
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    stored.load(reader);
                }
            }
            Map<String, String> positions = new TreeMap<>();
            stored.stringPropertyNames().forEach(key -> positions.put(key, stored.getProperty(key)));
            return new Checkpoints(file, interval, positions);
        } catch (IOException | IllegalArgumentException e) {
            throw new SluiceException(
                    "Cannot read the checkpoint " + file.toAbsolutePath() + ": " + Operator.describe(e)
                            + "; fix or delete the file (deleting it starts the graph from the beginning)",
                    e);
        }
    }

    Path file() {
        return file;
    }

    /** How often a source writes its position. */
    Duration interval() {
        return interval;
    }

    /** The stored position of a source instance, or {@code null} if none is stored. */
    synchronized String position(String node, int instance) {
        return positions.get(key(node, instance));
    }

    synchronized void update(String node, int instance, String position) {
        if (position != null && !position.equals(positions.put(key(node, instance), position))) {
            dirty = true;
        }
    }

    /** Writes the positions if any changed since the last write. */
    synchronized void save() {
        if (!dirty) {
            return;
        }
        Properties properties = new Properties();
        properties.putAll(positions);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            StringWriter text = new StringWriter();
            properties.store(text, "Sluice checkpoint: the position of each start node instance");
            try (FileChannel channel = FileChannel.open(
                            temporary,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                out.write(text.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            dirty = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + file.toAbsolutePath(), e);
        }
    }

    private static String key(String node, int instance) {
        return node + "." + instance;
    }
}
