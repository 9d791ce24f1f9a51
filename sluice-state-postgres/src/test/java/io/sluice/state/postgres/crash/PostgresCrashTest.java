package io.sluice.state.postgres.crash;

import io.sluice.DeploymentOptions;
import io.sluice.GraphFactory;
import io.sluice.StoreSpec;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.Workers;
import io.sluice.state.postgres.PostgresBackend;
import io.sluice.state.postgres.PostgresServer;
import io.sluice.testkit.ExternalStoreCrashContract;
import io.sluice.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The crash and outage suite of external stores, on a real PostgreSQL server. */
class PostgresCrashTest extends ExternalStoreCrashContract {

    /** How long a store waits for a connection at most: a worker restarted on a starved machine connects slowly. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** A server as the suite sees it: one table per store and graph. */
    record Server(PostgresServer server, boolean own) implements StoreServer {

        @Override
        public StoreSpec store(String store, String graph, Duration retryFor) {
            // a lost connection is retried for retryFor (the store's retry-timeout), after 250 ms, 500 ms, 1 s, … up
            // to 10 s between two. While the server is away each attempt also waits the connect timeout for a
            // connection from the pool (a refused connect does not end the wait), so that timeout is kept within
            // retryFor: a store that is to give up after a second must not wait 10 s an attempt
            Duration connectTimeout = retryFor.compareTo(CONNECT_TIMEOUT) < 0 ? retryFor : CONNECT_TIMEOUT;
            return StoreSpec.of(
                    store,
                    PostgresBackend.NAME,
                    server.config(
                            graph + "_" + store,
                            PostgresBackend.RETRY_TIMEOUT,
                            retryFor.toMillis() + "ms",
                            PostgresBackend.RETRIES,
                            "100",
                            PostgresBackend.RETRY_BACKOFF,
                            "250ms",
                            PostgresBackend.CONNECT_TIMEOUT,
                            connectTimeout.toMillis() + "ms"));
        }

        @Override
        public String address() {
            return server.server();
        }

        @Override
        public void stop() {
            server.stop();
        }

        @Override
        public void start() {
            server.resume();
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
        return new Server(PostgresServer.shared(), false);
    }

    @Override
    protected StoreServer ownServer() {
        return new Server(PostgresServer.start(false), true);
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
