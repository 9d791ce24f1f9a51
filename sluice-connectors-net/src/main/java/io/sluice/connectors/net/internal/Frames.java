package io.sluice.connectors.net.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts a connection's bytes into frames, so that the rest of the source never sees a partial or oversized one. Every
 * frame is whole, or bad with a problem that says why; a bad frame that leaves the stream impossible to follow (a
 * length prefix beyond the limit, a connection cut short) says so, and the connection is then closed.
 */
public sealed interface Frames permits Frames.Lines, Frames.LengthPrefixed {

    /** What the next read found. */
    sealed interface Frame permits Data, Bad, End {}

    /** A whole frame: a line without its line end, or a length-prefixed frame's body. */
    record Data(byte[] bytes) implements Frame {}

    /** A frame refused: {@code problem} says why; {@code fatal} if the connection cannot go on after it. */
    record Bad(String problem, boolean fatal) implements Frame {}

    /** The client closed the connection between frames. */
    enum End implements Frame {
        END
    }

    /** The next frame; blocks until it is whole, bad, or the connection ends. */
    Frame next() throws IOException;

    /** Frames of the framing named, from {@code in} (which should be buffered). */
    static Frames of(TcpNode.Framing framing, InputStream in, int maxFrame) {
        return switch (framing) {
            case LINES -> new Lines(in, maxFrame);
            case LENGTH_PREFIXED -> new LengthPrefixed(in, maxFrame);
        };
    }

    /**
     * Lines ended by {@code \n}, a {@code \r} before it dropped. A line longer than the limit is read to its end and
     * refused; the connection goes on with the next line.
     */
    final class Lines implements Frames {
        private final InputStream in;
        private final int max;
        private byte[] buffer;

        Lines(InputStream in, int max) {
            this.in = in;
            this.max = max;
            this.buffer = new byte[Math.min(max + 1, 8_192)];
        }

        @Override
        public Frame next() throws IOException {
            int kept = 0; // bytes in buffer: at most max + 1, room for a '\r' after a line of max bytes
            long seen = 0;
            int last = -1;
            for (int b = in.read(); ; b = in.read()) {
                if (b == -1) {
                    if (seen == 0) {
                        return End.END;
                    }
                    return new Bad(
                            "the connection ended in the middle of a line, " + seen
                                    + " bytes without a line end; they were dropped",
                            true);
                }
                if (b == '\n') {
                    long length = last == '\r' ? seen - 1 : seen;
                    if (length > max) {
                        return new Bad(
                                "a line of " + length + " bytes is longer than max-frame (" + max
                                        + " bytes); it was dropped",
                                false);
                    }
                    return new Data(Arrays.copyOf(buffer, (int) length));
                }
                if (kept <= max) {
                    if (kept == buffer.length) {
                        buffer = Arrays.copyOf(buffer, (int) Math.min((long) max + 1, 2L * buffer.length));
                    }
                    buffer[kept++] = (byte) b;
                }
                seen++;
                last = b;
            }
        }
    }

    /**
     * Frames of a 4-byte big-endian length and that many bytes. A length beyond the limit cannot be skipped safely —
     * it is as likely a client speaking another protocol as a big frame — so it ends the connection, as does a
     * connection cut inside a prefix or a body.
     */
    final class LengthPrefixed implements Frames {
        private final InputStream in;
        private final int max;

        LengthPrefixed(InputStream in, int max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public Frame next() throws IOException {
            byte[] prefix = in.readNBytes(4);
            if (prefix.length == 0) {
                return End.END;
            }
            if (prefix.length < 4) {
                return new Bad(
                        "truncated length prefix: the connection ended after " + prefix.length + " of its 4 bytes",
                        true);
            }
            long length = ((prefix[0] & 0xffL) << 24)
                    | ((prefix[1] & 0xff) << 16)
                    | ((prefix[2] & 0xff) << 8)
                    | (prefix[3] & 0xff);
            if (length > max) {
                return new Bad(
                        "the length prefix announces " + length + " bytes, more than max-frame (" + max
                                + " bytes); closing the connection, as what follows cannot be framed",
                        true);
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length < length) {
                return new Bad(
                        "truncated frame: the connection ended after " + body.length + " of its " + length
                                + " bytes; they were dropped",
                        true);
            }
            return new Data(body);
        }
    }
}
