package io.sluice.kafka.internal;

import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.StaleStatusException;
import io.sluice.kafka.TopicPlan;
import io.sluice.kafka.internal.StatusCodec.InstanceStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * A deployment handle's view of its graph's status topic ({@code <graph>.__status}): the latest status of every
 * instance, brought up to date by reading only what workers published since the last read. A read that cannot reach
 * the end the topic has when it starts, within its timeout, says so ({@link StaleStatusException}) rather than answer
 * with what it had.
 */
final class StatusView implements AutoCloseable {

    private final String graph;
    private final KafkaOptions options;
    private final TopicPartition partition;
    private final TopicFollower follower;
    private final Map<String, InstanceStatus> latest = new LinkedHashMap<>();

    StatusView(String graph, KafkaOptions options) {
        this.graph = graph;
        this.options = options;
        this.partition = new TopicPartition(TopicPlan.statusTopic(graph), 0);
        this.follower = new TopicFollower(options, graph + "-status-reader");
    }

    /**
     * The latest status of every instance that has published one, as of the end the topic has now.
     *
     * @throws StaleStatusException if the topic cannot be read to that end within {@code timeout}
     */
    synchronized Map<String, InstanceStatus> read(Duration timeout) {
        TopicFollower.Progress progress = follower.catchUp(List.of(partition), timeout, record -> {
            if (record.key() != null && record.value() != null) {
                latest.put(new String(record.key(), StandardCharsets.UTF_8), StatusCodec.read(record.value()));
            } else if (record.key() != null) {
                latest.remove(new String(record.key(), StandardCharsets.UTF_8)); // an instance a rescale removed
            }
        });
        if (!progress.atEnd()) {
            throw new StaleStatusException(
                    "Status of graph '" + graph + "': could not read its status topic '" + partition.topic() + "' "
                            + (progress.ends().isEmpty()
                                    ? "(nor learn where it ends)"
                                    : "to its end (offset " + progress.ends().get(partition) + "; reached "
                                            + progress.reached().get(partition) + ")")
                            + " within " + timeout.toMillis() + " ms from Kafka at '" + options.bootstrapServers()
                            + "', so the status it has would be stale; the cluster is slow or unreachable, or the"
                            + " topic is large: raise KafkaOptions.timeout",
                    null);
        }
        return new LinkedHashMap<>(latest);
    }

    /** Records read so far, for tests. */
    long recordsRead() {
        return follower.recordsRead();
    }

    @Override
    public void close() {
        follower.close();
    }
}
