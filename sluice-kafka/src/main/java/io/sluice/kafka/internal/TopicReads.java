package io.sluice.kafka.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reading partitions from their beginning to the end they have when the read starts: how a worker restores its
 * stores and position, and how status, results and store queries are read back. One loop, so that each caller says
 * only when to give up and what to do with a record.
 */
final class TopicReads {

    private static final Duration POLL = Duration.ofMillis(100);

    private TopicReads() {}

    /**
     * Assigns {@code partitions} to {@code consumer}, seeks to their beginning and hands every record up to their
     * current end to {@code apply}. Before each poll {@code goOn} is asked, with the end offsets, whether to go on; it
     * may throw to give up with a message of its own.
     *
     * @return {@code true} once every partition was read to its end; {@code false} if {@code goOn} said stop first
     */
    static boolean toEnd(
            KafkaConsumer<byte[], byte[]> consumer,
            List<TopicPartition> partitions,
            Predicate<Map<TopicPartition, Long>> goOn,
            Consumer<ConsumerRecord<byte[], byte[]>> apply) {
        return toEnd(consumer, null, partitions, goOn, apply);
    }

    /**
     * As {@link #toEnd(KafkaConsumer, List, Predicate, Consumer)}, to the end {@code watermarks} (a read_uncommitted
     * consumer, see {@link Clients#watermarkReader}) gives when not {@code null}: the high watermark, for partitions
     * whose writers have all finished and committed. A read_committed end stops short of a transaction whose commit
     * returned until its markers reach the partition.
     */
    static boolean toEnd(
            KafkaConsumer<byte[], byte[]> consumer,
            KafkaConsumer<byte[], byte[]> watermarks,
            List<TopicPartition> partitions,
            Predicate<Map<TopicPartition, Long>> goOn,
            Consumer<ConsumerRecord<byte[], byte[]>> apply) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = (watermarks == null ? consumer : watermarks).endOffsets(partitions);
        while (!atEnd(consumer, ends)) {
            if (!goOn.test(ends)) {
                return false;
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                apply.accept(record);
            }
        }
        return true;
    }

    private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
