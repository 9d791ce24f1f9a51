package io.sluice.internal.nodes;

import io.sluice.Emitter;
import io.sluice.NodeContext;
import io.sluice.Resumable;
import io.sluice.StartNode;
import io.sluice.spi.Positions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Start nodes that read text line by line: a file, or standard input. */
public final class LineSources {

    private LineSources() {}

    /** The lines of a UTF-8 file; the node fails at open, naming the file, if it cannot be read. */
    public static StartNode<String> file(Path path) {
        return new ResumableLineSource("Sources.lines") {
            @Override
            BufferedReader openReader() throws IOException {
                try {
                    return Files.newBufferedReader(path, StandardCharsets.UTF_8);
                } catch (NoSuchFileException e) {
                    throw new UncheckedIOException("cannot read '" + path.toAbsolutePath() + "': no such file", e);
                }
            }
        };
    }

    /** The lines of standard input (UTF-8), until it ends. Standard input is not closed. */
    public static StartNode<String> stdin(InputStream in) {
        return new LineSource("Sources.stdin") {
            @Override
            BufferedReader openReader() {
                return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            }

            @Override
            public void close() {
                // leave the process's standard input open
            }
        };
    }

    /** A line source that counts lines, so it can resume by skipping as many; a file's lines are at hand. */
    private abstract static class ResumableLineSource extends LineSource implements Resumable {
        ResumableLineSource(String what) {
            super(what);
        }

        @Override
        public boolean waitsForInput() {
            return false;
        }

        @Override
        public String position() {
            return Long.toString(lines);
        }

        @Override
        public void resume(String stored) throws IOException {
            long target = Positions.parse(stored);
            while (lines < target && reader.readLine() != null) {
                lines++;
            }
        }
    }

    private abstract static class LineSource implements StartNode<String> {
        private final String what;
        BufferedReader reader;
        long lines;

        LineSource(String what) {
            this.what = what;
        }

        abstract BufferedReader openReader() throws IOException;

        @Override
        public void open(NodeContext context) throws IOException {
            SingleInstance.require(context, what);
            reader = openReader();
        }

        @Override
        public boolean pull(Emitter<String> emitter) throws IOException {
            // Block for the first line only: what is buffered beyond it goes downstream with it.
            for (int i = 0; i < SequenceSource.BURST; i++) {
                String line = reader.readLine();
                if (line == null) {
                    return false;
                }
                lines++;
                emitter.emit(line);
                if (!reader.ready()) {
                    break;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            if (reader != null) {
                reader.close();
            }
        }
    }
}
