package io.sluice.connectors.net.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding that says where the input went wrong: {@code new String(bytes, UTF_8)} would replace a bad
 * byte with U+FFFD and let a damaged frame or body into the graph as if it were text.
 */
public final class Utf8 {

    private Utf8() {}

    /** Thrown when the bytes are not UTF-8; {@link #offset()} is where the first bad sequence starts. */
    public static final class Invalid extends Exception {
        private final long offset;

        Invalid(long offset, String message) {
            super(message);
            this.offset = offset;
        }

        /** The offset of the first byte of the malformed sequence. */
        public long offset() {
            return offset;
        }
    }

    /** The text of {@code bytes}, or {@link Invalid} naming the offset of the first malformed sequence. */
    public static String decode(byte[] bytes) throws Invalid {
        return decode(bytes, 0, bytes.length);
    }

    /** The text of {@code length} bytes from {@code from}; offsets in errors count from {@code from}. */
    public static String decode(byte[] bytes, int from, int length) throws Invalid {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, length);
        CharBuffer out = CharBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, (long) length));
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            long offset = in.position() - from;
            throw new Invalid(
                    offset,
                    "not valid UTF-8: " + (result.isMalformed() ? "malformed" : "unmappable") + " input of "
                            + result.length() + " byte" + (result.length() == 1 ? "" : "s") + " at byte " + offset
                            + " (0x" + hex(bytes, in.position(), result.length()) + ")");
        }
        if (result.isOverflow()) { // cannot happen: UTF-8 never makes more chars than bytes
            throw new IllegalStateException(new CharacterCodingException());
        }
        return out.flip().toString();
    }

    private static String hex(byte[] bytes, int from, int length) {
        StringBuilder hex = new StringBuilder();
        for (int i = from; i < Math.min(bytes.length, from + length); i++) {
            hex.append(String.format("%02x", bytes[i] & 0xff));
        }
        return hex.toString();
    }
}
