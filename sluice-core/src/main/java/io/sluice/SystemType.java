package io.sluice;

/**
 * Where a graph runs. Each system's runtime is found on the class path through {@link java.util.ServiceLoader}; the
 * LOCAL runtime ships with {@code sluice-core}, the KAFKA runtime with {@code sluice-kafka}.
 */
public enum SystemType {
    /** In-process, on threads: the embedded default, nothing to install. See {@link LocalOptions}. */
    LOCAL,
    /**
     * On Kafka: each node becomes workers consuming its input topics and producing to its output topics. Needs the
     * {@code sluice-kafka} module and its {@code KafkaOptions}.
     */
    KAFKA
}
