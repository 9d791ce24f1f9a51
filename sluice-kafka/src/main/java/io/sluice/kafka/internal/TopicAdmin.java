package io.sluice.kafka.internal;

import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.TopicPlan;
import org.apache.kafka.clients.admin.Admin;

/** The public face of {@link Topics} for the API package: makes a plan's topics exist. */
public final class TopicAdmin {

    private TopicAdmin() {}

    public static void ensure(TopicPlan plan, KafkaOptions options) {
        try (Admin admin = Clients.admin(options)) {
            Topics.ensure(admin, plan, options);
        }
    }
}
