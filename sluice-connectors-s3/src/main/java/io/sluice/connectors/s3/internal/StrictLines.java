package io.sluice.connectors.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The lines of a UTF-8 stream, decoded strictly: bytes that are not UTF-8 are an {@link InvalidText} naming the line
 * and the byte, never replaced. A line ends at {@code \n} (a {@code \r} before it is dropped from the line), or at the
 * end of the stream; a line longer than {@link #MAX_LINE} bytes is refused, so a file without line breaks cannot fill
 * the heap. {@link #reader()} hands the same text, line breaks included, to a parser that needs a {@link Reader}.
 */
final class StrictLines {

    /** The longest line read, in bytes. */
    static final int MAX_LINE = 64 * 1024 * 1024;

    /** Bytes that are not valid UTF-8, at {@code offset} of line {@code line}. */
    static final class InvalidText extends IOException {
        private static final long serialVersionUID = 1L;

        final long line;
        final int offset;

        InvalidText(long line, int offset, String problem) {
            super(problem);
            this.line = line;
            this.offset = offset;
        }
    }

    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private boolean ended;
    private byte[] line = new byte[1024];
    private int length;
    private CharBuffer chars = CharBuffer.allocate(1024);
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long number; // of the last line read
    private String terminator = ""; // what ended the last line read: "\n", "\r\n" or "" at the end of the stream

    StrictLines(InputStream in) {
        this.in = in;
    }

    /** The number of the last line {@link #next()} returned, from 1. */
    long number() {
        return number;
    }

    /**
     * The next line without its line break, or {@code null} at the end of the stream.
     *
     * @throws InvalidText if its bytes are not UTF-8 or it is too long
     */
    String next() throws IOException {
        length = 0;
        boolean newline = false;
        while (!newline) {
            if (position == limit) {
                if (ended || !fill()) {
                    break;
                }
            }
            int start = position;
            int end = start;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            append(start, end - start);
            position = end;
            if (end < limit) {
                newline = true;
                position++;
            }
        }
        if (!newline && length == 0) {
            return null;
        }
        number++;
        terminator = newline ? "\n" : "";
        if (newline && length > 0 && line[length - 1] == '\r') {
            length--;
            terminator = "\r\n";
        }
        return decode();
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            ended = true;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private void append(int from, int count) throws InvalidText {
        if (count == 0) {
            return;
        }
        if (length + count > MAX_LINE) {
            throw new InvalidText(number + 1, length, "line longer than " + MAX_LINE / (1024 * 1024) + " MiB");
        }
        if (length + count > line.length) {
            byte[] grown = new byte[Math.min(MAX_LINE, Math.max(line.length * 2, length + count))];
            System.arraycopy(line, 0, grown, 0, length);
            line = grown;
        }
        System.arraycopy(buffer, from, line, length, count);
        length += count;
    }

    private String decode() throws InvalidText {
        boolean ascii = true;
        for (int i = 0; i < length; i++) {
            if (line[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(line, 0, length, StandardCharsets.ISO_8859_1);
        }
        if (chars.capacity() < length) {
            chars = CharBuffer.allocate(Math.max(length, chars.capacity() * 2));
        }
        chars.clear();
        decoder.reset();
        ByteBuffer bytes = ByteBuffer.wrap(line, 0, length);
        CoderResult result = decoder.decode(bytes, chars, true);
        if (!result.isError()) {
            result = decoder.flush(chars);
        }
        if (result.isError()) {
            throw new InvalidText(number, bytes.position(), "bytes that are not valid UTF-8");
        }
        chars.flip();
        return chars.toString();
    }

    // where the lines the reader handed out begin: character offsets and their line numbers, oldest first
    private long[] starts = new long[64];
    private long[] startLines = new long[64];
    private int startCount;
    private long handedOut; // characters the reader handed out

    /**
     * The number of the line holding the character at {@code offset} of what {@link #reader()} handed out, and forgets
     * the lines before it: call it with offsets that grow.
     */
    long lineAt(long offset) {
        int low = 0;
        int high = startCount - 1;
        int found = 0;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (starts[mid] <= offset) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        long line = startCount == 0 ? 1 : startLines[found];
        if (found > 0) {
            System.arraycopy(starts, found, starts, 0, startCount - found);
            System.arraycopy(startLines, found, startLines, 0, startCount - found);
            startCount -= found;
        }
        return line;
    }

    private void started(long offset, long line) {
        if (startCount == starts.length) {
            starts = java.util.Arrays.copyOf(starts, startCount * 2);
            startLines = java.util.Arrays.copyOf(startLines, startCount * 2);
        }
        starts[startCount] = offset;
        startLines[startCount] = line;
        startCount++;
    }

    /**
     * The text from here on, line breaks included, as a {@link Reader}; {@link #lineAt} maps its character offsets
     * to line numbers.
     */
    Reader reader() {
        return new Reader() {
            private String pending = "";
            private int at;

            @Override
            public int read(char[] target, int offset, int count) throws IOException {
                if (count == 0) {
                    return 0;
                }
                while (at == pending.length()) {
                    String next = next();
                    if (next == null) {
                        return -1;
                    }
                    pending = next + terminator;
                    at = 0;
                    started(handedOut, number);
                }
                int n = Math.min(count, pending.length() - at);
                pending.getChars(at, at + n, target, offset);
                at += n;
                handedOut += n;
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    void close() throws IOException {
        in.close();
    }
}
