package io.sluice.connectors.net.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.testkit.ChildJvmCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TCP source in a child JVM killed with SIGKILL three times while a client sends: every frame the source
 * acknowledged ({@code ok N}) must reach the output after restarts on the same directory; the frames of a batch that
 * the kill cut off before their acknowledgement are sent again, as a client would. Power check: with the log not
 * written ({@code sluice.inbox.fault=memory-only}), the same kills lose acknowledged frames — the graph is slower than
 * the client, so acknowledged frames wait at every kill.
 *
 * <p>Once every frame is acknowledged, the client sends one more, {@value #ITEMS}, and waits for it in the output:
 * the source keeps the order of its log, so by then every frame that will ever reach the output has.
 */
@Tag("slow")
class TcpCrashTest {

    private static final int ITEMS = 4_000;
    private static final int BATCH = 40;
    private static final int KILLS = 3;

    @Test
    void everyAcknowledgedFrameSurvivesKills(@TempDir Path dir) throws Exception {
        int delivered = sendWhileKilled(dir, 11, "");

        assertThat(delivered).as("acknowledged frames in the output").isEqualTo(ITEMS);
    }

    @Test
    void withTheLogNotWrittenTheSameKillsLoseAcknowledgedFrames(@TempDir Path dir) throws Exception {
        int delivered = sendWhileKilled(dir, 11, "memory-only");

        assertThat(delivered)
                .as("acknowledged frames in the output, the log not written")
                .isLessThan(ITEMS);
    }

    /**
     * Sends {@value #ITEMS} frames to a child JVM run with {@code fault} ({@code sluice.inbox.fault}, none if empty),
     * killing it {@value #KILLS} times, then the last frame; returns how many of the frames reached the output.
     */
    private static int sendWhileKilled(Path dir, long seed, String fault) throws Exception {
        Random random = new Random(seed);
        BitSet acknowledged = new BitSet(ITEMS);
        List<Integer> pending = new ArrayList<>();
        int next = 0;
        int kills = 0;
        Process child = start(dir, fault);
        Connection connection = new Connection(port(dir, child));
        long killAt =
                System.nanoTime() + Duration.ofMillis(200 + random.nextInt(600)).toNanos();
        while (acknowledged.cardinality() < ITEMS) {
            List<Integer> batch = new ArrayList<>(pending);
            while (batch.size() < BATCH && next < ITEMS) {
                batch.add(next++);
            }
            pending.clear();
            Thread killer = null;
            Process doomed = child;
            if (kills < KILLS && System.nanoTime() > killAt) {
                int delay = random.nextInt(3);
                killer = Thread.ofPlatform()
                        .start(
                                () -> { // kill while the batch is in flight
                                    pause(delay);
                                    doomed.destroyForcibly();
                                });
            }
            int acked = connection.send(batch);
            for (int i = 0; i < batch.size(); i++) {
                if (i < acked) {
                    acknowledged.set(batch.get(i));
                } else {
                    pending.add(batch.get(i)); // not acknowledged: it may or may not be in the log; send again
                }
            }
            if (killer != null) {
                killer.join();
                doomed.waitFor();
                kills++;
                killAt = System.nanoTime()
                        + Duration.ofMillis(200 + random.nextInt(600)).toNanos();
                connection.close();
                child = start(dir, fault);
                connection = new Connection(port(dir, child));
            }
        }
        assertThat(connection.send(List.of(ITEMS)))
                .as("the last frame acknowledged")
                .isOne();
        connection.close();

        Path out = dir.resolve("out.txt");
        BitSet seen = new BitSet(ITEMS + 1);
        List<String> lines = new ArrayList<>();
        try {
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                lines.clear();
                lines.addAll(Files.exists(out) ? Files.readAllLines(out) : List.of());
                seen.clear();
                for (String line : lines) {
                    if (line.startsWith("n")) {
                        seen.set(Integer.parseInt(line.substring(1)));
                    }
                }
                return seen.get(ITEMS);
            });
        } finally {
            child.destroyForcibly().waitFor();
        }
        seen.clear(ITEMS);
        System.out.printf(
                "tcp ingest%s: %d kills, %,d lines, %,d distinct, %,d duplicates%n",
                fault.isEmpty() ? "" : " (" + fault + ")",
                kills,
                lines.size() - 1,
                seen.cardinality(),
                lines.size() - 1 - seen.cardinality());
        assertThat(kills).isEqualTo(KILLS);
        return seen.cardinality();
    }

    /** A client connection: sends a batch of numbers as lines and counts the acknowledgements, in order. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final BufferedReader in;

        Connection(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(60_000);
            out = socket.getOutputStream();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        /** How many of the batch, from the first, were acknowledged before the connection broke (if it did). */
        int send(List<Integer> batch) {
            int acked = 0;
            try {
                StringBuilder lines = new StringBuilder();
                batch.forEach(n -> lines.append(n).append('\n'));
                out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                for (String reply = in.readLine(); reply != null; reply = in.readLine()) {
                    assertThat(reply).startsWith("ok ");
                    if (++acked == batch.size()) {
                        break;
                    }
                }
            } catch (IOException e) {
                // the kill cut it off
            }
            return acked;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void pause(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Process start(Path dir, String fault) throws IOException {
        Files.deleteIfExists(dir.resolve("port"));
        List<String> command = ChildJvmCommand.of(
                ChildJvmCommand.withFault(List.of(), "sluice.inbox.fault", fault), TcpIngest.class, dir.toString());
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("child.log").toFile()))
                .start();
    }

    private static int port(Path dir, Process child) throws IOException {
        Path port = dir.resolve("port");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(child.isAlive())
                    .as("the child is up (see %s)", dir.resolve("child.log"))
                    .isTrue();
            return Files.exists(port);
        });
        return Integer.parseInt(Files.readString(port).strip());
    }
}
