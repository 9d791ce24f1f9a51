package io.sluice.internal.nodes;

import io.sluice.Emitter;
import io.sluice.NodeContext;
import io.sluice.StartNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.LongFunction;

/** Start nodes that emit on a clock: at a fixed period with jitter, or on a cron schedule. They never end. */
public final class TimedSource {

    private TimedSource() {}

    /** Emits {@code item(n)} for n = 0, 1, 2 … every {@code period}, each delayed by a random 0 to {@code jitter}. */
    public static <T> StartNode<T> interval(Duration period, Duration jitter, LongFunction<? extends T> item) {
        long periodNanos = period.toNanos();
        long jitterNanos = jitter.toNanos();
        return new StartNode<>() {
            private long start;
            private long tick;

            @Override
            public void open(NodeContext context) {
                SingleInstance.require(context, "Sources.interval");
                start = System.nanoTime();
            }

            @Override
            public boolean pull(Emitter<T> emitter) throws InterruptedException {
                long jitterNow =
                        jitterNanos == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterNanos + 1);
                sleepUntil(start + tick * periodNanos + jitterNow);
                emitter.emit(item.apply(tick++));
                return true;
            }
        };
    }

    /** Emits {@code item(fireTime)} each time the cron schedule fires, by {@code clock} and in its zone. */
    public static <T> StartNode<T> cron(CronSchedule schedule, Clock clock, Function<Instant, ? extends T> item) {
        return new StartNode<>() {
            private ZonedDateTime next;

            @Override
            public void open(NodeContext context) {
                SingleInstance.require(context, "Sources.cron");
                next = schedule.next(ZonedDateTime.now(clock));
            }

            @Override
            public boolean pull(Emitter<T> emitter) throws InterruptedException {
                Instant due = next.toInstant();
                long waitNanos = Duration.between(clock.instant(), due).toNanos();
                sleepUntil(System.nanoTime() + Math.max(0, waitNanos));
                emitter.emit(item.apply(due));
                next = schedule.next(next);
                return true;
            }
        };
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
            Thread.sleep(Duration.ofNanos(remaining));
        }
    }
}
