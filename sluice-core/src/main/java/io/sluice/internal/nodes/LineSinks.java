package io.sluice.internal.nodes;

import io.sluice.EndNode;
import io.sluice.NodeContext;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** End nodes that write each item's {@code toString()} as a line: to a file, or to standard output. */
public final class LineSinks {

    private LineSinks() {}

    /** Writes a UTF-8 file, replacing it; flushed when the input ends and on close. */
    public static EndNode<Object> file(Path path) {
        return new EndNode<>() {
            private BufferedWriter writer;

            @Override
            public void open(NodeContext context) throws IOException {
                SingleInstance.require(context, "Sinks.lines");
                Path parent = path.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
            }

            @Override
            public void process(Object item) throws IOException {
                writer.write(String.valueOf(item));
                writer.newLine();
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
