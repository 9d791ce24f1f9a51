package io.sluice.processes;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentStatus;
import io.sluice.LocalOptions;
import io.sluice.NodeFailedException;
import io.sluice.SluiceException;
import io.sluice.StoreView;
import io.sluice.SystemType;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.OnExisting;
import io.sluice.kafka.Workers;
import io.sluice.spi.MultiProcessRuntime;
import io.sluice.testkit.KafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LOCAL's {@link LocalOptions.Mode#MULTI_PROCESS} mode: starts a Kafka broker in the deploying process (KRaft, in a
 * directory of its own, about 3.5 s), then deploys the graph on it with the KAFKA runtime, exactly-once, one worker
 * process per node built from the options' graph factory, and stops the broker when the deployment is closed. So a
 * user gets the KAFKA runtime's isolation and recovery — a node process killed is restarted by its supervisor and
 * resumes from its committed state — without installing anything. The broker and the deployment live as long as the
 * deploying process: it is the coordinator, as the deploying JVM is for KAFKA worker processes.
 *
 * <p>Found with {@link java.util.ServiceLoader} through {@link MultiProcessRuntime}; users reach it with {@code
 * LocalOptions.defaults().withProcesses(MyGraph.class)}.
 */
public final class ProcessesRuntime implements MultiProcessRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessesRuntime.class);

    /** For {@link java.util.ServiceLoader}. */
    public ProcessesRuntime() {}

    @Override
    public Deployment deploy(ComputationalGraph graph, LocalOptions options) {
        String factory = options.graphFactory().orElseThrow();
        if (options.checkpoints().isPresent()) {
            throw new SluiceException("Graph '" + graph.name() + "': LOCAL checkpoints do not apply in MULTI_PROCESS"
                    + " mode, where each node's process recovers from the broker its deployment runs; drop"
                    + " withCheckpoints, or use MULTI_THREAD with checkpoints");
        }
        Path logs;
        try {
            logs = Files.createTempDirectory("sluice-processes-" + graph.name() + "-");
        } catch (IOException e) {
            throw new SluiceException(
                    "Graph '" + graph.name() + "': cannot create a directory for the node" + " processes' logs: "
                            + e.getMessage(),
                    e);
        }
        KafkaBroker broker = KafkaBroker.start();
        try {
            KafkaOptions kafka = KafkaOptions.of(broker.bootstrapServers())
                    .withGuarantee(Guarantee.EXACTLY_ONCE)
                    .withOnExisting(OnExisting.FRESH)
                    .withWorkers(Workers.processes(factory, logs));
            if (options.keptResults() < Integer.MAX_VALUE) {
                kafka = kafka.withKeptResults((int) options.keptResults());
            }
            Deployment deployment = graph.deploy(SystemType.KAFKA, kafka);
            LOG.info(
                    "Deployed {} in MULTI_PROCESS mode: a process per node, joined through a broker at {}; logs in {}",
                    graph.name(),
                    broker.bootstrapServers(),
                    logs);
            return new WithBroker(deployment, broker);
        } catch (RuntimeException | Error e) {
            broker.close();
            throw e;
        }
    }

    /** The KAFKA deployment, owning the broker it runs on: closing it stops both. */
    private record WithBroker(Deployment deployment, KafkaBroker broker) implements Deployment {
        @Override
        public String id() {
            return deployment.id();
        }

        @Override
        public ComputationalGraph graph() {
            return deployment.graph();
        }

        @Override
        public SystemType system() {
            return SystemType.LOCAL;
        }

        @Override
        public DeploymentStatus status() {
            return deployment.status();
        }

        @Override
        public <T> List<T> results(String endNodeId) {
            return deployment.results(endNodeId);
        }

        @Override
        public <T> io.sluice.ResultPage<T> results(String endNodeId, long from, int limit) {
            return deployment.results(endNodeId, from, limit);
        }

        @Override
        public <T> io.sluice.ResultPage<T> latestResults(String endNodeId, int limit) {
            return deployment.latestResults(endNodeId, limit);
        }

        @Override
        public StoreView store(String nodeId, String store) {
            return deployment.store(nodeId, store);
        }

        @Override
        public io.sluice.DeploymentState awaitTermination(Duration timeout) throws InterruptedException {
            return deployment.awaitTermination(timeout);
        }

        @Override
        public Optional<NodeFailedException> failure() {
            return deployment.failure();
        }

        @Override
        public boolean awaitCompletion(Duration timeout) throws InterruptedException {
            return deployment.awaitCompletion(timeout);
        }

        @Override
        public void close() {
            try {
                deployment.close();
            } finally {
                broker.close();
            }
        }
    }
}
