package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.TopicPlan;
import org.apache.kafka.clients.admin.Admin;

/** The public face of {@link Topics} for the API package: makes a plan's topics exist. */
public final class TopicAdmin {

    private TopicAdmin() {}

    /** Makes the plan's topics exist, having dealt with an earlier deployment's as {@code options} say. */
    public static void ensure(ComputationalGraph graph, TopicPlan plan, KafkaOptions options) {
        try (Admin admin = Clients.admin(options)) {
            Topics.ensure(admin, graph, plan, options);
        }
    }
}
