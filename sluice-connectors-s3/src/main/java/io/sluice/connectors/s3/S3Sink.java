package io.sluice.connectors.s3;

import io.sluice.EndNode;
import io.sluice.connectors.s3.internal.S3Location;
import io.sluice.connectors.s3.internal.SinkNode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An end node writing its items as records of part files {@code <prefix>/part-<node>-<instance>-<seq>.<ext>[.gz]},
 * each visible only once it is complete, and — on a runtime that commits positions (LOCAL with checkpoints, KAFKA)
 * — only once the commit covering it is durable. Immutable: each method returns a changed copy; pass it to {@code end}
 * or {@code Stage.to}.
 *
 * <pre>{@code
 * S3.sink("s3://curated/orders").format(Format.CSV).gzip(true).rollSize(64L << 20).rollInterval(Duration.ofMinutes(5))
 * }</pre>
 *
 * <p><b>How it commits.</b> As Flink's S3 {@code FileSink}: each file is a multipart upload; parts of {@link
 * #partSize} are uploaded as they fill; at a checkpoint or Kafka commit the rest of the buffer is staged as hidden
 * objects under {@code <prefix>/_staging/}, and the position records the upload, its parts, the staged objects and
 * the files rolled since the last commit. A file rolls at {@link #rollSize} bytes or after {@link #rollInterval},
 * and its upload is completed — the file appears, whole, at once — when the position holding it is committed. A
 * restart completes what its position holds, takes the file in progress back and removes everything this node
 * instance wrote after the position, so every record is in exactly one visible file. At the end of a bounded input
 * every file completes. Without commits (LOCAL without checkpoints) files complete as they roll, at the end and on
 * close: at-least-once. See {@code docs/connectors-s3.md}.
 *
 * <p>Give each sink a prefix of its own, keep its format and gzip setting across restarts, and give the bucket a
 * lifecycle rule that aborts incomplete multipart uploads after some days, for deployments that are never resumed.
 */
public final class S3Sink implements Supplier<EndNode<Object>> {

    /** The roll size unless set otherwise: 128 MiB. */
    public static final long DEFAULT_ROLL_SIZE = 128L * 1024 * 1024;

    /** The roll interval unless set otherwise. */
    public static final Duration DEFAULT_ROLL_INTERVAL = Duration.ofMinutes(1);

    /** The part size unless set otherwise: 8 MiB. */
    public static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;

    /** The smallest part size S3 takes: 5 MiB. */
    public static final long MIN_PART_SIZE = SinkNode.MIN_PART_SIZE;

    /** The largest part size this sink buffers: 1 GiB. */
    public static final long MAX_PART_SIZE = 1024L * 1024 * 1024;

    private final S3Location location;
    private final Format<?> format;
    private final boolean gzip;
    private final long rollSize;
    private final Duration rollInterval;
    private final long partSize;
    private final Optional<List<String>> columns;
    private final S3Access access;

    private S3Sink(
            S3Location location,
            Format<?> format,
            boolean gzip,
            long rollSize,
            Duration rollInterval,
            long partSize,
            Optional<List<String>> columns,
            S3Access access) {
        this.location = location;
        this.format = format;
        this.gzip = gzip;
        this.rollSize = rollSize;
        this.rollInterval = rollInterval;
        this.partSize = partSize;
        this.columns = columns;
        this.access = access;
    }

    /**
     * Checks that the settings fit together, as {@link #get()} does.
     *
     * @throws IllegalArgumentException if the roll size needs more than 10,000 parts, or columns are given to a
     *     format other than CSV
     */
    public S3Sink check() {
        if (rollSize > partSize * SinkNode.MAX_PARTS) {
            throw new IllegalArgumentException(subject() + ": a roll size of " + rollSize + " bytes needs more than "
                    + SinkNode.MAX_PARTS + " parts of " + partSize + " bytes; expected a roll size of at most "
                    + partSize * SinkNode.MAX_PARTS + " bytes, or a larger part size");
        }
        if (columns.isPresent() && format != Format.CSV) {
            throw new IllegalArgumentException(
                    subject() + ": columns apply to the csv format only, but the format is " + format);
        }
        return this;
    }

    static S3Sink of(S3Location location) {
        return new S3Sink(
                location,
                Format.LINES,
                false,
                DEFAULT_ROLL_SIZE,
                DEFAULT_ROLL_INTERVAL,
                DEFAULT_PART_SIZE,
                Optional.empty(),
                S3Access.defaults());
    }

    private String subject() {
        return "S3 sink '" + location + "'";
    }

    /** The location written, {@code s3://bucket/prefix}. */
    public String location() {
        return location.toString();
    }

    /** The format of the part files. */
    public Format<?> format() {
        return format;
    }

    /**
     * Writes {@code format}: {@link Format#LINES} (the default: each item's {@code String.valueOf}, which must hold no
     * line break), {@link Format#JSON_LINES} (each item as Jackson writes it), {@link Format#CSV} (maps, records or
     * beans, under {@link #columns} or the first item's keys).
     */
    public S3Sink format(Format<?> format) {
        return new S3Sink(
                location,
                Objects.requireNonNull(format, "format"),
                gzip,
                rollSize,
                rollInterval,
                partSize,
                columns,
                access);
    }

    /** Whether part files are gzipped. */
    public boolean gzip() {
        return gzip;
    }

    /**
     * Gzips the part files ({@code .gz} is added to their keys). Each commit ends a gzip member, so a file may hold
     * several; {@code gunzip}, Java, Python, Spark and this connector's source read them all.
     */
    public S3Sink gzip(boolean gzip) {
        return new S3Sink(location, format, gzip, rollSize, rollInterval, partSize, columns, access);
    }

    /** The size in bytes (compressed, with gzip) at which a part file rolls. */
    public long rollSize() {
        return rollSize;
    }

    /**
     * Rolls a part file once the record written takes it to {@code bytes} or more.
     *
     * @throws IllegalArgumentException if not positive
     */
    public S3Sink rollSize(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException(subject() + ": rollSize: expected at least 1 byte but found " + bytes);
        }
        return new S3Sink(location, format, gzip, bytes, rollInterval, partSize, columns, access);
    }

    /** How long a part file stays open after its first record. */
    public Duration rollInterval() {
        return rollInterval;
    }

    /**
     * Rolls a part file once it has been open {@code interval} since its first record, checked between items and
     * about every second (more often for shorter intervals).
     *
     * @throws IllegalArgumentException if not positive
     */
    public S3Sink rollInterval(Duration interval) {
        if (interval == null || !interval.isPositive()) {
            throw new IllegalArgumentException(
                    subject() + ": rollInterval: expected a positive duration but found " + interval);
        }
        return new S3Sink(location, format, gzip, rollSize, interval, partSize, columns, access);
    }

    /** The size of the parts uploaded as a file grows: what each instance buffers in memory. */
    public long partSize() {
        return partSize;
    }

    /**
     * Uploads a part each time {@code bytes} are buffered.
     *
     * @throws IllegalArgumentException if not between {@link #MIN_PART_SIZE} and {@link #MAX_PART_SIZE}
     */
    public S3Sink partSize(long bytes) {
        if (bytes < MIN_PART_SIZE || bytes > MAX_PART_SIZE) {
            throw new IllegalArgumentException(subject() + ": partSize: expected " + MIN_PART_SIZE + " (5 MiB) to "
                    + MAX_PART_SIZE + " (1 GiB) bytes but found " + bytes);
        }
        return new S3Sink(location, format, gzip, rollSize, rollInterval, bytes, columns, access);
    }

    /** The CSV columns; empty when those of the first item are taken. */
    public Optional<List<String>> columns() {
        return columns;
    }

    /**
     * Writes CSV under these columns, in this order; an item field not among them fails the node, a missing one is
     * written empty.
     *
     * @throws IllegalArgumentException if the list is empty or has blanks or duplicates
     */
    public S3Sink columns(List<String> columns) {
        List<String> copy = List.copyOf(columns);
        if (copy.isEmpty()
                || copy.stream().anyMatch(String::isBlank)
                || copy.stream().distinct().count() != copy.size()) {
            throw new IllegalArgumentException(
                    subject() + ": columns: expected distinct, non-blank names but found " + columns);
        }
        return new S3Sink(location, format, gzip, rollSize, rollInterval, partSize, Optional.of(copy), access);
    }

    /** How S3 is reached. */
    public S3Access access() {
        return access;
    }

    /** Reaches S3 as {@code access} says: endpoint, region, path style, timeout, credentials. */
    public S3Sink access(S3Access access) {
        return new S3Sink(
                location,
                format,
                gzip,
                rollSize,
                rollInterval,
                partSize,
                columns,
                Objects.requireNonNull(access, "access"));
    }

    /**
     * A new end node instance; the runtime calls it once per instance.
     *
     * @throws IllegalArgumentException if the settings do not fit together ({@link #check()})
     */
    @Override
    public EndNode<Object> get() {
        check();
        return new SinkNode(location, format, gzip, rollSize, rollInterval, partSize, columns.orElse(null), access);
    }

    @Override
    public String toString() {
        return "S3Sink[" + location + ", format " + format + (gzip ? ", gzip" : "") + ", roll at " + rollSize
                + " bytes or " + rollInterval + "]";
    }
}
