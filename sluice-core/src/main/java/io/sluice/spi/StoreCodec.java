package io.sluice.spi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.nio.charset.StandardCharsets;

/**
 * Turns keys and values into bytes and back: a type byte, then the raw bytes of a {@link String} (UTF-8), {@link Long}
 * or {@link Integer} (big-endian), or else the object's Java serialization. Stateless, so any thread may use it.
 *
 * <p>The fast path is what makes a counting store cheap: Java serialization of a {@code Long} takes about 80 bytes and
 * a new stream per call, the fast path 9 bytes and no stream. The same object always gives the same bytes, which is
 * what a key needs to be found again. Every byte-keeping store backend (rocksdb, postgres, redis, dynamodb) writes
 * these bytes, so one backend's bytes read the same in another.
 */
public final class StoreCodec {

    public static final byte SERIALIZED = 0;
    public static final byte STRING = 1;
    public static final byte LONG = 2;
    public static final byte INTEGER = 3;

    private final ClassLoader loader;

    /** @param loader where classes of serialized objects are looked for first; {@code null} for the default */
    public StoreCodec(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * The bytes of {@code object}.
     *
     * @throws java.io.NotSerializableException if it, or an object it holds, is not serializable; the message is the
     *     class that is not
     */
    public byte[] encode(Object object) throws IOException {
        return switch (object) {
            case String s -> {
                byte[] text = s.getBytes(StandardCharsets.UTF_8);
                byte[] bytes = new byte[text.length + 1];
                bytes[0] = STRING;
                System.arraycopy(text, 0, bytes, 1, text.length);
                yield bytes;
            }
            case Long l -> {
                byte[] bytes = new byte[9];
                bytes[0] = LONG;
                long v = l;
                for (int i = 8; i >= 1; i--) {
                    bytes[i] = (byte) v;
                    v >>>= 8;
                }
                yield bytes;
            }
            case Integer n -> {
                byte[] bytes = new byte[5];
                bytes[0] = INTEGER;
                int v = n;
                for (int i = 4; i >= 1; i--) {
                    bytes[i] = (byte) v;
                    v >>>= 8;
                }
                yield bytes;
            }
            default -> serialize(object);
        };
    }

    /** The object {@code bytes} hold, as {@link #encode} wrote it. */
    public Object decode(byte[] bytes) throws IOException, ClassNotFoundException {
        return switch (bytes[0]) {
            case STRING -> new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
            case LONG -> {
                long v = 0;
                for (int i = 1; i <= 8; i++) {
                    v = (v << 8) | (bytes[i] & 0xFF);
                }
                yield v;
            }
            case INTEGER -> {
                int v = 0;
                for (int i = 1; i <= 4; i++) {
                    v = (v << 8) | (bytes[i] & 0xFF);
                }
                yield v;
            }
            case SERIALIZED -> deserialize(bytes);
            default -> throw new IOException("unknown type byte " + bytes[0] + " (not written by this version)");
        };
    }

    private static byte[] serialize(Object object) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(128);
        buffer.write(SERIALIZED);
        try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
            out.writeObject(object);
        }
        return buffer.toByteArray();
    }

    private Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        ByteArrayInputStream buffer = new ByteArrayInputStream(bytes, 1, bytes.length - 1);
        try (ObjectInputStream in = new LoaderInputStream(buffer, loader)) {
            return in.readObject();
        }
    }

    /** Resolves classes with the loader of the code that opened the store, as a query thread may have another. */
    private static final class LoaderInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // primitives and arrays of them: the default resolution knows them
                }
            }
            return super.resolveClass(desc);
        }
    }
}
