package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.SluiceException;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.OnExisting;
import io.sluice.kafka.TopicPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Makes the topics of a plan exist, as planned, before any worker starts. */
final class Topics {

    private Topics() {}

    /** How many of the topics found a refusal names before it says how many more there are. */
    private static final int TOPICS_NAMED = 3;

    /**
     * Checks that the cluster answers, deals with the topics an earlier deployment left as {@link
     * KafkaOptions#onExisting()} says, creates the missing topics, refuses existing ones with too few partitions, and
     * waits until every partition has a leader.
     *
     * @throws SluiceException naming the bootstrap address, or the topics found and the ways out, or the topic and
     *     what it needs
     */
    static void ensure(Admin admin, ComputationalGraph graph, TopicPlan plan, KafkaOptions options) {
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
            Set<String> listed = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<String> names =
                    plan.topics().stream().map(TopicPlan.Topic::name).toList();
            List<String> left = names.stream().filter(listed::contains).toList();
            switch (options.onExisting()) {
                case REFUSE -> {
                    if (!left.isEmpty()) {
                        throw refusal(plan, options, left);
                    }
                }
                case FRESH -> deleteAll(admin, graph, plan, options.timeout());
                case CONTINUE -> {}
            }
            Set<String> existing = options.onExisting() == OnExisting.FRESH ? Set.of() : listed;
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

    /**
     * The refusal to deploy over an earlier deployment's topics: which graph, a few of the topics, and both ways out.
     */
    static SluiceException refusal(TopicPlan plan, KafkaOptions options, List<String> present) {
        String named = present.size() <= TOPICS_NAMED
                ? String.join(", ", present)
                : String.join(", ", present.subList(0, TOPICS_NAMED)) + " and " + (present.size() - TOPICS_NAMED)
                        + " more";
        return new SluiceException("Graph '" + plan.graph() + "': an earlier deployment left " + present.size()
                + " of its " + plan.topics().size() + " topics on Kafka at '" + options.bootstrapServers() + "' ("
                + named + "); expected none, as a new deployment would skip what their committed offsets cover and"
                + " report the old results as its own. To continue that deployment (after a crash), use"
                + " KafkaOptions.withOnExisting(OnExisting.CONTINUE) or sluice deploy --on-existing continue; to"
                + " start afresh, deleting its topics and committed offsets, use"
                + " KafkaOptions.withOnExisting(OnExisting.FRESH) or sluice deploy --on-existing fresh");
    }

    /**
     * Deletes every topic of the plan and the graph's consumer groups ({@code <graph>.<node>}, and {@code
     * <graph>.<node>.<instance>} behind broadcast edges) with their committed offsets, and waits until the topics are
     * gone, so that they can be created anew at once.
     */
    static void deleteAll(Admin admin, ComputationalGraph graph, TopicPlan plan, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        long timeoutMs = timeout.toMillis();
        List<String> names = plan.topics().stream().map(TopicPlan.Topic::name).toList();
        Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
        List<String> present = names.stream().filter(existing::contains).toList();
        if (!present.isEmpty()) {
            ignoring(
                    UnknownTopicOrPartitionException.class,
                    admin.deleteTopics(present).topicNameValues(),
                    timeoutMs); // another deleter may have been quicker
        }
        Pattern ours = Pattern.compile(Pattern.quote(plan.graph()) + "\\.("
                + graph.nodes().stream().map(n -> Pattern.quote(n.id())).collect(Collectors.joining("|"))
                + ")(\\.\\d+)?");
        List<String> groups = admin.listGroups().all().get(timeoutMs, TimeUnit.MILLISECONDS).stream()
                .map(GroupListing::groupId)
                .filter(id -> ours.matcher(id).matches())
                .toList();
        if (!groups.isEmpty()) {
            ignoring(
                    GroupIdNotFoundException.class,
                    admin.deleteConsumerGroups(groups).deletedGroups(),
                    timeoutMs);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Set<String> left = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            if (present.stream().noneMatch(left::contains)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException(
                        "topics of graph '" + plan.graph() + "' still listed " + timeout + " after their deletion");
            }
            Thread.sleep(50);
        }
    }

    /** Waits for every future, taking a failure of {@code ignored}'s type as done. */
    private static void ignoring(
            Class<? extends Throwable> ignored, Map<String, KafkaFuture<Void>> futures, long timeoutMs)
            throws ExecutionException, TimeoutException, InterruptedException {
        for (KafkaFuture<Void> future : futures.values()) {
            try {
                future.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!ignored.isInstance(e.getCause())) {
                    throw e;
                }
            }
        }
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
