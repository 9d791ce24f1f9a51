package io.sluice.kafka.internal;

import io.sluice.SluiceException;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.TopicPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;

/** Makes the topics of a plan exist, as planned, before any worker starts. */
final class Topics {

    private Topics() {}

    /**
     * Checks that the cluster answers, creates the missing topics, refuses existing ones with too few partitions, and
     * waits until every partition has a leader.
     *
     * @throws SluiceException naming the bootstrap address, or the topic and what it needs
     */
    static void ensure(Admin admin, TopicPlan plan, KafkaOptions options) {
        long timeoutMs = options.timeout().toMillis();
        try {
            admin.describeCluster().clusterId().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(options, e instanceof ExecutionException ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException("Interrupted while connecting to Kafka at '" + options.bootstrapServers() + "'");
        }
        try {
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<String> names =
                    plan.topics().stream().map(TopicPlan.Topic::name).toList();
            List<String> present = names.stream().filter(existing::contains).toList();
            if (!present.isEmpty()) {
                Map<String, TopicDescription> described =
                        admin.describeTopics(present).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
                List<String> problems = new ArrayList<>();
                for (TopicDescription description : described.values()) {
                    TopicPlan.Topic wanted = plan.topic(description.name());
                    if (description.partitions().size() < wanted.partitions()) {
                        problems.add("Topic '" + description.name() + "' exists with "
                                + description.partitions().size()
                                + " partitions but needs " + wanted.partitions() + " (" + wanted.purpose()
                                + ", read by a node of that parallelism); add partitions to it or delete it");
                    }
                }
                if (!problems.isEmpty()) {
                    throw new SluiceException(String.join("\n", problems));
                }
            }
            List<NewTopic> missing = plan.topics().stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(t -> {
                        NewTopic topic = new NewTopic(t.name(), t.partitions(), t.replicationFactor());
                        return t.compacted()
                                ? topic.configs(
                                        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))
                                : topic;
                    })
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(timeoutMs, TimeUnit.MILLISECONDS);
            }
            awaitLeaders(admin, names, options.timeout());
        } catch (ExecutionException | TimeoutException e) {
            throw new SluiceException(
                    "Could not create the topics of graph '" + plan.graph() + "' on Kafka at '"
                            + options.bootstrapServers() + "': " + (e instanceof ExecutionException ? e.getCause() : e),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException("Interrupted while creating the topics of graph '" + plan.graph() + "'");
        }
    }

    /** Deletes every topic of the plan. */
    static void delete(Admin admin, TopicPlan plan, Duration timeout) throws Exception {
        admin.deleteTopics(plan.topics().stream().map(TopicPlan.Topic::name).toList())
                .all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    static SluiceException unreachable(KafkaOptions options, Throwable cause) {
        return new SluiceException(
                "Cannot reach Kafka at '" + options.bootstrapServers() + "' within "
                        + options.timeout().toMillis() + " ms ("
                        + cause.getClass().getSimpleName() + "); check"
                        + " KafkaOptions.bootstrapServers and that a broker is running",
                cause);
    }

    /** Waits until every partition has a leader that answers a list-offsets request: producing earlier can fail. */
    private static void awaitLeaders(Admin admin, List<String> topics, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> descriptions =
                        admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = descriptions.values().stream()
                        .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                        .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
                admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
