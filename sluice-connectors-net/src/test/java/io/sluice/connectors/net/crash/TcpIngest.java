package io.sluice.connectors.net.crash;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.LocalOptions;
import io.sluice.Robustness;
import io.sluice.Sinks;
import io.sluice.SystemType;
import io.sluice.connectors.net.Tcp;
import io.sluice.connectors.net.TcpOptions;
import io.sluice.connectors.net.TcpSource;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * The process the TCP crash test kills: numbers sent as lines to a TCP source, labelled slowly, appended to a file, with
 * checkpoints. {@code TcpIngest DIR}: the log, checkpoints and output live in DIR; the source's port is written to
 * DIR/port once it listens. Runs until killed.
 */
public final class TcpIngest {

    private TcpIngest() {}

    private static void work() {
        long until = System.nanoTime() + 2_000_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        TcpSource<String> numbers = Tcp.lines(TcpOptions.listen("127.0.0.1", 0)
                .withLogDir(dir.resolve("logs"))
                .withCapacity(200));
        ComputationalGraph graph = ComputationalGraph.builder("tcp-ingest")
                .start("in", numbers)
                .map("label", (String n) -> {
                    work(); // slower than the clients, so that acknowledged frames wait in the log at each kill
                    return "n" + n;
                })
                .end("out", Sinks.appendLines(dir.resolve("out.txt")))
                .edge("in -> label -> out")
                .robustness(Robustness.confirm())
                .build();
        LocalOptions options =
                LocalOptions.defaults().withCheckpoints(dir.resolve("checkpoints"), Duration.ofMillis(20));
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            while (numbers.address().isEmpty()) {
                if (deployment.status().state().isFinal()) {
                    throw deployment.failure().orElseThrow();
                }
                Thread.sleep(5);
            }
            InetSocketAddress address = numbers.address().orElseThrow();
            Path port = dir.resolve("port.tmp");
            Files.writeString(port, Integer.toString(address.getPort()));
            Files.move(port, dir.resolve("port"), StandardCopyOption.ATOMIC_MOVE);
            deployment.awaitTermination(Duration.ofHours(1));
        }
    }
}
