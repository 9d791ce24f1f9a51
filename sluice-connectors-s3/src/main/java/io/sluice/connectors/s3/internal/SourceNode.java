package io.sluice.connectors.s3.internal;

import io.sluice.Emitter;
import io.sluice.NodeContext;
import io.sluice.Resumable;
import io.sluice.SluiceException;
import io.sluice.StartNode;
import io.sluice.connectors.s3.Format;
import io.sluice.connectors.s3.S3Access;
import io.sluice.connectors.s3.internal.Positions.SourcePosition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A start node over the objects under a location, read one after the other in key order (S3's listing order), each
 * record an item. Its position is the object it is in and how many of its records it emitted, so a restart goes on
 * at the next record; between objects, the last key read, and the listing resumes after it. Objects whose key has a
 * path segment below the location starting with {@code _} or {@code .} are not read (see {@link S3Location#hidden}).
 *
 * <p>Parallel instances share the objects by the hash of their key. With a watch interval the node never ends: once
 * the listing is exhausted it lists again every interval, after the last key read, so it reads new objects whose keys
 * sort after it. A pull returns within about 20 ms when there is nothing to read, as checkpoints wait for pulls.
 */
public final class SourceNode<T> implements StartNode<T>, Resumable {

    private static final Logger LOG = LoggerFactory.getLogger(SourceNode.class);

    /** Records emitted by one pull at most, so that checkpoints and stops are not held up by a large object. */
    static final int BURST = 1024;

    /** Times an object is opened again after its stream broke, before the node fails. */
    static final int REOPENS = 3;

    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final S3Location location;
    private final Format<T> format;
    private final Optional<Boolean> gzip;
    private final Duration watch; // null when the node reads what there is and ends
    private final S3Access access;
    private final String subject;

    private S3Connection s3;
    private int instance;
    private int parallelism = 1;

    private final ArrayDeque<String> listed = new ArrayDeque<>(); // keys of the page being read, in order
    private String continuation; // the token of the listing's next page
    private boolean listingDone;
    private boolean listedAny;
    private String after; // the last key read to its end; a new listing starts after it
    private long nextListingNanos;

    private String key; // the object being read, or null
    private ResponseInputStream<GetObjectResponse> stream;
    private RecordReader<T> reader;
    private long records; // records of the object emitted

    public SourceNode(S3Location location, Format<T> format, Optional<Boolean> gzip, Duration watch, S3Access access) {
        this.location = location;
        this.format = format;
        this.gzip = gzip;
        this.watch = watch;
        this.access = access;
        this.subject = "S3 source '" + location + "'";
    }

    @Override
    public void open(NodeContext context) {
        instance = context.instance();
        parallelism = context.parallelism();
        s3 = S3Connection.open(access);
        try { // fail at once, naming the cause, if the bucket cannot be listed
            s3.client()
                    .listObjectsV2(ListObjectsV2Request.builder()
                            .bucket(location.bucket())
                            .prefix(location.dir())
                            .maxKeys(1)
                            .build());
        } catch (SdkException e) {
            throw Failures.of(subject, "listing the objects under '" + location.dir() + "'", e, s3, location.bucket());
        }
    }

    @Override
    public boolean pull(Emitter<T> emitter) {
        int emitted = 0;
        while (emitted < BURST) {
            if (reader == null) {
                String next = nextKey();
                if (next == null) {
                    if (watch == null) {
                        return false;
                    }
                    idle();
                    return true;
                }
                openObject(next, 0);
            }
            T record = read();
            if (record == null) {
                closeObject();
                after = key;
                key = null;
                continue;
            }
            records++;
            emitted++;
            emitter.emit(record);
        }
        return true;
    }

    /** The next key of this instance's share to read, listing as needed; {@code null} when the listing is exhausted. */
    private String nextKey() {
        while (true) {
            while (!listed.isEmpty()) {
                String next = listed.poll();
                if (!location.hidden(next) && mine(next)) {
                    return next;
                }
            }
            if (listingDone) {
                if (watch == null || System.nanoTime() - nextListingNanos < 0) {
                    return null;
                }
                listingDone = false; // list again, after the last key read
            }
            listPage();
        }
    }

    private boolean mine(String key) {
        return parallelism == 1 || Math.floorMod(key.hashCode(), parallelism) == instance;
    }

    private void listPage() {
        ListObjectsV2Request.Builder request =
                ListObjectsV2Request.builder().bucket(location.bucket()).prefix(location.dir());
        if (continuation != null) {
            request.continuationToken(continuation);
        } else if (after != null) {
            request.startAfter(after);
        }
        ListObjectsV2Response page;
        try {
            page = s3.client().listObjectsV2(request.build());
        } catch (SdkException e) {
            throw Failures.of(subject, "listing the objects under '" + location.dir() + "'", e, s3, location.bucket());
        }
        for (S3Object object : page.contents()) {
            listed.add(object.key());
        }
        if (Boolean.TRUE.equals(page.isTruncated()) && page.nextContinuationToken() != null) {
            continuation = page.nextContinuationToken();
        } else {
            continuation = null;
            listingDone = true;
            nextListingNanos = System.nanoTime() + (watch == null ? 0 : watch.toNanos());
            if (!listedAny && listed.isEmpty() && after == null && watch == null) {
                LOG.warn("{}: no objects under '{}'", subject, location.dir());
            }
        }
        listedAny |= !page.contents().isEmpty();
    }

    private void idle() {
        long wait = Math.min(IDLE_NANOS, nextListingNanos - System.nanoTime());
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /** Opens {@code object} and skips its first {@code skip} records. */
    private void openObject(String object, long skip) {
        key = object;
        String what = subject + ": object '" + object + "'";
        try {
            stream = s3.client().getObject(b -> b.bucket(location.bucket()).key(object));
        } catch (SdkException e) {
            if (Failures.notFound(e)) {
                throw new SluiceException(
                        what + " is gone: it was listed, or a stored position is in it, but it no" + " longer exists");
            }
            throw Failures.of(subject, "reading object '" + object + "'", e, s3, location.bucket());
        }
        try {
            reader = RecordReader.open(format, stream, gzip.orElse(object.endsWith(".gz")), what);
        } catch (ZipException e) {
            throw new SluiceException(what + " is not gzip (" + e.getMessage() + "); its key ends with .gz or the"
                    + " source's gzip setting is true");
        } catch (IOException e) {
            throw Failures.of(subject, "reading object '" + object + "'", e, s3, location.bucket());
        }
        records = 0;
        while (records < skip) {
            if (read() == null) {
                throw new SluiceException(what + " has " + records + " records, but the stored position is after "
                        + skip + " of them: the object changed since");
            }
            records++;
        }
    }

    /** The next record of the object being read, opening it again if its stream broke. */
    private T read() {
        for (int attempt = 1; ; attempt++) {
            try {
                return reader.next();
            } catch (ZipException e) {
                throw new SluiceException(
                        subject + ": object '" + key + "' is not a valid gzip stream: " + e.getMessage());
            } catch (IOException | UncheckedIOException | SdkException e) {
                if (attempt > REOPENS) {
                    throw Failures.of(subject, "reading object '" + key + "'", e, s3, location.bucket());
                }
                LOG.warn("{}: reading object '{}' broke off ({}); opening it again", subject, key, e.toString());
                long done = records;
                closeObject();
                openObject(key, done);
            }
        }
    }

    private void closeObject() {
        if (stream != null) {
            stream.abort(); // what is left of the object is not read: do not drain it
            try {
                reader.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("{}: closing object '{}': {}", subject, key, e.toString());
            }
        }
        stream = null;
        reader = null;
    }

    @Override
    public String position() {
        SourcePosition position = key != null
                ? new SourcePosition(key, records)
                : after != null ? new SourcePosition(after, -1) : SourcePosition.START;
        return Positions.write(position);
    }

    @Override
    public void resume(String stored) {
        SourcePosition position = Positions.read(stored, SourcePosition.class, subject);
        if (position.key() == null) {
            return;
        }
        after = position.key();
        listed.clear();
        continuation = null;
        listingDone = false;
        if (!position.past()) {
            openObject(position.key(), position.records());
        }
    }

    @Override
    public void close() {
        closeObject();
        if (s3 != null) {
            s3.close();
        }
    }
}
