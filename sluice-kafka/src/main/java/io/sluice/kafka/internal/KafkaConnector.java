package io.sluice.kafka.internal;

import io.sluice.EndNode;
import io.sluice.StartNode;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.KafkaSinks;
import io.sluice.kafka.KafkaSources;
import io.sluice.spi.Connector;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code kafka://topic} in a pipeline: a topic outside the graph, read from the beginning (or where the node's consumer
 * group {@code <graph>.<node>} stands) or written to. The cluster is the setting {@code bootstrap}, else the system
 * property {@value KafkaOptions#BOOTSTRAP_PROPERTY} (which {@code sluice run --bootstrap} sets), else the setting
 * {@code runtime-bootstrap} (the pipeline reader passes {@code runtime.bootstrap} there), else the environment's {@value
 * KafkaOptions#BOOTSTRAP_ENV}, looked up when the node is made.
 *
 * <p>Settings: {@code bootstrap}; for a source {@code format} ({@code text}, the default: values as UTF-8 text;
 * {@code json}: values as JSON) and {@code until} ({@code end}: a bounded read up to the offsets the topic had when the
 * node opened); for a sink nothing else (strings as UTF-8, other items as JSON).
 */
public final class KafkaConnector implements Connector {

    private static final java.util.regex.Pattern TOPIC = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,249}");

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("kafka");
    }

    @Override
    public Set<String> settings() {
        return Set.of("bootstrap", "runtime-bootstrap", "format", "until");
    }

    @Override
    public Supplier<? extends StartNode<?>> source(String location, Map<String, String> settings) {
        String topic = topic(location);
        String format = settings.getOrDefault("format", "text");
        if (!format.equals("text") && !format.equals("json")) {
            throw new IllegalArgumentException(
                    "'" + location + "': setting 'format' must be text or json, found '" + format + "'");
        }
        String until = settings.get("until");
        if (until != null && !until.equals("end")) {
            throw new IllegalArgumentException("'" + location + "': setting 'until' must be end (a bounded read up to"
                    + " the offsets the topic had when the node opened), found '" + until + "'");
        }
        return () -> {
            // exactly-once options: the consumer reads committed records only
            KafkaOptions options = KafkaOptions.of(cluster(location, settings)).withGuarantee(Guarantee.EXACTLY_ONCE);
            KafkaSources.Topic<?> read = format.equals("json")
                    ? KafkaSources.topic(options, topic)
                    : KafkaSources.topic(options, topic).asStrings();
            return (until == null ? read : read.untilEnd()).get();
        };
    }

    @Override
    public Supplier<? extends EndNode<?>> sink(String location, Map<String, String> settings) {
        String topic = topic(location);
        if (settings.containsKey("format") || settings.containsKey("until")) {
            throw new IllegalArgumentException("'" + location + "': a Kafka sink takes only the setting 'bootstrap'"
                    + " (strings are written as UTF-8, other items as JSON)");
        }
        return () -> KafkaSinks.topic(KafkaOptions.of(cluster(location, settings)), topic)
                .get();
    }

    /** The topic of {@code kafka://topic}, checked to be a name Kafka takes. */
    static String topic(String location) {
        String topic = location.substring("kafka://".length());
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException("'" + location + "': expected kafka://TOPIC with a topic name of 1 to"
                    + " 249 letters, digits, '.', '_' and '-', found '" + topic + "'");
        }
        return topic;
    }

    private static String cluster(String location, Map<String, String> settings) {
        for (String cluster : new String[] {
            settings.get("bootstrap"),
            System.getProperty(KafkaOptions.BOOTSTRAP_PROPERTY),
            settings.get("runtime-bootstrap"),
            System.getenv(KafkaOptions.BOOTSTRAP_ENV)
        }) {
            if (cluster != null && !cluster.isBlank()) {
                return cluster;
            }
        }
        throw new IllegalArgumentException("'" + location + "': no Kafka cluster; set bootstrap: HOST:PORT next to"
                + " it, runtime.bootstrap in the pipeline, --bootstrap on the command line, or "
                + KafkaOptions.BOOTSTRAP_ENV);
    }
}
