package io.sluice.internal.nodes;

import io.sluice.EndNode;
import io.sluice.NodeContext;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** End nodes that write each item's {@code toString()} as a line: to a file, or to standard output. */
public final class LineSinks {

    private LineSinks() {}

    /**
     * Writes a UTF-8 file — replacing it, or appending to it — flushed when asked ({@link EndNode#flush}), when the
     * input ends and on close. Appending after a crash first cuts a last line the crash left unfinished, so that
     * every line in the file is whole; the items of that line are not yet checkpointed, so they come again.
     */
    public static EndNode<Object> file(Path path, boolean append) {
        return new EndNode<>() {
            private BufferedWriter writer;

            @Override
            public void open(NodeContext context) throws IOException {
                SingleInstance.require(context, "Sinks.lines");
                Path parent = path.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                if (append) {
                    cutUnfinishedLine(path);
                    writer = Files.newBufferedWriter(
                            path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } else {
                    writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
                }
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
        };
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
