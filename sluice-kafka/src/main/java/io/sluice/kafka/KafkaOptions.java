package io.sluice.kafka;

import io.sluice.DeploymentOptions;
import io.sluice.SystemType;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link SystemType#KAFKA} deployment.
 *
 * <pre>{@code
 * graph.deploy(SystemType.KAFKA, KafkaOptions.of("localhost:9092").withGuarantee(Guarantee.EXACTLY_ONCE));
 * }</pre>
 *
 * @param bootstrapServers the Kafka cluster, {@code host:port[,host:port…]}
 * @param guarantee at-least-once (default) or exactly-once
 * @param replicationFactor replicas of each topic the deployment creates; 1 for a single broker
 * @param deleteTopicsOnClose whether {@link io.sluice.Deployment#close()} deletes the graph's topics
 * @param timeout how long to wait for the cluster before reporting it unreachable, and for workers to stop
 * @param serde how items are encoded in records
 * @param clientProperties extra Kafka client settings (security, tuning) given to every producer, consumer and admin
 * @param workers where the workers run: threads of this JVM (default) or one process per node
 * @param commitInterval how often a worker commits its progress: flushes and commits offsets (at-least-once), or
 *     commits its transaction (exactly-once). Longer means fewer, larger commits: more throughput, and — under
 *     exactly-once, where downstream sees output only once committed — more latency
 * @param onExisting what a deployment does when the graph's topics already exist on the cluster, left by an earlier
 *     deployment of a graph of the same name: {@link OnExisting#REFUSE} (default), {@link OnExisting#FRESH} or
 *     {@link OnExisting#CONTINUE}
 * @param allowedTypes the item types of the user's own that the JSON serde moves, beyond those always allowed: a
 *     node that emits (or stores, or keeps as a result) an item of another type fails the deployment on the spot,
 *     naming the node and the class, and a record whose type header names another class is refused unread. Nothing by
 *     default; see {@link AllowedTypes} and {@code docs/kafka-records.md}
 * @param keptResults how many of the latest results of each end node a deployment handle keeps in memory to answer
 *     {@link io.sluice.Deployment#results} from; older pages are read again from the results topic. {@value
 *     #DEFAULT_KEPT_RESULTS} by default
 * @param elasticNodes the nodes whose instances share their input partitions by consumer-group membership, so that
 *     extra workers can join them while they run; none by default (every node's assignment is static). See {@link
 *     #withElasticNodes}
 */
public record KafkaOptions(
        String bootstrapServers,
        Guarantee guarantee,
        short replicationFactor,
        boolean deleteTopicsOnClose,
        Duration timeout,
        Serde serde,
        Map<String, String> clientProperties,
        Workers workers,
        Duration commitInterval,
        OnExisting onExisting,
        AllowedTypes allowedTypes,
        int keptResults,
        java.util.Set<String> elasticNodes)
        implements DeploymentOptions {

    /** How many of the latest results of each end node a deployment keeps in memory unless set otherwise. */
    public static final int DEFAULT_KEPT_RESULTS = 100_000;

    /**
     * The system property that names the cluster of {@code kafka://} locations given without one ({@code sluice run
     * --bootstrap} sets it).
     */
    public static final String BOOTSTRAP_PROPERTY = "sluice.kafka.bootstrap";

    /** The environment variable that names the cluster when nothing else does. */
    public static final String BOOTSTRAP_ENV = "SLUICE_KAFKA_BOOTSTRAP";

    public KafkaOptions {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("KafkaOptions.bootstrapServers: expected host:port[,host:port…] but"
                    + " found " + (bootstrapServers == null ? "null" : "'" + bootstrapServers + "'"));
        }
        Objects.requireNonNull(guarantee, "guarantee");
        if (replicationFactor < 1) {
            throw new IllegalArgumentException(
                    "KafkaOptions.replicationFactor: must be ≥ 1, found " + replicationFactor);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("KafkaOptions.timeout: must be positive, found " + timeout);
        }
        Objects.requireNonNull(serde, "serde");
        clientProperties = Map.copyOf(clientProperties);
        Objects.requireNonNull(workers, "workers");
        if (commitInterval == null || commitInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "KafkaOptions.commitInterval: must be zero or positive, found " + commitInterval);
        }
        Objects.requireNonNull(onExisting, "onExisting");
        Objects.requireNonNull(allowedTypes, "allowedTypes");
        if (keptResults < 1) {
            throw new IllegalArgumentException("KafkaOptions.keptResults: must be ≥ 1, found " + keptResults);
        }
        elasticNodes = java.util.Set.copyOf(elasticNodes);
    }

    /**
     * At-least-once, replication 1, topics kept on close, a 30 s timeout, JSON, workers on threads, commits every
     * 100 ms, refuses to deploy over topics an earlier deployment left, moves only the item types always allowed
     * (see {@link AllowedTypes}), keeps the latest {@value #DEFAULT_KEPT_RESULTS} results of each end node in memory.
     */
    public static KafkaOptions of(String bootstrapServers) {
        return new KafkaOptions(
                bootstrapServers,
                Guarantee.AT_LEAST_ONCE,
                (short) 1,
                false,
                Duration.ofSeconds(30),
                Serdes.json(),
                Map.of(),
                Workers.threads(),
                Duration.ofMillis(100),
                OnExisting.REFUSE,
                AllowedTypes.none(),
                DEFAULT_KEPT_RESULTS,
                java.util.Set.of());
    }

    @Override
    public SystemType system() {
        return SystemType.KAFKA;
    }

    public KafkaOptions withBootstrapServers(String bootstrapServers) {
        return new KafkaOptions(
                bootstrapServers,
                guarantee,
                replicationFactor,
                deleteTopicsOnClose,
                timeout,
                serde,
                clientProperties,
                workers,
                commitInterval,
                onExisting,
                allowedTypes,
                keptResults,
                elasticNodes);
    }

    public KafkaOptions withGuarantee(Guarantee guarantee) {
        return new KafkaOptions(
                bootstrapServers,
                guarantee,
                replicationFactor,
                deleteTopicsOnClose,
                timeout,
                serde,
                clientProperties,
                workers,
                commitInterval,
                onExisting,
                allowedTypes,
                keptResults,
                elasticNodes);
    }

    public KafkaOptions withReplicationFactor(int replicationFactor) {
        return new KafkaOptions(
                bootstrapServers,
                guarantee,
                (short) replicationFactor,
                deleteTopicsOnClose,
                timeout,
                serde,
                clientProperties,
                workers,
                commitInterval,
                onExisting,
                allowedTypes,
                keptResults,
                elasticNodes);
    }

    public KafkaOptions withDeleteTopicsOnClose(boolean deleteTopicsOnClose) {
        return new KafkaOptions(
                bootstrapServers,
                guarantee,
                replicationFactor,
                deleteTopicsOnClose,
                timeout,
                serde,
                clientProperties,
                workers,
                commitInterval,
                onExisting,
                allowedTypes,
                keptResults,
                elasticNodes);
    }

    public KafkaOptions withTimeout(Duration timeout) {
        return new KafkaOptions(
                bootstrapServers,
                guarantee,
                replicationFactor,
                deleteTopicsOnClose,
                timeout,
                serde,
                clientProperties,
                workers,
                commitInterval,
                onExisting,
                allowedTypes,
                keptResults,
                elasticNodes);
    }

    public KafkaOptions withSerde(Serde serde) {
        return new KafkaOptions(
                bootstrapServers,
                guarantee,
                replicationFactor,
                deleteTopicsOnClose,
                timeout,
                serde,
                clientProperties,
                workers,
                commitInterval,
                onExisting,
                allowedTypes,
                keptResults,
                elasticNodes);
    }

    public KafkaOptions withWorkers(Workers workers) {
        return new KafkaOptions(
                bootstrapServers,
                guarantee,
                replicationFactor,
                deleteTopicsOnClose,
                timeout,
                serde,
                clientProperties,
                workers,
                commitInterval,
                onExisting,
                allowedTypes,
                keptResults,
                elasticNodes);
    }

    public KafkaOptions withCommitInterval(Duration commitInterval) {
        return new KafkaOptions(
                bootstrapServers,
                guarantee,
                replicationFactor,
                deleteTopicsOnClose,
                timeout,
                serde,
                clientProperties,
                workers,
                commitInterval,
                onExisting,
                allowedTypes,
                keptResults,
                elasticNodes);
    }

    public KafkaOptions withClientProperties(Map<String, String> clientProperties) {
        return new KafkaOptions(
                bootstrapServers,
                guarantee,
                replicationFactor,
                deleteTopicsOnClose,
                timeout,
                serde,
                clientProperties,
                workers,
                commitInterval,
                onExisting,
                allowedTypes,
                keptResults,
                elasticNodes);
    }

    /** These options with another choice for what an earlier deployment of the graph left; see {@link OnExisting}. */
    public KafkaOptions withOnExisting(OnExisting onExisting) {
        return new KafkaOptions(
                bootstrapServers,
                guarantee,
                replicationFactor,
                deleteTopicsOnClose,
                timeout,
                serde,
                clientProperties,
                workers,
                commitInterval,
                onExisting,
                allowedTypes,
                keptResults,
                elasticNodes);
    }

    /**
     * These options, allowing {@code types} too: the JSON serde moves items of these classes (an array class stands for
     * its element class). Adds to the types allowed so far.
     *
     * <pre>{@code
     * KafkaOptions.of("kafka:9092").withAllowedTypes(WordCount.Count.class)
     * }</pre>
     */
    public KafkaOptions withAllowedTypes(Class<?>... types) {
        return withAllowedTypes(allowedTypes.withClasses(types));
    }

    /**
     * These options, allowing every class of the packages {@code names} and of their subpackages too ({@code
     * "com.acme.model"}). Adds to the types allowed so far.
     */
    public KafkaOptions withAllowedPackages(String... names) {
        return withAllowedTypes(allowedTypes.withPackages(names));
    }

    /** These options with exactly {@code allowedTypes} allowed beyond the types always allowed. */
    public KafkaOptions withAllowedTypes(AllowedTypes allowedTypes) {
        return new KafkaOptions(
                bootstrapServers,
                guarantee,
                replicationFactor,
                deleteTopicsOnClose,
                timeout,
                serde,
                clientProperties,
                workers,
                commitInterval,
                onExisting,
                allowedTypes,
                keptResults,
                elasticNodes);
    }

    /** These options keeping the latest {@code keptResults} results of each end node in memory. */
    public KafkaOptions withKeptResults(int keptResults) {
        return new KafkaOptions(
                bootstrapServers,
                guarantee,
                replicationFactor,
                deleteTopicsOnClose,
                timeout,
                serde,
                clientProperties,
                workers,
                commitInterval,
                onExisting,
                allowedTypes,
                keptResults,
                elasticNodes);
    }

    /**
     * These options with {@code nodeIds} elastic: their instances read their input partitions as members of the
     * consumer group {@code <graph>.<node>} with the cooperative-sticky assignor, rather than each reading a fixed
     * share, so that extra workers of the node ({@code sluice worker --node ID --instance N} with <i>N</i> at or above
     * its parallelism) can join the running deployment and take partitions from the others. Replaces the nodes made
     * elastic so far.
     *
     * <p>Every node is static by default: a static assignment keeps each key with the same instance, which a node's
     * stores need, and makes completion exact by construction. A node may be elastic only where neither order nor
     * state ties a key to an instance: a deployment refuses, naming the node and the reason, a start node, a node with
     * stores, a node reading a broadcast or global edge, a graph input or output, the dead-letter node, a node whose
     * class overrides {@code onComplete}, and a resumable end node. The instances <i>0</i> to <i>parallelism-1</i> must
     * run, as for a static node (a supervisor or a StatefulSet restarts them): they alone write the node's end
     * markers, once every input partition has ended; extra members only process records, and leave once every input
     * partition has ended. See {@code docs/deploying.md}, Elastic nodes.
     *
     * <pre>{@code
     * KafkaOptions.of("kafka:9092").withGuarantee(Guarantee.EXACTLY_ONCE).withElasticNodes("enrich")
     * }</pre>
     */
    public KafkaOptions withElasticNodes(String... nodeIds) {
        return withElasticNodes(java.util.Set.of(nodeIds));
    }

    /** These options with exactly the nodes {@code nodeIds} elastic; see {@link #withElasticNodes(String...)}. */
    public KafkaOptions withElasticNodes(java.util.Set<String> nodeIds) {
        return new KafkaOptions(
                bootstrapServers,
                guarantee,
                replicationFactor,
                deleteTopicsOnClose,
                timeout,
                serde,
                clientProperties,
                workers,
                commitInterval,
                onExisting,
                allowedTypes,
                keptResults,
                nodeIds);
    }
}
