package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-thread deployment keeps its JVM alive: a {@code main} that deploys and returns without waiting still gets
 * every item written. Its task threads are kept across deployments, and a kept thread must not be a daemon.
 */
class LocalJvmExitTest {

    private static final int ITEMS = 2_000;

    @Test
    void aMainThatReturnsAfterDeployingLeavesTheDeploymentToFinish(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        Process child = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ReturningMain.class.getName(),
                        out.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            assertThat(child.waitFor(120, TimeUnit.SECONDS))
                    .as("the child JVM exits")
                    .isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).isZero();
        assertThat(out).as("the end node's file").exists();
        assertThat(Files.readAllLines(out)).hasSize(ITEMS).endsWith(String.valueOf(ITEMS - 1));
    }

    /** Deploys a paced multi-thread graph writing {@code ITEMS} lines to {@code args[0]}, and returns at once. */
    public static final class ReturningMain {
        public static void main(String[] args) {
            ComputationalGraph.builder("returning")
                    .start("numbers", Sources.generator(ITEMS, i -> {
                        if (i % 100 == 0) {
                            try {
                                Thread.sleep(5); // lasts well beyond main's return
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        return i;
                    }))
                    .end("out", Sinks.lines(Path.of(args[0])))
                    .edge("numbers -> out")
                    .build()
                    .deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(LocalOptions.Mode.MULTI_THREAD));
        }
    }
}
