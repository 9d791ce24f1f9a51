package io.sluice.kafka;

import io.sluice.ComputationalGraph;
import io.sluice.kafka.internal.TopicAdmin;

/** Creates a graph's topics ahead of its workers — what a Kubernetes Job does before the worker pods start. */
public final class KafkaTopics {

    private KafkaTopics() {}

    /**
     * Creates the topics of {@code graph}'s plan as a deployment would: deals with the topics an earlier deployment
     * left as {@link KafkaOptions#onExisting()} says (refusing by default; {@link OnExisting#CONTINUE} to create only
     * what is missing), creates the missing topics, refuses existing ones with too few partitions, and waits until
     * every partition has a leader.
     *
     * @return the plan
     * @throws io.sluice.SluiceException if the cluster cannot be reached in time, topics exist and {@code options}
     *     refuse them, or a topic is too narrow
     */
    public static TopicPlan create(ComputationalGraph graph, KafkaOptions options) {
        TopicPlan plan = TopicPlan.of(graph, options);
        TopicAdmin.ensure(graph, plan, options);
        return plan;
    }
}
