package io.sluice.internal.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.Emitter;
import io.sluice.NodeContext;
import io.sluice.StartNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

    private static final ZonedDateTime FRIDAY_NOON = ZonedDateTime.of(2026, 11, 20, 12, 0, 30, 0, ZoneOffset.UTC);

    private static ZonedDateTime at(int month, int day, int hour, int minute) {
        return ZonedDateTime.of(2026, month, day, hour, minute, 0, 0, ZoneOffset.UTC);
    }

    @Test
    void everyMinuteFiresAtTheNextWholeMinute() {
        assertThat(CronSchedule.parse("* * * * *").next(FRIDAY_NOON)).isEqualTo(at(11, 20, 12, 1));
    }

    @Test
    void stepsRangesAndListsCombine() {
        CronSchedule schedule = CronSchedule.parse("*/15 9-17 * * *");
        assertThat(schedule.next(FRIDAY_NOON)).isEqualTo(at(11, 20, 12, 15));
        assertThat(schedule.next(at(11, 20, 17, 45))).isEqualTo(at(11, 21, 9, 0));
        assertThat(CronSchedule.parse("5,35 * * * *").next(at(11, 20, 12, 6))).isEqualTo(at(11, 20, 12, 35));
    }

    @Test
    void dayNamesAndMonthNamesAreUnderstood() {
        // 2026-11-20 is a Friday: the next weekday 09:00 is Monday the 23rd.
        assertThat(CronSchedule.parse("0 9 * * MON-FRI").next(FRIDAY_NOON)).isEqualTo(at(11, 23, 9, 0));
        assertThat(CronSchedule.parse("0 0 1 JAN *").next(FRIDAY_NOON))
                .isEqualTo(ZonedDateTime.of(2027, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        assertThat(CronSchedule.parse("0 0 * * 7").next(FRIDAY_NOON)).isEqualTo(at(11, 22, 0, 0));
    }

    @Test
    void restrictedDayOfMonthAndDayOfWeekMatchEither() {
        // the 25th, or any Monday: Monday the 23rd comes first
        assertThat(CronSchedule.parse("0 0 25 * MON").next(FRIDAY_NOON)).isEqualTo(at(11, 23, 0, 0));
    }

    @Test
    void expressionThatNeverFiresIsReported() {
        CronSchedule never = CronSchedule.parse("0 0 30 FEB *");
        assertThatThrownBy(() -> never.next(FRIDAY_NOON))
                .hasMessage("cron expression '0 0 30 FEB *' never fires (no date within five years matches it)");
    }

    @Test
    void backwardsRangeIsReported() {
        assertThatThrownBy(() -> CronSchedule.parse("* 17-9 * * *"))
                .hasMessage("cron expression '* 17-9 * * *', hour field: range '17-9' ends before it starts");
    }

    @Test
    void cronSourceEmitsTheFireTimeWhenTheScheduleFires() throws Exception {
        // A clock set 150 ms before the next whole minute, so "every minute" fires at once.
        Instant now = Instant.now();
        Instant nextMinute = now.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60);
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(now, nextMinute.minusMillis(150)));
        StartNode<Instant> source = TimedSource.cron(CronSchedule.parse("* * * * *"), clock, fireTime -> fireTime);
        List<Instant> emitted = new ArrayList<>();
        source.open(new FixedContext());

        Emitter<Instant> collecting = new Emitter<>() {
            @Override
            public void emit(Instant item) {
                emitted.add(item);
            }

            @Override
            public void emit(String port, Object item) {
                throw new AssertionError("no side output expected");
            }
        };
        // A pull waits a short slice at most, so that the runtime can checkpoint between pulls: pull until it fires.
        boolean more = true;
        int pulls = 0;
        while (emitted.isEmpty() && more && pulls++ < 1_000) {
            more = source.pull(collecting);
        }

        assertThat(more).isTrue();
        assertThat(pulls).as("pulls of at most a slice each").isGreaterThan(1);
        assertThat(emitted).hasSize(1);
        assertThat(emitted.get(0).getEpochSecond() % 60).isZero();
        assertThat(clock.instant()).isAfterOrEqualTo(emitted.get(0));
    }

    /** The context of a lone instance, for driving a node by hand. */
    private static final class FixedContext implements NodeContext {
        @Override
        public String graph() {
            return "g";
        }

        @Override
        public String nodeId() {
            return "cron";
        }

        @Override
        public int instance() {
            return 0;
        }

        @Override
        public int parallelism() {
            return 1;
        }

        @Override
        public void tickEvery(Duration period) {}

        @Override
        public void keepResult(Object item) {}

        @Override
        public <K, V> io.sluice.KeyValueStore<K, V> store(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <V> io.sluice.ValueState<V> valueState(String name) {
            throw new UnsupportedOperationException();
        }
    }
}
