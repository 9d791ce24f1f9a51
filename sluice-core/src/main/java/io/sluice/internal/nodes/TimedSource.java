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

/**
 * Start nodes that emit on a clock: at a fixed period with jitter, or on a cron schedule. They never end. A pull waits
 * at most {@link #SLICE} and returns without an item if the next one is not yet due, so that the runtime gets its turn
 * between pulls: a checkpoint waits for every start node's pull to return.
 */
public final class TimedSource {

    /** The longest a pull waits for the clock. */
    static final long SLICE = Duration.ofMillis(20).toNanos();

    private TimedSource() {}

    /** Emits {@code item(n)} for n = 0, 1, 2 … every {@code period}, each delayed by a random 0 to {@code jitter}. */
    public static <T> StartNode<T> interval(Duration period, Duration jitter, LongFunction<? extends T> item) {
        long periodNanos = period.toNanos();
        long jitterNanos = jitter.toNanos();
        return new StartNode<>() {
            private long start;
            private long tick;
            private long due;
            private boolean planned;

            @Override
            public void open(NodeContext context) {
                SingleInstance.require(context, "Sources.interval");
                start = System.nanoTime();
            }

            @Override
            public boolean pull(Emitter<T> emitter) throws InterruptedException {
                if (!planned) {
                    long jitterNow =
                            jitterNanos == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterNanos + 1);
                    due = start + tick * periodNanos + jitterNow;
                    planned = true;
                }
                if (waitFor(due)) {
                    emitter.emit(item.apply(tick++));
                    planned = false;
                }
                return true;
            }
        };
    }

    /** Emits {@code item(fireTime)} each time the cron schedule fires, by {@code clock} and in its zone. */
    public static <T> StartNode<T> cron(CronSchedule schedule, Clock clock, Function<Instant, ? extends T> item) {
        return new StartNode<>() {
            private ZonedDateTime next;
            private long due;
            private boolean planned;

            @Override
            public void open(NodeContext context) {
                SingleInstance.require(context, "Sources.cron");
                next = schedule.next(ZonedDateTime.now(clock));
            }

            @Override
            public boolean pull(Emitter<T> emitter) throws InterruptedException {
                if (!planned) {
                    long waitNanos =
                            Duration.between(clock.instant(), next.toInstant()).toNanos();
                    due = System.nanoTime() + Math.max(0, waitNanos);
                    planned = true;
                }
                if (waitFor(due)) {
                    emitter.emit(item.apply(next.toInstant()));
                    next = schedule.next(next);
                    planned = false;
                }
                return true;
            }
        };
    }

    /** Sleeps until {@code deadlineNanos}, but at most {@link #SLICE}; returns whether the deadline has come. */
    private static boolean waitFor(long deadlineNanos) throws InterruptedException {
        long until = Math.min(deadlineNanos, System.nanoTime() + SLICE);
        long remaining;
        while ((remaining = until - System.nanoTime()) > 0) {
            Thread.sleep(Duration.ofNanos(remaining));
        }
        return System.nanoTime() - deadlineNanos >= 0;
    }
}
