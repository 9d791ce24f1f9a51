package io.sluice.spi;

import io.sluice.SluiceException;
import java.io.IOException;
import java.io.NotSerializableException;

/**
 * One store's keys and values as bytes ({@link StoreCodec}), for the engines that keep bytes (rocksdb, postgres,
 * redis, dynamodb): a key or value that cannot be encoded, or bytes that cannot be decoded, fail with a message naming
 * the store, the node, the key and the type, and what to do about it. Stateless but for the names, so any thread may
 * use it.
 */
public final class StoreBytes {

    private static final int KEY_TEXT_LIMIT = 80;

    private final String label;
    private final String backend;
    private final String source;
    private final StoreCodec codec;

    /**
     * @param label the store as messages start: {@code Store 'counts' of node 'count'}
     * @param backend the backend's name, for "cannot be stored in {@code redis}"
     * @param source where bytes that cannot be decoded came from, for the message: {@code an entry read from <table>}
     * @param loader where classes of serialized objects are looked for first; {@code null} for the default
     */
    public StoreBytes(String label, String backend, String source, ClassLoader loader) {
        this.label = label;
        this.backend = backend;
        this.source = source;
        this.codec = new StoreCodec(loader);
    }

    /** The bytes of {@code key}. */
    public byte[] key(Object key) {
        return encode(key, "the key '" + shortText(key) + "'");
    }

    /** The bytes of {@code value}, the value of {@code key}. */
    public byte[] value(Object key, Object value) {
        return encode(value, "the value of key '" + shortText(key) + "'");
    }

    /** The key or value {@code bytes} hold, as {@link #key} or {@link #value} wrote it. */
    public Object decode(byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw new SluiceException(
                    label + ": " + source + " cannot be turned back into an object; " + e
                            + "; is the class that wrote it on this class path?",
                    e);
        }
    }

    /** A key as messages quote it: its text, cut after 80 characters. */
    public static String shortText(Object key) {
        String text = String.valueOf(key);
        return text.length() <= KEY_TEXT_LIMIT ? text : text.substring(0, KEY_TEXT_LIMIT) + "…";
    }

    private byte[] encode(Object object, String what) {
        try {
            return codec.encode(object);
        } catch (NotSerializableException e) {
            String type = object.getClass().getName();
            String culprit = e.getMessage();
            String found = culprit.equals(type) ? type : type + " holding " + culprit;
            throw new SluiceException(label + ": " + what + " cannot be stored in " + backend + "; expected a String,"
                    + " Long, Integer or java.io.Serializable object but found " + found
                    + ", which is not Serializable; make " + culprit
                    + " implement java.io.Serializable (a record can)");
        } catch (IOException e) {
            throw new SluiceException(
                    label + ": " + what + " cannot be stored in " + backend + "; Java serialization of "
                            + object.getClass().getName() + " failed: " + e,
                    e);
        }
    }
}
