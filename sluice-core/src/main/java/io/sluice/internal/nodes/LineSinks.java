package io.sluice.internal.nodes;

import io.sluice.EndNode;
import io.sluice.NodeContext;
import io.sluice.Resumable;
import io.sluice.spi.Positions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** End nodes that write each item's {@code toString()} as a line: to a file, or to standard output. */
public final class LineSinks {

    private LineSinks() {}

    /**
     * Writes a UTF-8 file — replacing it, or appending to it — flushed when asked ({@link EndNode#flush}), when the
     * input ends and on close. Appending after a crash first cuts a last line the crash left unfinished, so that
     * every line in the file is whole.
     */
    public static EndNode<Object> file(Path path, boolean append) {
        return append ? new AppendedFile(path) : new ReplacedFile(path);
    }

    private static BufferedWriter open(NodeContext context, Path path, OpenOption... options) throws IOException {
        SingleInstance.require(context, "Sinks.lines");
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Files.newBufferedWriter(path, StandardCharsets.UTF_8, options);
    }

    /** A file written anew. */
    private static final class ReplacedFile implements EndNode<Object> {
        private final Path path;
        private BufferedWriter writer;

        ReplacedFile(Path path) {
            this.path = path;
        }

        @Override
        public void open(NodeContext context) throws IOException {
            writer = LineSinks.open(context, path);
        }

        @Override
        public void process(Object item) throws IOException {
            writer.write(String.valueOf(item));
            writer.newLine();
        }

        @Override
        public void flush() throws IOException {
            writer.flush();
        }

        @Override
        public void onComplete() throws IOException {
            writer.flush();
        }

        @Override
        public void close() throws IOException {
            if (writer != null) {
                writer.close();
            }
        }
    }

    /**
     * A file appended to, and {@link Resumable}: its position is the file's length, forced to disk, at each checkpoint;
     * a restart cuts the file back to it, so that what a crashed run wrote after the checkpoint is not there twice.
     */
    private static final class AppendedFile implements EndNode<Object>, Resumable {
        private final Path path;
        private FileChannel channel;
        private BufferedWriter writer;

        AppendedFile(Path path) {
            this.path = path;
        }

        @Override
        public void open(NodeContext context) throws IOException {
            SingleInstance.require(context, "Sinks.appendLines");
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            cutUnfinishedLine(path);
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.position(channel.size());
            writer = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8));
        }

        @Override
        public void process(Object item) throws IOException {
            writer.write(String.valueOf(item));
            writer.newLine();
        }

        @Override
        public void flush() throws IOException {
            writer.flush();
        }

        @Override
        public void onComplete() throws IOException {
            writer.flush();
        }

        @Override
        public String position() {
            try {
                writer.flush();
                channel.force(false);
                return Long.toString(channel.position());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot flush " + path.toAbsolutePath(), e);
            }
        }

        @Override
        public void resume(String position) throws IOException {
            long length = Positions.parse(position);
            long size = channel.size();
            if (size < length) {
                throw new IllegalStateException("Sinks.appendLines '" + path.toAbsolutePath() + "': the file is shorter"
                        + " than the checkpoint says it was; expected at least " + length + " bytes but found " + size
                        + "; it was changed outside the graph: restore it, or delete the checkpoint to start over");
            }
            channel.truncate(length);
            channel.position(length);
        }

        @Override
        public void close() throws IOException {
            if (writer != null) {
                writer.close();
            } else if (channel != null) {
                channel.close();
            }
        }
    }

    /** Truncates {@code path} after its last line break, if anything follows it. */
    private static void cutUnfinishedLine(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long end = channel.size();
            ByteBuffer one = ByteBuffer.allocate(1);
            long keep = end;
            while (keep > 0) {
                one.clear();
                channel.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < end) {
                channel.truncate(keep);
            }
        }
    }

    /** Prints each item on {@code out}; the stream is flushed at the end of input and never closed. */
    public static EndNode<Object> print(PrintStream out) {
        return new EndNode<>() {
            @Override
            public void process(Object item) {
                out.println(item);
            }

            @Override
            public void onComplete() {
                out.flush();
            }
        };
    }
}
