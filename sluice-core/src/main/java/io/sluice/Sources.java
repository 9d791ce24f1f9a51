package io.sluice;

import io.sluice.internal.nodes.CronSchedule;
import io.sluice.internal.nodes.LineSources;
import io.sluice.internal.nodes.SequenceSource;
import io.sluice.internal.nodes.SingleInstance;
import io.sluice.internal.nodes.TimedSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Ready-made start nodes. Each method returns a factory to pass to {@link ComputationalGraph.Builder#start}.
 *
 * <p>Bounded sources ({@link #collection}, {@link #iterator}, the counted {@link #generator(long, LongFunction)},
 * {@link #lines}, {@link #stdin}) end, and the deployment completes after them; the others run until the deployment
 * is closed. Sources over a sequence split it between parallel instances; sources over one shared resource (a file,
 * stdin, a clock) run with parallelism 1 and say so if asked for more.
 */
public final class Sources {

    private Sources() {}

    /** The items of a collection, in its iteration order. */
    public static <T> Supplier<StartNode<T>> collection(Collection<? extends T> items) {
        List<? extends T> copy = List.copyOf(items);
        return iterator(copy::iterator);
    }

    /** The items of an iterator; {@code iterators} is called once per instance. */
    public static <T> Supplier<StartNode<T>> iterator(Supplier<? extends Iterator<? extends T>> iterators) {
        Objects.requireNonNull(iterators, "iterators");
        return () -> SequenceSource.ofIterator(iterators);
    }

    /** {@code generator(0)}, {@code generator(1)}, … without end. */
    public static <T> Supplier<StartNode<T>> generator(LongFunction<? extends T> generator) {
        return generator(Long.MAX_VALUE, generator);
    }

    /** {@code generator(0)} to {@code generator(count - 1)}. */
    public static <T> Supplier<StartNode<T>> generator(long count, LongFunction<? extends T> generator) {
        Objects.requireNonNull(generator, "generator");
        if (count < 0) {
            throw new IllegalArgumentException("Sources.generator: count must be ≥ 0, found " + count);
        }
        return () -> SequenceSource.ofGenerator(count, generator);
    }

    /** The tick numbers 0, 1, 2 … every {@code period}, each delayed by a random 0 to {@code jitter}. */
    public static Supplier<StartNode<Long>> interval(Duration period, Duration jitter) {
        return interval(period, jitter, tick -> tick);
    }

    /**
     * {@code item(tick)} every {@code period}, each delayed by a random 0 to {@code jitter}: the timed producer of the
     * consecution notes.
     */
    public static <T> Supplier<StartNode<T>> interval(
            Duration period, Duration jitter, LongFunction<? extends T> item) {
        if (period == null || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("Sources.interval: period must be positive, found " + period);
        }
        if (jitter == null || jitter.isNegative()) {
            throw new IllegalArgumentException("Sources.interval: jitter must be zero or positive, found " + jitter);
        }
        Objects.requireNonNull(item, "item");
        return () -> TimedSource.interval(period, jitter, item);
    }

    /**
     * The times a five-field cron expression fires ({@code "*&#47;5 * * * *"}, {@code "0 9 * * MON-FRI"}), in the
     * system's time zone.
     *
     * @throws IllegalArgumentException if the expression is malformed, naming the field
     */
    public static Supplier<StartNode<Instant>> cron(String expression) {
        return cron(expression, ZoneId.systemDefault(), fireTime -> fireTime);
    }

    /** {@code item(fireTime)} each time the cron expression fires in {@code zone}. */
    public static <T> Supplier<StartNode<T>> cron(String expression, ZoneId zone, Function<Instant, ? extends T> item) {
        CronSchedule schedule = CronSchedule.parse(expression);
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(item, "item");
        Clock clock = Clock.system(zone);
        return () -> TimedSource.cron(schedule, clock, item);
    }

    /**
     * The items pushed into {@code inbox}, until it is closed and drained. Parallel instances share the inbox. A
     * server finds the inbox behind such a start node through {@link InboxSource#inbox()} to accept items over HTTP.
     */
    public static <T> Supplier<StartNode<T>> inbox(Inbox<T> inbox) {
        return new InboxSource<>(Objects.requireNonNull(inbox, "inbox"));
    }

    /** The factory of an inbox's start nodes; it keeps the inbox, so that transports can find it. */
    public static final class InboxSource<T> implements Supplier<StartNode<T>> {
        private final Inbox<T> inbox;

        private InboxSource(Inbox<T> inbox) {
            this.inbox = inbox;
        }

        /** The inbox this start node pulls from. */
        public Inbox<T> inbox() {
            return inbox;
        }

        @Override
        public StartNode<T> get() {
            return inbox.isDurable() ? new DurableInboxNode<>(inbox) : new InboxNode<>(inbox);
        }
    }

    /** Pulls what waits in an inbox: the first item with a short wait, then what is there, up to a burst. */
    private static class InboxNode<T> implements StartNode<T> {
        private static final java.time.Duration WAIT =
                java.time.Duration.ofMillis(20); // short: checkpoints wait for pulls
        final Inbox<T> inbox;

        InboxNode(Inbox<T> inbox) {
            this.inbox = inbox;
        }

        @Override
        public boolean pull(Emitter<T> emitter) throws InterruptedException {
            T first = inbox.poll(WAIT);
            if (first == null) {
                return !inbox.isClosed() || inbox.size() > 0;
            }
            emitter.emit(first);
            T next;
            for (int i = 1; i < 512 && (next = inbox.pollNow()) != null; i++) {
                emitter.emit(next);
            }
            return true;
        }
    }

    /** The start node of a durable inbox: it says where it is in the log, so that a restart resumes there. */
    private static final class DurableInboxNode<T> extends InboxNode<T> implements Resumable {
        DurableInboxNode(Inbox<T> inbox) {
            super(inbox);
        }

        @Override
        public void open(NodeContext context) {
            SingleInstance.require(context, "Sources.inbox over a durable inbox");
        }

        @Override
        public String position() {
            return inbox.store().position();
        }

        @Override
        public void resume(String position) {
            inbox.store().resume(position);
        }

        @Override
        public void committed(String position) {
            inbox.store().committed(position);
        }
    }

    /** The lines of standard input, until it ends. */
    public static Supplier<StartNode<String>> stdin() {
        return () -> LineSources.stdin(System.in);
    }

    /** The lines of a UTF-8 text file. */
    public static Supplier<StartNode<String>> lines(Path path) {
        Objects.requireNonNull(path, "path");
        return () -> LineSources.file(path);
    }
}
