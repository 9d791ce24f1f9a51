package io.sluice.connectors.s3.internal;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.util.Arrays;
import software.amazon.awssdk.core.sync.RequestBody;

/** A growable byte buffer that uploads a range of itself without a copy: the part a sink fills. */
final class Bytes extends OutputStream {

    private byte[] bytes;
    private int size;

    Bytes(int capacity) {
        bytes = new byte[capacity];
    }

    @Override
    public void write(int b) {
        ensure(size + 1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(size + len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    private void ensure(int capacity) {
        if (capacity > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(capacity, bytes.length * 2));
        }
    }

    int capacity() {
        return bytes.length;
    }

    int size() {
        return size;
    }

    void reset() {
        size = 0;
    }

    /** Bytes {@code from} to {@code to} as a request body; they must not change until the request is done. */
    RequestBody body(int from, int to) {
        int length = to - from;
        byte[] array = bytes;
        return RequestBody.fromContentProvider(
                () -> new ByteArrayInputStream(array, from, length), length, "application/octet-stream");
    }

    /** A copy of the bytes {@code from} to {@code to}. */
    byte[] copy(int from, int to) {
        return Arrays.copyOfRange(bytes, from, to);
    }
}
