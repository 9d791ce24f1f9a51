package io.sluice.state.dynamodb;

import io.sluice.DeploymentOptions;
import io.sluice.GraphFactory;
import io.sluice.StoreSpec;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.Workers;
import io.sluice.testkit.ExternalStoreCrashContract;
import io.sluice.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The crash and outage suite of external stores, on dynalite; a server of a test's own keeps its tables on disk, so
 * that a restart loses nothing the store committed.
 */
class DynamoDbCrashTest extends ExternalStoreCrashContract {

    /**
     * dynalite writes a batch in tens of milliseconds, which the runs that commit after every batch wait for: with
     * 150,000 items rather than 400,000 the three LOCAL tests took 73 s rather than 176 s, each killed mid-run.
     */
    @Override
    protected long localItems() {
        return 150_000;
    }

    /** A server as the suite sees it: one table per store and graph. */
    record Server(Dynalite server, boolean own) implements StoreServer {

        @Override
        public StoreSpec store(String store, String graph, Duration retryFor) {
            return StoreSpec.of(
                    store,
                    DynamoDbBackend.NAME,
                    Map.of(
                            DynamoDbBackend.ENDPOINT,
                            server.endpoint(),
                            DynamoDbBackend.REGION,
                            Dynalite.REGION,
                            DynamoDbBackend.TABLE,
                            "crash-" + graph + "-" + store,
                            // a worker restarted on a starved machine connects slowly; a stopped server refuses at once
                            DynamoDbBackend.CONNECT_TIMEOUT,
                            "10s",
                            DynamoDbBackend.RETRY_TIMEOUT,
                            retryFor.toMillis() + "ms"));
        }

        @Override
        public String address() {
            return "127.0.0.1:" + server.port();
        }

        @Override
        public void stop() {
            server.stop();
        }

        @Override
        public void start() {
            server.restart();
        }

        @Override
        public void close() {
            if (own) {
                server.close();
            }
        }
    }

    @Override
    protected StoreServer sharedServer() {
        return new Server(Dynalite.shared(), false);
    }

    @Override
    protected StoreServer ownServer() {
        return new Server(Dynalite.startPersistent(), true);
    }

    /** The test credentials {@link Dynalite} sets in this JVM, for the child JVMs. */
    @Override
    protected List<String> childJvmOptions() {
        return List.of(
                "-Daws.accessKeyId=" + System.getProperty("aws.accessKeyId"),
                "-Daws.secretAccessKey=" + System.getProperty("aws.secretAccessKey"),
                "-Daws.disableEc2Metadata=true");
    }

    @Override
    protected DeploymentOptions kafkaProcesses(
            Class<? extends GraphFactory> factory, Path logs, List<String> jvmOptions) {
        return KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(Guarantee.EXACTLY_ONCE)
                .withDeleteTopicsOnClose(true)
                .withWorkers(Workers.processes(factory, logs).withJvmOptions(jvmOptions));
    }
}
