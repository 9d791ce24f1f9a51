package io.sluice.kafka.internal;

import io.sluice.kafka.KafkaOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads some partitions and keeps its place between calls: each {@link #catchUp} reads only what was written since the
 * last one, up to the end the partitions have when it starts (committed records only). How a deployment handle reads
 * its status and results topics, so that asking often costs what is new rather than the whole topic. One consumer
 * outside any group, made on first use and kept until {@link #close}; after that each call reads with a consumer of
 * its own, from where the follower stood. Calls are serialised.
 */
final class TopicFollower implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    /**
     * How far a {@link #catchUp} got.
     *
     * @param atEnd whether every partition was read to the end it had when the call started
     * @param ends those ends, by partition; empty if the call could not learn them
     * @param reached the offset each partition was read to
     */
    record Progress(boolean atEnd, Map<TopicPartition, Long> ends, Map<TopicPartition, Long> reached) {}

    private final KafkaOptions options;
    private final String clientId;
    private final Map<TopicPartition, Long> next = new HashMap<>(); // where to read on, by partition
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaConsumer<byte[], byte[]> watermarks; // asks for high watermarks only; made on first use
    private boolean positioned; // whether the consumer stands where `next` says, on exactly these partitions
    private boolean closed;
    private long recordsRead;

    TopicFollower(KafkaOptions options, String clientId) {
        this.options = options;
        this.clientId = clientId;
    }

    /**
     * Hands every record written to {@code partitions} since the last call to {@code apply}, up to the end they have
     * now, unless {@code timeout} passes first. A partition read for the first time is read from its beginning. If
     * {@code apply} throws, the record is read again by the next call.
     */
    synchronized Progress catchUp(
            List<TopicPartition> partitions, Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> apply) {
        return catchUp(partitions, timeout, apply, false);
    }

    /**
     * As {@link #catchUp(List, Duration, Consumer)}; when {@code settled} — every writer of the partitions has finished
     * and committed, as the workers of a completed deployment have — up to the partitions' high watermark rather than
     * their last stable offset. A transaction's commit returns before its markers reach the partitions it wrote, and
     * until they do, a read_committed reader's end stops short of the transaction: read right after a deployment
     * completed, the last results would be missing.
     */
    synchronized Progress catchUp(
            List<TopicPartition> partitions,
            Duration timeout,
            Consumer<ConsumerRecord<byte[], byte[]>> apply,
            boolean settled) {
        long deadline = System.nanoTime() + timeout.toNanos();
        KafkaConsumer<byte[], byte[]> reader = reader();
        try {
            position(reader, partitions);
            Map<TopicPartition, Long> ends;
            try {
                ends = settled
                        ? watermarks().endOffsets(partitions, left(deadline))
                        : reader.endOffsets(partitions, left(deadline));
            } catch (TimeoutException e) {
                return new Progress(false, Map.of(), reached(partitions));
            }
            while (true) {
                boolean atEnd = true;
                for (TopicPartition partition : partitions) {
                    long at = reader.position(partition, left(deadline));
                    next.put(partition, at);
                    atEnd &= at >= ends.get(partition);
                }
                if (atEnd || System.nanoTime() - deadline >= 0) {
                    return new Progress(atEnd, ends, reached(partitions));
                }
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(min(POLL, left(deadline)))) {
                    apply.accept(record);
                    recordsRead++;
                    next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                }
            }
        } catch (TimeoutException e) {
            return new Progress(false, Map.of(), reached(partitions));
        } catch (RuntimeException e) {
            positioned = false; // the consumer may stand past a record not applied
            throw e;
        } finally {
            release(reader);
        }
    }

    /**
     * Reads {@code partition} again from {@code offset}, handing records to {@code take} until it returns false or the
     * read reaches where the follower stands — what it has read before, without moving the follower.
     *
     * @return false if {@code timeout} passed first
     */
    synchronized boolean reread(
            TopicPartition partition, long offset, Duration timeout, Predicate<ConsumerRecord<byte[], byte[]>> take) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long stop = next.getOrDefault(partition, offset);
        KafkaConsumer<byte[], byte[]> reader = reader();
        positioned = false;
        try {
            reader.assign(List.of(partition));
            reader.seek(partition, offset);
            while (reader.position(partition, left(deadline)) < stop) {
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(min(POLL, left(deadline)))) {
                    if (record.offset() >= stop || !take.test(record)) {
                        return true;
                    }
                }
            }
            return true;
        } catch (TimeoutException e) {
            return false;
        } finally {
            release(reader);
        }
    }

    /** The first offset {@code partition} still holds (older records were deleted by retention). */
    synchronized long beginning(TopicPartition partition, Duration timeout) {
        KafkaConsumer<byte[], byte[]> reader = reader();
        try {
            return reader.beginningOffsets(List.of(partition), timeout).get(partition);
        } finally {
            release(reader);
        }
    }

    /** Records handed on so far: how tests see that a follower reads only what is new. */
    synchronized long recordsRead() {
        return recordsRead;
    }

    /** Closes the consumer; later calls read with one of their own, from where the follower stood. */
    @Override
    public synchronized void close() {
        closed = true;
        if (consumer != null) {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            consumer = null;
        }
        if (watermarks != null) {
            watermarks.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            watermarks = null;
        }
    }

    private KafkaConsumer<byte[], byte[]> watermarks() {
        if (watermarks == null) {
            watermarks = Clients.watermarkReader(options, clientId + "-watermarks");
        }
        return watermarks;
    }

    private KafkaConsumer<byte[], byte[]> reader() {
        if (closed) {
            positioned = false;
            return Clients.reader(options, clientId + "-once");
        }
        if (consumer == null) {
            consumer = Clients.reader(options, clientId);
            positioned = false;
        }
        return consumer;
    }

    private void release(KafkaConsumer<byte[], byte[]> reader) {
        if (reader != consumer) {
            reader.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void position(KafkaConsumer<byte[], byte[]> reader, List<TopicPartition> partitions) {
        if (positioned && reader.assignment().equals(new HashSet<>(partitions))) {
            return;
        }
        reader.assign(partitions);
        for (TopicPartition partition : partitions) {
            Long offset = next.get(partition);
            if (offset == null) {
                reader.seekToBeginning(List.of(partition));
            } else {
                reader.seek(partition, offset);
            }
        }
        positioned = true;
    }

    private Map<TopicPartition, Long> reached(List<TopicPartition> partitions) {
        Map<TopicPartition, Long> reached = new HashMap<>();
        for (TopicPartition partition : partitions) {
            reached.put(partition, next.getOrDefault(partition, 0L));
        }
        return reached;
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
