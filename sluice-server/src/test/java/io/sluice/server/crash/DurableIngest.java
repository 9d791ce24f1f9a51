package io.sluice.server.crash;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.LocalOptions;
import io.sluice.Robustness;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.server.DurableInbox;
import io.sluice.server.ServerOptions;
import io.sluice.server.SluiceServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * The process the ingest crash test kills: numbers POSTed over HTTP into a durable inbox, labelled, appended to a
 * file, with checkpoints. {@code DurableIngest DIR}: the log, checkpoints and output live in DIR; the server's port is
 * written to DIR/port once it listens. Exits 0 once the inbox is ended (POST /api/nodes/in/end) and all is written.
 */
public final class DurableIngest {

    /** The API token the test sends. */
    static final String TOKEN = "crash-test-token-0123456789";

    private DurableIngest() {}

    private static void work() {
        long until = System.nanoTime() + 500_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        try (DurableInbox<Long> numbers = DurableInbox.open(Long.class, dir.resolve("in.log"), 1_000)) {
            ComputationalGraph graph = ComputationalGraph.builder("ingest")
                    .start("in", Sources.inbox(numbers.inbox()))
                    .map("label", (Long i) -> {
                        work(); // slower than ingest, so that acknowledged items wait in the inbox at each kill
                        return "n" + i;
                    })
                    .end("out", Sinks.appendLines(dir.resolve("out.txt")))
                    .edge("in -> label -> out")
                    .robustness(Robustness.confirm())
                    .build();
            LocalOptions options =
                    LocalOptions.defaults().withCheckpoints(dir.resolve("checkpoints"), Duration.ofMillis(20));
            try (Deployment deployment = graph.deploy(SystemType.LOCAL, options);
                    SluiceServer server =
                            SluiceServer.start(deployment, ServerOptions.port(0).withToken(TOKEN))) {
                Path port = dir.resolve("port.tmp");
                Files.writeString(port, Integer.toString(server.port()));
                Files.move(port, dir.resolve("port"), StandardCopyOption.ATOMIC_MOVE);
                if (!deployment.awaitCompletion(Duration.ofMinutes(5))) {
                    System.exit(2);
                }
            }
        }
    }
}
