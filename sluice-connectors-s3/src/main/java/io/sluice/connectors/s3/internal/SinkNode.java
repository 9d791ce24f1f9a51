package io.sluice.connectors.s3.internal;

import io.sluice.EndNode;
import io.sluice.NodeContext;
import io.sluice.Resumable;
import io.sluice.SluiceException;
import io.sluice.connectors.s3.Format;
import io.sluice.connectors.s3.S3Access;
import io.sluice.connectors.s3.internal.Positions.InProgress;
import io.sluice.connectors.s3.internal.Positions.Rolled;
import io.sluice.connectors.s3.internal.Positions.SinkPosition;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An end node writing part files {@code <prefix>/part-<node>-<instance>-<seq>.<ext>[.gz]}, each visible only once it is
 * complete — and, when the runtime commits positions (checkpoints on LOCAL, KAFKA), only once the position that
 * covers it is committed: the two-phase commit of Flink's S3 {@code FileSink}.
 *
 * <p><b>How a file is written.</b> Records go to a buffer in memory; each time it holds {@code partSize} bytes it is
 * uploaded as a part of the file's multipart upload (created with the first part), on a thread of its own while the
 * next part fills a second buffer. At {@link #position()} the rest
 * of the buffer — what is not yet in a part — is staged as hidden objects {@code <prefix>/_staging/<node>-<instance>-<n>}
 * (only what was added since the last position, in at most {@value #MAX_SEGMENTS} objects; beyond that the whole rest
 * in one), and the position records the upload id, the parts' ETags, the staged objects and their lengths, and the
 * files rolled since the last commit. A file rolls once it reaches {@code rollSize} or has been open for {@code
 * rollInterval}: its rest is uploaded as its last part, and it waits for {@link #committed}, which completes the
 * uploads of the files that position holds (and deletes the staged objects no later position needs). {@link
 * #resume} completes the files its position holds — an upload completed before is found complete — puts the file in
 * progress back (downloading its staged rest), aborts this instance's uploads the position does not hold and deletes
 * its part files numbered from the position's file in progress on, and its staged objects the position does not
 * hold. {@link #onComplete} completes everything.
 *
 * <p><b>Without commits.</b> A runtime that never asks for a position (LOCAL without checkpoints) gets at-least-once
 * output: once {@value #PROBATION_SECONDS} s have passed without a position asked for, files complete as they roll,
 * at the end, and on close. Until then rolled files wait, so that a runtime that commits (KAFKA commits within its
 * commit interval) never sees a file complete before its position is durable.
 *
 * <p>Not thread-safe: the runtime calls every method on the instance's thread; only part uploads run on another.
 */
public final class SinkNode implements EndNode<Object>, Resumable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkNode.class);

    /** How long a sink waits for a first position before it takes it that nothing commits. */
    static final int PROBATION_SECONDS = 30;

    /** Staged objects the rest of a file in progress is kept in at most. */
    static final int MAX_SEGMENTS = 16;

    /** Parts of a multipart upload at most (S3's limit). */
    public static final int MAX_PARTS = 10_000;

    /** The smallest part S3 takes, but for an upload's last. */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

    /** The largest part S3 takes. */
    public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;

    private static final long COPY_PIECE = 4L * 1024 * 1024 * 1024;

    private final S3Location location;
    private final Format<?> format;
    private final boolean gzip;
    private final long rollSize;
    private final long rollIntervalNanos;
    private final int partSize;
    private final List<String> columns;
    private final S3Access access;
    private final String subject;

    private S3Connection s3;
    private RecordWriter writer;
    private String partPrefix; // <dir>part-<node>-<instance>-
    private String stagingPrefix; // <dir>_staging/<node>-<instance>-
    private Pattern partName;
    private long openedNanos;
    private boolean started; // resumed, or started afresh
    private boolean twoPhase; // a position was asked for or resumed: rolled files wait for a commit
    private boolean completeOnRoll; // no position came within the probation: files complete as they roll
    private boolean completed; // onComplete made everything whole

    // the file in progress
    private long seq;
    private String upload;
    private List<String> etags = new ArrayList<>();
    private long uploaded; // bytes in its parts
    private Bytes buffer;
    private Bytes spare; // the buffer of the part in flight, reused for the one after
    private ExecutorService uploader; // uploads parts while the next fills
    private CompletableFuture<String> inFlight; // the ETag of the part being uploaded
    private int inFlightNumber;
    private GZIPOutputStream member; // the gzip member being written, or null
    // what a gzip member writes to: the buffer filling now, whichever it is after a part went
    private final OutputStream toBuffer = new OutputStream() {
        @Override
        public void write(int b) {
            buffer.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            buffer.write(b, off, len);
        }
    };
    private boolean fileStarted;
    private long firstWriteNanos;
    private final List<long[]> segments = new ArrayList<>(); // staged objects holding buffer[0, stagedUpTo)
    private int stagedUpTo;

    private final List<Rolled> pending = new ArrayList<>(); // rolled, waiting for a commit
    private final TreeMap<Long, String> staged = new TreeMap<>(); // staged objects not yet deleted, by number
    private long stage; // the number of the last staged object
    private String lastPosition;
    private boolean dirty = true; // changed since the last position

    public SinkNode(
            S3Location location,
            Format<?> format,
            boolean gzip,
            long rollSize,
            Duration rollInterval,
            long partSize,
            List<String> columns,
            S3Access access) {
        this.location = location;
        this.format = format;
        this.gzip = gzip;
        this.rollSize = rollSize;
        // an interval beyond what nanoTime counts (about 292 years) is never reached
        this.rollIntervalNanos =
                rollInterval.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : rollInterval.toNanos();
        this.partSize = Math.toIntExact(partSize);
        this.columns = columns;
        this.access = access;
        this.subject = "S3 sink '" + location + "'";
    }

    @Override
    public void open(NodeContext context) {
        String name = context.nodeId() + "-" + context.instance();
        partPrefix = location.dir() + "part-" + name + "-";
        stagingPrefix = location.dir() + "_staging/" + name + "-";
        partName = Pattern.compile(Pattern.quote(partPrefix) + "(\\d+)(\\..*)?");
        writer = RecordWriter.of(format, columns, subject);
        buffer = new Bytes(Math.min(partSize, 1024 * 1024));
        openedNanos = System.nanoTime();
        context.tickEvery(Duration.ofNanos(Math.max(
                TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), rollIntervalNanos / 4))));
        s3 = S3Connection.open(access);
        listObjects(partPrefix, o -> {}, 1); // fail at once, naming the cause, if the bucket cannot be reached
    }

    @Override
    public void process(Object item) {
        start();
        byte[] record = writer.record(item);
        long now = System.nanoTime();
        if (!fileStarted) {
            fileStarted = true;
            firstWriteNanos = now;
            write(writer.header());
        }
        write(record);
        dirty = true;
        if (buffer.size() >= partSize) {
            uploadPart();
        }
        if (uploaded + buffer.size() >= rollSize || now - firstWriteNanos >= rollIntervalNanos) {
            roll();
        }
        checkProbation(now);
    }

    @Override
    public void onTick() {
        start();
        long now = System.nanoTime();
        if (fileStarted && now - firstWriteNanos >= rollIntervalNanos) {
            roll();
        }
        checkProbation(now);
    }

    private void write(byte[] bytes) {
        try {
            OutputStream out = buffer;
            if (gzip) {
                if (member == null) {
                    member = new GZIPOutputStream(toBuffer, 64 * 1024);
                }
                out = member;
            }
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a buffer in memory does not fail
        }
    }

    /** Ends the gzip member being written, so that the bytes so far are whole gzip; the next write starts another. */
    private void finishMember() {
        if (member != null) {
            try {
                member.close(); // writes the trailer; closing the buffer does nothing
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            member = null;
        }
    }

    // ---- the file in progress ----

    private String partKey(long number) {
        return partPrefix + String.format("%06d", number) + "." + format.extension() + (gzip ? ".gz" : "");
    }

    private String stagingKey(long number) {
        return stagingPrefix + number;
    }

    private void newFile() {
        upload = null;
        etags = new ArrayList<>();
        uploaded = 0;
        buffer.reset();
        member = null;
        segments.clear();
        stagedUpTo = 0;
        fileStarted = false;
    }

    private String createUpload(String key) {
        try {
            return s3.client()
                    .createMultipartUpload(
                            b -> b.bucket(location.bucket()).key(key).contentType(contentType()))
                    .uploadId();
        } catch (SdkException e) {
            throw failure("starting the upload of part file '" + key + "'", e);
        }
    }

    private String contentType() {
        if (gzip) {
            return "application/gzip";
        }
        // no parameters (charset): some S3-compatible servers sign such a header differently and refuse the request
        return format == Format.CSV ? "text/csv" : format == Format.JSON_LINES ? "application/x-ndjson" : "text/plain";
    }

    /**
     * Uploads the buffer as the next part of the file in progress, on the uploader thread, while the next part fills
     * a second buffer: at most one part is in flight, and {@link #awaitPart()} takes its ETag before anything reads
     * the parts (a position, a roll) or the next part goes.
     */
    private void uploadPart() {
        String key = partKey(seq);
        if (upload == null) {
            upload = createUpload(key);
        }
        awaitPart();
        int number = etags.size() + 1;
        if (number > MAX_PARTS) {
            throw new SluiceException(subject + ": part file '" + key + "' would need more than " + MAX_PARTS
                    + " parts; give a larger part size or a smaller roll size");
        }
        String id = upload;
        Bytes full = buffer;
        long length = full.size();
        buffer = spare == null ? new Bytes(full.capacity()) : spare;
        buffer.reset();
        spare = full;
        if (uploader == null) {
            uploader = Executors.newSingleThreadExecutor(
                    r -> Thread.ofPlatform().daemon().name("s3-sink-upload").unstarted(r));
        }
        inFlightNumber = number;
        inFlight = CompletableFuture.supplyAsync(
                () -> s3.client()
                        .uploadPart(
                                b -> b.bucket(location.bucket())
                                        .key(key)
                                        .uploadId(id)
                                        .partNumber(number)
                                        .contentLength(length),
                                full.body(0, (int) length))
                        .eTag(),
                uploader);
        uploaded += length;
        segments.clear(); // the staged objects stay until a commit says no position needs them
        stagedUpTo = 0;
        dirty = true;
    }

    /** Waits for the part in flight, if any, and adds its ETag to the file's parts. */
    private void awaitPart() {
        CompletableFuture<String> part = inFlight;
        if (part == null) {
            return;
        }
        inFlight = null;
        try {
            etags.add(part.join());
        } catch (CompletionException e) {
            String doing = "uploading part " + inFlightNumber + " of part file '" + partKey(seq) + "'";
            if (e.getCause() instanceof SdkException sdk) {
                throw failure(doing, sdk);
            }
            throw new SluiceException(subject + ": " + doing + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Closes the file in progress: its rest becomes its last part, and it waits for a commit (or completes now). */
    private void roll() {
        if (!fileStarted) {
            return;
        }
        finishMember();
        awaitPart();
        if (buffer.size() > 0 || etags.isEmpty()) {
            uploadPart();
            awaitPart();
        }
        Rolled rolled = new Rolled(seq, upload, List.copyOf(etags), uploaded);
        if (completeOnRoll || CrashFaults.COMPLETE_ON_ROLL) {
            complete(rolled);
        } else {
            pending.add(rolled);
        }
        seq++;
        newFile();
        dirty = true;
    }

    /** Completes a rolled file; one completed before (by a run that died after) is found complete. */
    private void complete(Rolled rolled) {
        String key = partKey(rolled.seq());
        List<CompletedPart> parts = new ArrayList<>(rolled.parts().size());
        for (int i = 0; i < rolled.parts().size(); i++) {
            parts.add(CompletedPart.builder()
                    .partNumber(i + 1)
                    .eTag(rolled.parts().get(i))
                    .build());
        }
        try {
            s3.client().completeMultipartUpload(b -> b.bucket(location.bucket())
                    .key(key)
                    .uploadId(rolled.upload())
                    .multipartUpload(m -> m.parts(parts)));
        } catch (SdkException e) {
            Long length = length(key);
            if (length == null || length != rolled.length()) {
                throw failure("completing part file '" + key + "' (upload " + rolled.upload() + ")", e);
            }
        }
    }

    /** The length of object {@code key}, or {@code null} if there is none. */
    private Long length(String key) {
        try {
            return s3.client()
                    .headObject(b -> b.bucket(location.bucket()).key(key))
                    .contentLength();
        } catch (SdkException e) {
            if (Failures.notFound(e)) {
                return null;
            }
            throw failure("reading the length of '" + key + "'", e);
        }
    }

    // ---- positions ----

    @Override
    public String position() {
        start();
        twoPhase = true;
        if (!dirty) {
            return lastPosition;
        }
        awaitPart();
        InProgress file = null;
        if (fileStarted) {
            finishMember();
            if (buffer.size() > stagedUpTo) {
                stageRest();
            }
            file = new InProgress(upload, List.copyOf(etags), uploaded, copy(segments));
        }
        lastPosition = Positions.write(new SinkPosition(seq, stage, file, List.copyOf(pending), writer.columns()));
        dirty = false;
        return lastPosition;
    }

    private static List<long[]> copy(List<long[]> segments) {
        List<long[]> copy = new ArrayList<>(segments.size());
        for (long[] segment : segments) {
            copy.add(segment.clone());
        }
        return copy;
    }

    /** Stages the bytes of the buffer not yet staged, or the whole buffer once it is in too many objects. */
    private void stageRest() {
        if (segments.size() >= MAX_SEGMENTS) {
            segments.clear();
            stagedUpTo = 0;
        }
        int from = stagedUpTo;
        int to = buffer.size();
        long number = ++stage;
        String key = stagingKey(number);
        try {
            s3.client().putObject(b -> b.bucket(location.bucket()).key(key), buffer.body(from, to));
        } catch (SdkException e) {
            throw failure("staging the rest of part file '" + partKey(seq) + "' as '" + key + "'", e);
        }
        staged.put(number, key);
        segments.add(new long[] {number, to - from});
        stagedUpTo = to;
    }

    @Override
    public void committed(String stored) {
        start();
        SinkPosition position = Positions.read(stored, SinkPosition.class, subject);
        if (!pending.isEmpty() && position.pending() != null) {
            Set<Long> covered = new HashSet<>();
            position.pending().forEach(r -> covered.add(r.seq()));
            for (Iterator<Rolled> it = pending.iterator(); it.hasNext(); ) {
                Rolled rolled = it.next();
                if (covered.contains(rolled.seq())) {
                    complete(rolled);
                    it.remove();
                    dirty = true;
                }
            }
        }
        long keepFrom = position.stage() + 1;
        if (position.file() != null && position.file().staged() != null) {
            for (long[] segment : position.file().staged()) {
                keepFrom = Math.min(keepFrom, segment[0]);
            }
        }
        deleteStaged(new TreeMap<>(staged.headMap(keepFrom)));
    }

    private void completePending() {
        for (Rolled rolled : pending) {
            complete(rolled);
        }
        pending.clear();
        dirty = true;
    }

    @Override
    public void onComplete() {
        start();
        roll();
        completePending();
        deleteStaged(new TreeMap<>(staged));
        completed = true;
        dirty = true;
    }

    @Override
    public void resume(String stored) {
        SinkPosition position = Positions.read(stored, SinkPosition.class, subject);
        started = true;
        twoPhase = true;
        seq = position.seq();
        stage = position.stage();
        writer.columns(position.columns());
        if (position.pending() != null) {
            for (Rolled rolled : position.pending()) {
                complete(rolled);
            }
        }
        restore(position.file());
        int[] cleaned = cleanUp(position.seq());
        dirty = true;
        LOG.info(
                "{}: resumed at part file '{}' ({} bytes); completed {} rolled files, aborted {} uploads and deleted"
                        + " {} files and {} staged objects written after the position",
                subject,
                partKey(seq),
                uploaded + buffer.size(),
                position.pending() == null ? 0 : position.pending().size(),
                cleaned[0],
                cleaned[1],
                cleaned[2]);
    }

    /** Puts the file in progress back as {@code file} says it was. */
    private void restore(InProgress file) {
        newFile();
        if (file == null) {
            return;
        }
        String key = partKey(seq);
        fileStarted = true;
        firstWriteNanos = System.nanoTime();
        List<long[]> segmentsStored = file.staged() == null ? List.of() : file.staged();
        long stagedLength = 0;
        for (long[] segment : segmentsStored) {
            stagedLength += segment[1];
        }
        Long completedLength = null; // of the file, if a run that died after the position completed it
        byte[] rest = readSegments(segmentsStored);
        if (rest == null) { // deleted by the end of that run: the completed file holds the same bytes
            completedLength = length(key);
            if (completedLength == null || completedLength < file.bytes() + stagedLength) {
                throw new SluiceException(subject + ": cannot resume part file '" + key + "': the staged objects"
                        + " holding its last " + stagedLength + " bytes are gone and the file was not completed;"
                        + " its output after the last commit is lost — delete the checkpoint to start over");
            }
            rest = range(key, file.bytes(), file.bytes() + stagedLength);
        } else {
            for (long[] segment : segmentsStored) {
                segments.add(segment.clone());
                staged.put(segment[0], stagingKey(segment[0]));
            }
            stagedUpTo = rest.length;
        }
        buffer.write(rest, 0, rest.length);
        if (file.upload() == null) {
            return;
        }
        if (uploadHolds(key, file.upload(), file.parts())) {
            upload = file.upload();
            etags = new ArrayList<>(file.parts());
            uploaded = file.bytes();
            return;
        }
        if (completedLength == null) {
            completedLength = length(key);
        }
        if (completedLength == null || completedLength < file.bytes()) {
            throw new SluiceException(subject + ": cannot resume part file '" + key + "': its upload "
                    + file.upload() + " is gone and the file was not completed; its output after the last commit is"
                    + " lost — delete the checkpoint to start over");
        }
        upload = createUpload(key);
        long pieces = Math.max(1, (file.bytes() + COPY_PIECE - 1) / COPY_PIECE);
        long from = 0;
        for (int i = 1; i <= pieces; i++) {
            long to = i == pieces ? file.bytes() : file.bytes() * i / pieces;
            etags.add(copyPart(key, i, from, to));
            from = to;
        }
        uploaded = file.bytes();
    }

    /** The bytes of the staged objects, in order; {@code null} if one of them is gone. */
    private byte[] readSegments(List<long[]> stored) {
        Bytes rest = new Bytes(1024);
        for (long[] segment : stored) {
            String key = stagingKey(segment[0]);
            byte[] bytes;
            try {
                bytes = s3.client()
                        .getObjectAsBytes(b -> b.bucket(location.bucket()).key(key))
                        .asByteArray();
            } catch (SdkException e) {
                if (Failures.notFound(e)) {
                    return null;
                }
                throw failure("reading the staged object '" + key + "'", e);
            }
            if (bytes.length != segment[1]) {
                throw new SluiceException(subject + ": the staged object '" + key + "' holds " + bytes.length
                        + " bytes but the stored position says " + segment[1] + "; it was changed outside the graph");
            }
            rest.write(bytes, 0, bytes.length);
        }
        return rest.copy(0, rest.size());
    }

    private byte[] range(String key, long from, long to) {
        if (to == from) {
            return new byte[0];
        }
        try {
            return s3.client()
                    .getObjectAsBytes(b -> b.bucket(location.bucket()).key(key).range("bytes=" + from + "-" + (to - 1)))
                    .asByteArray();
        } catch (SdkException e) {
            throw failure("reading bytes " + from + " to " + to + " of '" + key + "'", e);
        }
    }

    /**
     * Whether upload {@code id} is still in progress with the parts {@code etags} (as numbers 1 to n): an upload that
     * was completed is gone on S3, but some compatible servers still list it, without the parts it consumed.
     */
    private boolean uploadHolds(String key, String id, List<String> etags) {
        Map<Integer, String> found = new java.util.HashMap<>();
        Integer marker = null;
        try {
            while (true) {
                Integer after = marker;
                var page = s3.client().listParts(b -> b.bucket(location.bucket())
                        .key(key)
                        .uploadId(id)
                        .partNumberMarker(after));
                page.parts().forEach(part -> found.put(part.partNumber(), part.eTag()));
                if (!Boolean.TRUE.equals(page.isTruncated()) || page.nextPartNumberMarker() == null) {
                    break;
                }
                marker = page.nextPartNumberMarker();
            }
        } catch (SdkException e) {
            if (Failures.notFound(e)) {
                return false;
            }
            throw failure("reading the upload " + id + " of part file '" + key + "'", e);
        }
        for (int i = 0; i < etags.size(); i++) {
            if (!etags.get(i).equals(found.get(i + 1))) {
                return false;
            }
        }
        return true;
    }

    private String copyPart(String key, int number, long from, long to) {
        String id = upload;
        try {
            return s3.client()
                    .uploadPartCopy(b -> b.sourceBucket(location.bucket())
                            .sourceKey(key)
                            .destinationBucket(location.bucket())
                            .destinationKey(key)
                            .uploadId(id)
                            .partNumber(number)
                            .copySourceRange("bytes=" + from + "-" + (to - 1)))
                    .copyPartResult()
                    .eTag();
        } catch (SdkException e) {
            throw failure("copying bytes " + from + " to " + to + " of '" + key + "' into a new upload", e);
        }
    }

    /**
     * Removes what this instance wrote after a position: uploads it does not hold, part files numbered {@code from}
     * on, staged objects it does not hold. Returns how many of each.
     */
    private int[] cleanUp(long from) {
        int[] counts = new int[3];
        for (MultipartUpload other : uploads()) {
            if (!other.uploadId().equals(upload)) {
                abort(other.key(), other.uploadId());
                counts[0]++;
            }
        }
        List<String> files = new ArrayList<>();
        listObjects(
                partPrefix,
                o -> {
                    Long number = partNumber(o.key());
                    if (number != null && number >= from) {
                        files.add(o.key());
                    }
                },
                Integer.MAX_VALUE);
        delete(files);
        counts[1] = files.size();
        Set<Long> held = new HashSet<>();
        segments.forEach(s -> held.add(s[0]));
        List<String> stale = new ArrayList<>();
        listObjects(
                stagingPrefix,
                o -> {
                    String rest = o.key().substring(stagingPrefix.length());
                    if (rest.matches("\\d+") && !held.contains(Long.parseLong(rest))) {
                        stale.add(o.key());
                    }
                },
                Integer.MAX_VALUE);
        delete(stale);
        counts[2] = stale.size();
        return counts;
    }

    /** The sequence number of part file {@code key} of this instance, or {@code null} if it is not one. */
    private Long partNumber(String key) {
        Matcher m = partName.matcher(key);
        return m.matches() ? Long.valueOf(m.group(1)) : null;
    }

    /** This instance's multipart uploads in progress. */
    private List<MultipartUpload> uploads() {
        List<MultipartUpload> found = new ArrayList<>();
        String keyMarker = null;
        String idMarker = null;
        while (true) {
            String key = keyMarker;
            String id = idMarker;
            ListMultipartUploadsResponse page;
            try {
                page = s3.client().listMultipartUploads(b -> b.bucket(location.bucket())
                        .prefix(partPrefix)
                        .keyMarker(key)
                        .uploadIdMarker(id));
            } catch (SdkException e) {
                throw failure("listing the uploads in progress under '" + partPrefix + "'", e);
            }
            for (MultipartUpload u : page.uploads()) {
                if (partNumber(u.key()) != null) {
                    found.add(u);
                }
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                return found;
            }
            keyMarker = page.nextKeyMarker();
            idMarker = page.nextUploadIdMarker();
        }
    }

    private void abort(String key, String id) {
        try {
            s3.client()
                    .abortMultipartUpload(
                            b -> b.bucket(location.bucket()).key(key).uploadId(id));
        } catch (SdkException e) {
            if (!Failures.notFound(e)) {
                throw failure("aborting the upload " + id + " of '" + key + "'", e);
            }
        }
    }

    private void listObjects(String prefix, java.util.function.Consumer<S3Object> each, int max) {
        String token = null;
        int seen = 0;
        while (true) {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
                    .bucket(location.bucket())
                    .prefix(prefix)
                    .maxKeys(Math.min(1000, max));
            if (token != null) {
                request.continuationToken(token);
            }
            ListObjectsV2Response page;
            try {
                page = s3.client().listObjectsV2(request.build());
            } catch (SdkException e) {
                throw failure("listing the objects under '" + prefix + "'", e);
            }
            for (S3Object object : page.contents()) {
                each.accept(object);
                seen++;
            }
            if (seen >= max || !Boolean.TRUE.equals(page.isTruncated()) || page.nextContinuationToken() == null) {
                return;
            }
            token = page.nextContinuationToken();
        }
    }

    private void deleteStaged(Map<Long, String> which) {
        if (which.isEmpty()) {
            return;
        }
        delete(new ArrayList<>(which.values()));
        which.keySet().forEach(staged::remove);
    }

    /**
     * Deletes {@code keys} one by one: S3-compatible servers that do not take the checksum header the SDK adds to a
     * batch delete (s3proxy) take these, and a sink deletes a few objects at a time.
     */
    private void delete(List<String> keys) {
        for (String key : keys) {
            try {
                s3.client().deleteObject(b -> b.bucket(location.bucket()).key(key));
            } catch (SdkException e) {
                if (!Failures.notFound(e)) {
                    throw failure("deleting '" + key + "'", e);
                }
            }
        }
    }

    // ---- starting ----

    /** Starts afresh unless resumed: after this instance's existing part files, clearing what a dead run left. */
    private void start() {
        if (started) {
            return;
        }
        started = true;
        long[] last = {-1};
        listObjects(
                partPrefix,
                o -> {
                    Long number = partNumber(o.key());
                    if (number != null) {
                        last[0] = Math.max(last[0], number);
                    }
                },
                Integer.MAX_VALUE);
        seq = last[0] + 1;
        int aborted = 0;
        for (MultipartUpload u : uploads()) {
            abort(u.key(), u.uploadId());
            aborted++;
        }
        List<String> stale = new ArrayList<>();
        listObjects(stagingPrefix, o -> stale.add(o.key()), Integer.MAX_VALUE);
        delete(stale);
        if (seq > 0 || aborted > 0 || !stale.isEmpty()) {
            LOG.info(
                    "{}: starting at part file '{}', after the files of earlier runs; aborted {} uploads and deleted {}"
                            + " staged objects that no position holds",
                    subject,
                    partKey(seq),
                    aborted,
                    stale.size());
        }
    }

    private void checkProbation(long now) {
        if (!twoPhase && !completeOnRoll && now - openedNanos >= TimeUnit.SECONDS.toNanos(PROBATION_SECONDS)) {
            completeOnRoll = true;
            LOG.info(
                    "{}: no position asked for in {} s, so nothing commits this run (LOCAL without checkpoints):"
                            + " part files complete as they roll (at-least-once)",
                    subject,
                    PROBATION_SECONDS);
            completePending();
        }
    }

    @Override
    public void close() {
        try {
            if (started && !twoPhase && !completed && s3 != null) {
                roll(); // nothing resumes a run without positions: what it wrote becomes visible now
                completePending();
                deleteStaged(new TreeMap<>(staged));
            }
        } finally {
            if (uploader != null) {
                uploader.shutdownNow(); // a part still in flight is not needed: a restart goes by the position
            }
            if (s3 != null) {
                s3.close();
            }
        }
    }

    private SluiceException failure(String doing, SdkException e) {
        return Failures.of(subject, doing, e, s3, location.bucket());
    }
}
