package io.sluice.connectors.s3.crash;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.LocalOptions;
import io.sluice.Partitioning;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.connectors.s3.S3;
import io.sluice.testkit.Pacing;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The graph the LOCAL crash test kills: {@code count} numbers, paced, through two instances behind a keyed edge into
 * an S3 sink of two instances, with checkpoints. It reaches S3 through the standard AWS settings of its environment
 * ({@code AWS_ENDPOINT_URL}, the key pair). Run as a child JVM: {@code S3CrashingGraph COUNT LOCATION CHECKPOINT_DIR};
 * exits 0 once the deployment completes.
 */
public final class S3CrashingGraph {

    private S3CrashingGraph() {}

    /** Item {@code i}, produced at no more than about 50,000 a second, so that a run lasts long enough to be killed. */
    static long paced(long i) {
        return Pacing.every(i, 50);
    }

    public static void main(String[] args) throws Exception {
        long count = Long.parseLong(args[0]);
        String location = args[1];
        Path checkpoints = Path.of(args[2]);
        ComputationalGraph graph = ComputationalGraph.builder("s3-crashing")
                .start("numbers", Sources.generator(count, S3CrashingGraph::paced))
                .map("label", (Long i) -> "n" + i)
                .parallelism(2)
                .end("out", S3.sink(location).rollSize(16 * 1024))
                .parallelism(2)
                .edge("numbers -> label", Partitioning.keyed((Long i) -> i % 7))
                .edge("label -> out")
                .build();
        LocalOptions options = LocalOptions.defaults().withCheckpoints(checkpoints, Duration.ofMillis(250));
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            if (!deployment.awaitCompletion(Duration.ofMinutes(5))) {
                System.exit(2);
            }
        }
    }
}
