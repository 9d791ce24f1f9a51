package io.sluice.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.EndNode;
import io.sluice.Resumable;
import io.sluice.testkit.Measurement;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * What the S3 sink costs next to the raw SDK writing the same bytes, side by side in one run against the in-JVM
 * s3proxy: 64 MiB of 100-byte lines through the sink (one file, 8 MiB parts; once as a bounded run, once with a
 * position and its commit every 100 ms as KAFKA asks), against one PutObject of the same bytes and a multipart upload
 * of them in 8 MiB parts; and the source reading them back against one GetObject. Prints MB/s and records/s, the best
 * of three rounds after a warm-up; asserts nothing about time. Run with:
 *
 * <pre>{@code
 * ./mvnw -B -q -pl sluice-connectors-s3 -am test -Dtest=S3ThroughputTest -Dsurefire.failIfNoSpecifiedTests=false
 * grep -A12 'S3 throughput' sluice-connectors-s3/target/surefire-reports/*S3ThroughputTest-output.txt
 * }</pre>
 */
@Tag("slow")
class S3ThroughputTest {

    // of 100 bytes with their line break: 64 MiB, or 16 MiB (two parts) at the test suite's size
    private static final int RECORDS = Measurement.size(671_089, 167_773);
    private static final long PART = 8L * 1024 * 1024;
    private static final int ROUNDS = Measurement.size(5, 1);

    private static final S3TestServer S3 = S3TestServer.shared();

    private final String bucket = S3.createBucket("throughput");
    private final List<String> records = new ArrayList<>(RECORDS);
    private byte[] bytes;

    @Test
    void theSinkAndTheSourceNextToTheRawSdk() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream(RECORDS * 100);
        for (int i = 0; i < RECORDS; i++) {
            String record = String.format("%09d ", i) + "x".repeat(89);
            records.add(record);
            all.writeBytes((record + "\n").getBytes(StandardCharsets.UTF_8));
        }
        bytes = all.toByteArray();
        Map<String, Supplier<Long>> ways = new java.util.LinkedHashMap<>();
        ways.put("sink, bounded (lines)", () -> sink(false, false));
        ways.put("sink, commit every 100 ms", () -> sink(true, false));
        ways.put("sink, bounded, gzip", () -> sink(false, true));
        ways.put("raw SDK PutObject", this::putObject);
        ways.put("raw SDK multipart, 8 MiB parts", this::multipart);
        ways.put("source (lines)", this::source);
        ways.put("raw SDK GetObject", this::getObject);

        Map<String, Long> best = new java.util.LinkedHashMap<>();
        ways.forEach((name, way) -> way.get()); // warm-up
        for (int round = 0; round < ROUNDS; round++) {
            ways.forEach((name, way) -> best.merge(name, way.get(), Math::min));
        }

        StringBuilder report = new StringBuilder(String.format(
                "S3 throughput %s against s3proxy in this JVM (%d cores), %,d records of 100 bytes = %.1f MB,"
                        + " best of %d:%n",
                Measurement.describe(),
                Runtime.getRuntime().availableProcessors(),
                RECORDS,
                bytes.length / 1e6,
                ROUNDS));
        best.forEach((name, nanos) -> report.append(String.format(
                "  %-32s %7.1f MB/s %,12.0f records/s %8.0f ms%n",
                name, bytes.length / 1e6 / (nanos / 1e9), RECORDS / (nanos / 1e9), nanos / 1e6)));
        System.out.print(report);
        assertThat(best).hasSize(ways.size());
    }

    private long sink(boolean commits, boolean gzip) {
        String prefix = "sink-" + System.nanoTime();
        try {
            EndNode<Object> node = io.sluice
                    .connectors
                    .s3
                    .S3
                    .sink("s3://" + bucket + "/" + prefix)
                    .rollSize(1L << 30)
                    .partSize(PART)
                    .gzip(gzip)
                    .access(S3.access())
                    .get();
            node.open(TestContext.of("out"));
            long start = System.nanoTime();
            long nextCommit = start + 100_000_000L;
            for (String record : records) {
                node.process(record);
                if (commits && System.nanoTime() - nextCommit >= 0) {
                    String position = ((Resumable) node).position();
                    ((Resumable) node).committed(position);
                    nextCommit = System.nanoTime() + 100_000_000L;
                }
            }
            node.onComplete();
            long nanos = System.nanoTime() - start;
            node.close();
            if (!gzip) {
                assertThat(S3.client()
                                .headObject(b -> b.bucket(bucket).key(prefix + "/part-out-0-000000.txt"))
                                .contentLength())
                        .isEqualTo(bytes.length);
            }
            clear(prefix);
            return nanos;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long putObject() {
        String key = "put-" + System.nanoTime();
        long start = System.nanoTime();
        S3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
        long nanos = System.nanoTime() - start;
        S3.client().deleteObject(b -> b.bucket(bucket).key(key));
        return nanos;
    }

    private long multipart() {
        S3Client client = S3.client();
        String key = "multipart-" + System.nanoTime();
        long start = System.nanoTime();
        String upload =
                client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int from = 0, number = 1; from < bytes.length; from += (int) PART, number++) {
            int to = (int) Math.min(bytes.length, from + PART);
            int n = number;
            String etag = client.uploadPart(
                            b -> b.bucket(bucket).key(key).uploadId(upload).partNumber(n),
                            RequestBody.fromBytes(java.util.Arrays.copyOfRange(bytes, from, to)))
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
        }
        client.completeMultipartUpload(
                b -> b.bucket(bucket).key(key).uploadId(upload).multipartUpload(m -> m.parts(parts)));
        long nanos = System.nanoTime() - start;
        client.deleteObject(b -> b.bucket(bucket).key(key));
        return nanos;
    }

    private long source() {
        String prefix = "read";
        if (S3.keys(bucket, prefix + "/").isEmpty()) {
            S3.client().putObject(b -> b.bucket(bucket).key(prefix + "/data.txt"), RequestBody.fromBytes(bytes));
        }
        try {
            long start = System.nanoTime();
            List<String> read = S3SourceTest.readAll(io.sluice
                    .connectors
                    .s3
                    .S3
                    .source("s3://" + bucket + "/" + prefix)
                    .access(S3.access())
                    .get());
            long nanos = System.nanoTime() - start;
            assertThat(read).hasSize(RECORDS);
            return nanos;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long getObject() {
        String key = "read/data.txt";
        long start = System.nanoTime();
        byte[] read =
                S3.client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        long nanos = System.nanoTime() - start;
        assertThat(read).hasSize(bytes.length);
        return nanos;
    }

    private void clear(String prefix) {
        for (String key : S3.keys(bucket, prefix + "/")) {
            S3.client().deleteObject(b -> b.bucket(bucket).key(key));
        }
    }
}
