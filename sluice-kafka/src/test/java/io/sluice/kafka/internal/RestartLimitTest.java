package io.sluice.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The supervisor's restart limit, counted on a clock the test moves: no waiting, no timing. */
class RestartLimitTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Path log = Path.of("logs", "count.log");

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    @Test
    void tenRestartsWithinTheWindowAreGrantedAndTheEleventhDeathFailsWithTheExactCount() {
        RestartLimit limit = new RestartLimit(10, Duration.ofMinutes(5), now::get);

        for (int death = 1; death <= 10; death++) {
            assertThat(limit.allowRestart()).as("death %d", death).isTrue();
            advance(Duration.ofSeconds(1));
        }
        assertThat(limit.progress()).isEqualTo("10 of 10 within 5 min");

        assertThat(limit.allowRestart()).as("death 11").isFalse();
        assertThat(limit.exhausted("count", 137, log))
                .isEqualTo("Node 'count': its worker died 11 times within 5 min (last exit code 137), more than the 10"
                        + " restarts allowed in that window; see " + log + "; if the node is expected to die this"
                        + " often, raise Workers.withRestartLimit(restarts, window)");
    }

    @Test
    void rareDeathsOverALongLifeNeverAddUpToAFailure() {
        RestartLimit limit = new RestartLimit(10, Duration.ofMinutes(5), now::get);

        for (int death = 1; death <= 1_000; death++) {
            assertThat(limit.allowRestart()).as("death %d", death).isTrue();
            advance(Duration.ofMinutes(1));
        }
        assertThat(limit.restartsInWindow()).isEqualTo(5);
    }

    @Test
    void aRestartLeavesTheWindowExactlyWhenTheWindowHasPassed() {
        RestartLimit limit = new RestartLimit(2, Duration.ofMinutes(5), now::get);
        assertThat(limit.allowRestart()).isTrue();
        advance(Duration.ofMinutes(1));
        assertThat(limit.allowRestart()).isTrue();

        advance(Duration.ofMinutes(4).minusNanos(1));
        assertThat(limit.allowRestart())
                .as("both restarts still within the window")
                .isFalse();

        advance(Duration.ofNanos(1));
        assertThat(limit.allowRestart())
                .as("the first restart is five minutes old")
                .isTrue();
        assertThat(limit.restartsInWindow()).isEqualTo(2);
    }

    @Test
    void noRestartsAllowedFailsOnTheFirstDeath() {
        RestartLimit limit = new RestartLimit(0, Duration.ofSeconds(30), now::get);

        assertThat(limit.allowRestart()).isFalse();
        assertThat(limit.exhausted("count", 1, log))
                .startsWith("Node 'count': its worker died once within 30 s (last exit code 1), more than the 0"
                        + " restarts allowed in that window;");
        assertThat(new RestartLimit(1, Duration.ofMillis(1500), now::get).exhausted("n", 9, log))
                .contains("died once within 1500 ms", "more than the 1 restart allowed");
    }
}
