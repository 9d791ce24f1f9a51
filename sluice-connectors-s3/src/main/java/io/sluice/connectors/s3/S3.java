package io.sluice.connectors.s3;

import io.sluice.connectors.s3.internal.S3Location;

/**
 * Sources and sinks over S3 and S3-compatible stores (MinIO, Ceph, {@code sluice s3 dev}): where the S3 connector
 * starts.
 *
 * <pre>{@code
 * ComputationalGraph graph = ComputationalGraph.builder("orders")
 *         .start("read", S3.source("s3://raw/orders").format(Format.CSV))
 *         .node("enrich", Enrich::new)
 *         .end("write", S3.sink("s3://curated/orders").format(Format.JSON_LINES).gzip(true))
 *         .build();
 * }</pre>
 *
 * <p>Both are {@link io.sluice.Resumable}: with checkpoints ({@link io.sluice.LocalOptions#withCheckpoints}) or on
 * KAFKA, a restart reads on from the record after the last commit, and the sink's part files become visible only once
 * the position covering them is committed — every record in exactly one visible file. See {@code
 * docs/connectors-s3.md}.
 */
public final class S3 {

    private S3() {}

    /**
     * Every object under {@code location} ({@code s3://bucket/prefix}), in key order, as lines; {@link
     * S3Source#format} picks another format.
     *
     * @throws IllegalArgumentException if {@code location} is not {@code s3://bucket[/prefix]}
     */
    public static S3Source<String> source(String location) {
        return S3Source.of(S3Location.parse(location));
    }

    /**
     * Part files under {@code location} ({@code s3://bucket/prefix}), as lines; {@link S3Sink#format} picks another
     * format.
     *
     * @throws IllegalArgumentException if {@code location} is not {@code s3://bucket[/prefix]}
     */
    public static S3Sink sink(String location) {
        return S3Sink.of(S3Location.parse(location));
    }
}
