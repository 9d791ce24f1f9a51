package io.sluice.kafka;

/**
 * What a KAFKA deployment does when the cluster holds what an earlier deployment of a graph of the same name left:
 * its topics, and with them the committed offsets of its consumer groups. Deploying over them silently would process
 * nothing the old offsets cover, report COMPLETED, and return the old run's results — so the choice is explicit.
 *
 * <p>"What an earlier deployment left" is any topic of {@link TopicPlan#of} that exists. Only the deploying side
 * applies this setting ({@code graph.deploy}, {@code sluice deploy}, {@link KafkaTopics#create}); worker processes
 * and {@link KafkaDeployments#attach} join a deployment that exists, and take it as they find it.
 *
 * <pre>{@code
 * KafkaOptions.of("kafka:9092").withOnExisting(OnExisting.FRESH)    // sluice deploy --on-existing fresh
 * }</pre>
 */
public enum OnExisting {
    /**
     * Fail the deployment with a {@link io.sluice.SluiceException} naming the graph, the topics found and both ways
     * out. The default: nothing is deleted and nothing is mixed until someone has said which they want.
     */
    REFUSE,
    /**
     * Start from nothing: delete the graph's topics and its consumer groups ({@code <graph>.<node>} and {@code
     * <graph>.<node>.<instance>}, with their committed offsets), then create the topics anew. What the earlier
     * deployment wrote, results included, is gone.
     */
    FRESH,
    /**
     * Keep everything and resume: workers start from the committed offsets, ended inputs stay ended, results are
     * added to the results topics. For a deployment that crashed or was stopped before it completed.
     */
    CONTINUE;

    /** The name on the command line: {@code refuse}, {@code fresh} or {@code continue}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The setting a {@link #label()} names.
     *
     * @throws IllegalArgumentException naming the labels there are
     */
    public static OnExisting of(String label) {
        for (OnExisting value : values()) {
            if (value.label().equals(label)) {
                return value;
            }
        }
        throw new IllegalArgumentException("expected refuse, fresh or continue but found '" + label + "'");
    }
}
