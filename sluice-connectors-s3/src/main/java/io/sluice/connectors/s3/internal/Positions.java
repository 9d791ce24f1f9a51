package io.sluice.connectors.s3.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * The positions the S3 source and sink hand to a checkpoint or a Kafka commit ({@link io.sluice.Resumable}), as small
 * JSON objects, so that a person reading a checkpoint sees what they mean.
 */
final class Positions {

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private Positions() {}

    /**
     * Where a source stands: in object {@code key} after {@code records} of its records, or past it ({@code records}
     * is -1) — or, with no key, before the first object.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SourcePosition(String key, long records) {
        static final SourcePosition START = new SourcePosition(null, -1);

        boolean past() {
            return records < 0;
        }
    }

    /**
     * Where a sink's output stands.
     *
     * @param seq the sequence number of the file in progress
     * @param stage the number of the last staged remainder this instance wrote (staging keys are numbered)
     * @param file the file in progress, or {@code null} if nothing is written to it yet
     * @param pending files rolled but not yet completed: completed once this position is committed
     * @param columns the CSV columns, when they were taken from the first item rather than given
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record SinkPosition(long seq, long stage, InProgress file, List<Rolled> pending, List<String> columns) {}

    /**
     * The file in progress at a position: its multipart upload, if it has one, and the ETags of its parts (the first
     * {@code bytes} bytes), then the rest in staged objects, each {@code [number, length]}, in order.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record InProgress(String upload, List<String> parts, long bytes, List<long[]> staged) {}

    /** A rolled file: its upload, complete but for {@code CompleteMultipartUpload}, of {@code length} bytes. */
    record Rolled(long seq, String upload, List<String> parts, long length) {}

    static String write(Object position) {
        try {
            return JSON.writeValueAsString(position);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write position " + position, e);
        }
    }

    /**
     * Reads a position this module wrote.
     *
     * @throws IllegalArgumentException naming what it found, if it is not one (a checkpoint of another source)
     */
    static <P> P read(String text, Class<P> type, String subject) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(subject + ": expected a stored position written by an S3 "
                    + (type == SourcePosition.class ? "source" : "sink") + " but found '"
                    + (text.length() > 200 ? text.substring(0, 200) + "…" : text)
                    + "'; the checkpoint was written for another node");
        }
    }
}
