package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.Inbox;
import io.sluice.SluiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable inbox's log on its own: what it keeps across a reopen, what a resume skips, what a commit drops. */
class DurableInboxTest {

    public record Order(String id, long cents) {}

    @TempDir
    Path dir;

    @Test
    void acceptedItemsSurviveAReopenUntilACheckpointCoversThem() throws Exception {
        Path log = dir.resolve("orders.log");
        try (DurableInbox<Order> orders = DurableInbox.open(Order.class, log, 10)) {
            Inbox<Order> inbox = orders.inbox();
            assertThat(inbox.isDurable()).isTrue();
            for (int i = 0; i < 5; i++) {
                assertThat(inbox.offer(new Order("o" + i, i), Duration.ofSeconds(1)))
                        .isTrue();
            }
            assertThat(orders.logSize()).isEqualTo(5);
        }
        try (DurableInbox<Order> orders = DurableInbox.open(Order.class, log, 10)) {
            assertThat(orders.inbox().size()).as("all five come back").isEqualTo(5);
        }
    }

    @Test
    void aFullInboxRefusesAfterItsTimeoutAndNothingIsWritten() throws Exception {
        try (DurableInbox<Order> orders = DurableInbox.open(Order.class, dir.resolve("full.log"), 2)) {
            Inbox<Order> inbox = orders.inbox();
            assertThat(inbox.offer(new Order("a", 1), Duration.ZERO)).isTrue();
            assertThat(inbox.offer(new Order("b", 2), Duration.ZERO)).isTrue();
            assertThat(inbox.offer(new Order("c", 3), Duration.ofMillis(20))).isFalse();
            assertThat(orders.logSize()).isEqualTo(2);
        }
    }

    @Test
    void aFileThatIsNotALogIsRefusedWithWhatToDo() throws Exception {
        Path junk = dir.resolve("junk.log");
        Files.writeString(junk, "this is not a log");
        assertThatThrownBy(() -> DurableInbox.open(Order.class, junk, 10))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("Cannot open the durable inbox log " + junk.toAbsolutePath())
                .hasMessageContaining("move it aside to start afresh");
    }
}
