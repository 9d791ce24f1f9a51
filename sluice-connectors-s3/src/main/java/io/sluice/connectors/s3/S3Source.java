package io.sluice.connectors.s3;

import io.sluice.StartNode;
import io.sluice.connectors.s3.internal.S3Location;
import io.sluice.connectors.s3.internal.SourceNode;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A start node reading every object under an S3 location, one after the other in key order, each record an item of
 * its {@link Format}. Immutable: each method returns a changed copy; pass it to {@code start} or {@code Flow.read}.
 *
 * <pre>{@code
 * S3.source("s3://raw/orders").format(Format.CSV).watch(Duration.ofSeconds(10))
 * }</pre>
 *
 * <p><b>What it reads.</b> Every object whose key starts with the location's prefix and a slash — the prefix names a
 * folder — in the order S3 lists them (ascending UTF-8 bytes of the key), except objects whose key has a path segment
 * below the location that starts with {@code _} or {@code .} (a sink's {@code _staging/} objects, the {@code
 * _SUCCESS} and {@code .part} files of Hadoop, Spark and Flink) and folder markers (keys ending with {@code /}). An
 * object whose key ends with {@code .gz} is gunzipped, unless {@link #gzip} says otherwise for all.
 *
 * <p><b>Where it stands.</b> It is {@link io.sluice.Resumable}: its position is the object it is in and how many
 * records of it it emitted, so a restart goes on with the next record. Parallel instances share the objects by the
 * hash of their key.
 *
 * <p><b>Watching.</b> Without {@link #watch} the node ends after the last object the listing gives. With it, it never
 * ends: once the listing is exhausted it lists again every interval, starting after the last key read, and reads the
 * objects found there. A new object counts as new when its key sorts after the last key read — write keys that grow
 * (timestamps, sequence numbers); an object added with a key that sorts before it is not read.
 *
 * <p><b>Errors.</b> An unreachable endpoint (after the timeout and three tries), a missing bucket, access denied, a
 * malformed CSV record, a line that is not a JSON object, bytes that are not UTF-8: each fails the node with the
 * location, the object and the line — nothing is skipped.
 *
 * @param <T> the type of the items: {@code String}, {@code Map<String, Object>} or {@code Map<String, String>}
 */
public final class S3Source<T> implements Supplier<StartNode<T>> {

    private final S3Location location;
    private final Format<T> format;
    private final Optional<Boolean> gzip;
    private final Optional<Duration> watch;
    private final S3Access access;

    private S3Source(
            S3Location location, Format<T> format, Optional<Boolean> gzip, Optional<Duration> watch, S3Access access) {
        this.location = location;
        this.format = format;
        this.gzip = gzip;
        this.watch = watch;
        this.access = access;
    }

    static S3Source<String> of(S3Location location) {
        return new S3Source<>(location, Format.LINES, Optional.empty(), Optional.empty(), S3Access.defaults());
    }

    /** The location read, {@code s3://bucket/prefix}. */
    public String location() {
        return location.toString();
    }

    /** The format of the objects. */
    public Format<T> format() {
        return format;
    }

    /** Reads the objects as {@code format}: {@link Format#LINES} (the default), {@link Format#JSON_LINES}, {@link Format#CSV}. */
    public <U> S3Source<U> format(Format<U> format) {
        return new S3Source<>(location, Objects.requireNonNull(format, "format"), gzip, watch, access);
    }

    /** Whether objects are gunzipped: empty when by their key ({@code .gz}). */
    public Optional<Boolean> gzip() {
        return gzip;
    }

    /** Gunzips every object ({@code true}) or none ({@code false}), whatever their keys end with. */
    public S3Source<T> gzip(boolean gzip) {
        return new S3Source<>(location, format, Optional.of(gzip), watch, access);
    }

    /** How often the listing is read again once exhausted; empty when the node ends there. */
    public Optional<Duration> watch() {
        return watch;
    }

    /**
     * Never ends: lists the location again every {@code interval} once it has read everything, for objects whose keys
     * sort after the last one read.
     *
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public S3Source<T> watch(Duration interval) {
        if (interval == null || !interval.isPositive()) {
            throw new IllegalArgumentException(
                    "S3 source '" + location + "': watch: expected a positive interval but found " + interval);
        }
        return new S3Source<>(location, format, gzip, Optional.of(interval), access);
    }

    /** How S3 is reached. */
    public S3Access access() {
        return access;
    }

    /** Reaches S3 as {@code access} says: endpoint, region, path style, timeout, credentials. */
    public S3Source<T> access(S3Access access) {
        return new S3Source<>(location, format, gzip, watch, Objects.requireNonNull(access, "access"));
    }

    /** A new start node instance; the runtime calls it once per instance. */
    @Override
    public StartNode<T> get() {
        return new SourceNode<>(location, format, gzip, watch.orElse(null), access);
    }

    @Override
    public String toString() {
        return "S3Source[" + location + ", format " + format
                + gzip.map(g -> ", gzip " + g).orElse("")
                + watch.map(w -> ", watch " + w).orElse("") + "]";
    }
}
