package io.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ServerProcess#freePort}, and {@link ServerProcess#installOnce} the way modules built at once ({@code mvn -T
 * 2}) call it: from JVMs started together, whose fake install is a command that writes to a journal when it starts
 * and when it ends, a second apart — so two installs at once would interleave there.
 */
class ServerProcessTest {

    @TempDir
    Path dir;

    @Test
    void freePortsAreFreeAndOutsideTheRangeTheKernelGivesOutgoingConnections() throws Exception {
        int[] ephemeral = ServerProcess.ephemeralRange();
        for (int i = 0; i < 50; i++) {
            int port = ServerProcess.freePort();
            assertThat(port)
                    .as("port %d, the kernel's ephemeral range %d-%d", port, ephemeral[0], ephemeral[1])
                    .isGreaterThanOrEqualTo(ServerProcess.LOWEST_PORT)
                    .matches(p -> p < ephemeral[0] || p > ephemeral[1], "outside the ephemeral range");
            try (ServerSocket listening = new ServerSocket(port)) {
                assertThat(listening.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void twoJvmsMissingTheSameProgramAtOnceInstallItOnceAndBothFindIt() throws Exception {
        List<Process> installers = startTogether(2, "program");

        for (int i = 0; i < installers.size(); i++) {
            assertEnded(installers, i);
            assertThat(new String(installers.get(i).getInputStream().readAllBytes()).strip())
                    .as("what installer %d found", i)
                    .isEqualTo(dir.resolve("program").toString());
        }
        List<String> journal = journal();
        assertThat(journal).as("the install's start and end").hasSize(2);
        assertThat(journal.get(1)).isEqualTo("end " + journal.get(0).substring("start ".length()));
    }

    @Test
    void installsOfTwoJvmsThatBothStillFindNothingRunOneAfterTheOther() throws Exception {
        List<Process> installers = startTogether(2, "-");

        for (int i = 0; i < installers.size(); i++) {
            assertEnded(installers, i);
        }
        List<String> journal = journal();
        assertThat(journal).as("two installs' starts and ends").hasSize(4);
        for (int i = 0; i < journal.size(); i += 2) {
            String pid = journal.get(i).substring("start ".length());
            assertThat(journal.get(i + 1))
                    .as("the line after '%s'", journal.get(i))
                    .isEqualTo("end " + pid);
        }
    }

    @Test
    void threadsOfOneJvmQueueForTheLockRatherThanFail() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger installs = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<Object>> asks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                asks.add(threads.submit(() -> ServerProcess.installOnce(dir.resolve("lock"), () -> null, () -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    installs.incrementAndGet();
                    ServerProcess.run(List.of("sleep", "0.3"), "sleep failed");
                    running.decrementAndGet();
                })));
            }
            for (Future<Object> ask : asks) {
                assertThat(ask.get(1, TimeUnit.MINUTES)).isNull();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(installs).as("installs").hasValue(3);
        assertThat(most).as("installs at once").hasValue(1);
    }

    /** Starts {@code count} {@link Installer} JVMs, and lets them ask at once once all have started. */
    private List<Process> startTogether(int count, String program) throws Exception {
        Path go = dir.resolve("go");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> installers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path log = dir.resolve("installer-" + i + ".log");
            installers.add(new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            Installer.class.getName(),
                            dir.resolve("lock").toString(),
                            dir.resolve("journal").toString(),
                            program.equals("-") ? "-" : dir.resolve(program).toString(),
                            go.toString())
                    .redirectError(log.toFile())
                    .start());
        }
        for (int i = 0; i < count; i++) {
            Path ready = dir.resolve("go.ready." + installers.get(i).pid());
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!Files.exists(ready)) {
                assertThat(installers.get(i).isAlive())
                        .as("installer %d alive; its errors:\n%s", i, errors(i))
                        .isTrue();
                assertThat(System.nanoTime())
                        .as("installer %d started within a minute", i)
                        .isLessThan(deadline);
                Thread.sleep(10);
            }
        }
        Files.createFile(go);
        return installers;
    }

    private void assertEnded(List<Process> installers, int i) throws Exception {
        Process installer = installers.get(i);
        assertThat(installer.waitFor(1, TimeUnit.MINUTES))
                .as("installer %d ended", i)
                .isTrue();
        assertThat(installer.exitValue())
                .as("installer %d's exit code; its errors:\n%s", i, errors(i))
                .isZero();
    }

    private String errors(int installer) {
        return ServerProcess.read(dir.resolve("installer-" + installer + ".log"));
    }

    private List<String> journal() throws Exception {
        return Files.readAllLines(dir.resolve("journal"));
    }

    /**
     * A JVM that says it has started ({@code <go>.ready.<pid>}), waits for the file {@code go}, then asks {@link
     * ServerProcess#installOnce} with lock {@code args[0]} for the file {@code args[2]} ({@code -}: never found), whose
     * install is a command that journals its start and end in {@code args[1]}, a second apart, then creates the
     * file; prints what it found.
     */
    public static final class Installer {
        public static void main(String[] args) throws Exception {
            Path lock = Path.of(args[0]);
            Path journal = Path.of(args[1]);
            Path program = args[2].equals("-") ? null : Path.of(args[2]);
            Path go = Path.of(args[3]);
            Files.createFile(Path.of(go + ".ready." + ProcessHandle.current().pid()));
            while (!Files.exists(go)) {
                Thread.sleep(5);
            }
            String script = "echo start $$ >> '" + journal + "'; sleep 1; echo end $$ >> '" + journal + "'"
                    + (program == null ? "" : "; touch '" + program + "'");
            Path found = ServerProcess.installOnce(
                    lock,
                    () -> program != null && Files.exists(program) ? program : null,
                    () -> ServerProcess.run(List.of("sh", "-c", script), "the fake install failed"));
            System.out.println(found == null ? "" : found);
        }
    }
}
